package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"naryad/hub"
)

// ErrCarTaken means the courtesy car already has an open loan (index
// loans_open_car) or is not available: the advisor picks another.
var ErrCarTaken = errors.New("the courtesy car is already promised or out")

// ErrLoanChanged means a loan changed between reading and writing it
// (another advisor, a webhook, the customer in another tab): the caller
// reads it again rather than overwrite what the other did.
var ErrLoanChanged = errors.New("the loan changed meanwhile")

// ErrLoanMove is a change a loan may not make in its state (a second
// signature, a PIN for a loan already out, a webhook moving a verified
// check back): the caller answers with a clear refusal, nothing stored.
var ErrLoanMove = errors.New("the loan cannot do that now")

// CreateLoan stores a new offered loan and reserves its car, in one
// transaction with the `loan` change (event offered) in the DMS feed. The
// caller fills the offer (branch, thread, car, terms, identity method,
// deposit, token hash, who offered); the state, version and deposit status
// are set here. A car that is not available, or already has an open loan
// (two advisors at once), is refused with ErrCarTaken and nothing is kept.
func (s *Store) CreateLoan(ctx context.Context, l *hub.Loan) error {
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		car, err := tx.CourtesyCar(ctx, l.BranchID, l.CarID)
		if err != nil {
			return fmt.Errorf("offer loan: car %d: %w", l.CarID, err)
		}
		if car.RetiredAt != nil || car.State != hub.CarAvailable {
			return fmt.Errorf("offer loan: car %d is %s: %w", l.CarID, car.State, ErrCarTaken)
		}
		if _, err := tx.SetCarState(ctx, l.BranchID, l.CarID, hub.CarReserved, false); err != nil {
			if errors.Is(err, ErrCarChanged) {
				return fmt.Errorf("offer loan: car %d: %w", l.CarID, ErrCarTaken)
			}
			return fmt.Errorf("offer loan: reserve car %d: %w", l.CarID, err)
		}
		t := now()
		utcLoanTimes(l)
		l.State = hub.LoanOffered
		l.Version = 1
		l.CreatedAt, l.UpdatedAt = t, t
		if l.IdentityStatus == "" {
			l.IdentityStatus = hub.IdentityPending
		}
		l.DepositStatus = hub.DepositNone
		if l.DepositMinor > 0 {
			l.DepositStatus = hub.DepositRequired
		}
		if err := tx.db.WithContext(ctx).Create(l).Error; err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("offer loan: car %d: %w", l.CarID, ErrCarTaken)
			}
			return fmt.Errorf("offer loan of car %d: %w", l.CarID, err)
		}
		return tx.appendLoanChange(ctx, *l, car, hub.LoanEventOffered)
	})
}

// Loan reads one loan.
func (s *Store) Loan(ctx context.Context, id int64) (hub.Loan, error) {
	var l hub.Loan
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return l, fmt.Errorf("loan %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return l, fmt.Errorf("loan %d: %w", id, err)
	}
	return l, nil
}

// LoanByToken reads the loan a customer's link token opens (its hash is
// stored, never the token). An unknown token is ErrNotFound.
func (s *Store) LoanByToken(ctx context.Context, token string) (hub.Loan, error) {
	var l hub.Loan
	err := s.db.WithContext(ctx).Where("token_hash = ?", hub.HashToken(token)).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return l, fmt.Errorf("loan by token: %w", ErrNotFound)
	}
	if err != nil {
		return l, fmt.Errorf("loan by token: %w", err)
	}
	return l, nil
}

// LoansOfThread lists a thread's loans, newest first.
func (s *Store) LoansOfThread(ctx context.Context, threadID int64) ([]hub.Loan, error) {
	var ls []hub.Loan
	if err := s.db.WithContext(ctx).Where("thread_id = ?", threadID).Order("id DESC").Find(&ls).Error; err != nil {
		return nil, fmt.Errorf("loans of thread %d: %w", threadID, err)
	}
	return ls, nil
}

// ChangeLoan is the one way a loan changes after its offer: it reads the
// loan in a transaction, lets change modify a copy (returning an error
// refuses the change: nothing is stored), checks the result against the
// rules (hub.LoanMoveAllowed for the state, hub.IdentityForward for the
// identity check; else ErrLoanMove), writes it only if nobody changed the
// loan meanwhile (else ErrLoanChanged), moves the car with the loan
// (out → car out, returned → car returned, withdrawn or refused → car
// available) and, when event is not empty, appends a `loan` change with
// the loan as it is now. A loan that ends (returned, withdrawn, refused)
// gets EndedAt and PhotosPurgeAt (the end plus the branch's photo
// retention) here, so no caller forgets them; a loan moving from out to
// returned gets the customer's return reading when nobody else read the
// gauge, and the return check that may open a staff task
// (loan_return_check.go). It returns the loan as written. Called inside a
// transaction, it runs in it (call it before writing thread rows: it takes
// the feed's lock first), so the caller's own writes (a system line, a
// message to the customer, an audit row) commit or roll back with it.
func (s *Store) ChangeLoan(ctx context.Context, id int64, event string, change func(l *hub.Loan) error) (hub.Loan, error) {
	var after hub.Loan
	err := s.Tx(ctx, func(tx *Store) error {
		// The feed's lock first, as every writer of a change and thread
		// rows takes it (LockChangeFeed): a caller adding a system line or
		// a message in the same transaction does so after this.
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		before, err := tx.Loan(ctx, id)
		if err != nil {
			return err
		}
		after = before
		if err := change(&after); err != nil {
			return err
		}
		if after.ID != before.ID || after.BranchID != before.BranchID || after.CarID != before.CarID || after.TokenHash != before.TokenHash {
			return fmt.Errorf("loan %d: the change rewrote what a loan never changes: %w", id, ErrLoanMove)
		}
		if after.State != before.State && !hub.LoanMoveAllowed(before.State, after.State) {
			return fmt.Errorf("loan %d: %s → %s: %w", id, before.State, after.State, ErrLoanMove)
		}
		if after.IdentityStatus != before.IdentityStatus && !hub.IdentityForward(before.IdentityStatus, after.IdentityStatus) {
			return fmt.Errorf("loan %d: identity %s → %s: %w", id, before.IdentityStatus, after.IdentityStatus, ErrLoanMove)
		}
		after.Version = before.Version + 1
		after.UpdatedAt = now()
		utcLoanTimes(&after)
		if hub.LoanEnded(after.State) && !hub.LoanEnded(before.State) {
			// The identity photos go the branch's retention after the end.
			settings, err := tx.LoanSettings(ctx, after.BranchID)
			if err != nil {
				return fmt.Errorf("loan %d: settings: %w", id, err)
			}
			end := after.UpdatedAt
			purge := end.AddDate(0, 0, settings.PhotoRetentionDays)
			after.EndedAt, after.PhotosPurgeAt = &end, &purge
		}
		var returned func() error
		if before.State == hub.LoanOut && after.State == hub.LoanReturned {
			// The car is back, by whichever path: the customer's reading
			// and the return check (loan_return_check.go).
			if returned, err = tx.loanReturning(ctx, &after); err != nil {
				return fmt.Errorf("loan %d: return: %w", id, err)
			}
		}
		res := tx.db.WithContext(ctx).Model(&hub.Loan{}).Where("id = ? AND version = ?", id, before.Version).
			Select("*").Omit("id", "branch_id", "thread_id", "car_id", "token_hash", "created_at").Updates(&after)
		if res.Error != nil {
			return fmt.Errorf("loan %d: write: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("loan %d: %w", id, ErrLoanChanged)
		}
		if returned != nil {
			if err := returned(); err != nil {
				return fmt.Errorf("loan %d: return check: %w", id, err)
			}
		}
		if carTo := carStateFor(before.State, after.State); carTo != "" {
			if _, err := tx.SetCarState(ctx, after.BranchID, after.CarID, carTo, false); err != nil {
				return fmt.Errorf("loan %d: car %d → %s: %w", id, after.CarID, carTo, err)
			}
		}
		if event == "" {
			return nil
		}
		car, err := tx.CourtesyCar(ctx, after.BranchID, after.CarID)
		if err != nil {
			return fmt.Errorf("loan %d: car: %w", id, err)
		}
		return tx.appendLoanChange(ctx, after, car, event)
	})
	if err != nil {
		return hub.Loan{}, err
	}
	return after, nil
}

// utcLoanTimes stores every time of a loan in UTC: SQLite compares times
// as text, so a time kept with another zone would sort wrongly against
// now() in the reminders' and the purge's queries.
func utcLoanTimes(l *hub.Loan) {
	l.HandoverAt, l.DueBackAt = l.HandoverAt.UTC(), l.DueBackAt.UTC()
	for _, t := range []**time.Time{&l.IdentityCheckedAt, &l.SignedAt, &l.OutAt, &l.ReturnedAt, &l.EndedAt, &l.PhotosPurgeAt} {
		if *t != nil {
			u := (**t).UTC()
			*t = &u
		}
	}
}

// carStateFor is where a loan's move takes its car; "" leaves it.
func carStateFor(from, to string) string {
	if from == to {
		return ""
	}
	switch to {
	case hub.LoanOut:
		return hub.CarOut
	case hub.LoanReturned:
		return hub.CarReturned
	case hub.LoanWithdrawn, hub.LoanRefused:
		return hub.CarAvailable
	}
	return ""
}

// appendLoanChange writes the `loan` change of an event, with the loan as
// it is now and its signed agreement once there is one.
func (s *Store) appendLoanChange(ctx context.Context, l hub.Loan, car hub.CourtesyCar, event string) error {
	data := hub.LoanData{
		LoanID: l.ID, ThreadID: l.ThreadID, Event: event, State: l.State,
		Car:   hub.LoanCarData{Plate: car.Plate, VIN: car.VIN, Model: car.Model},
		Phone: l.CustomerPhone, CustomerName: l.CustomerName,
		HandoverAt: l.HandoverAt, DueBackAt: l.DueBackAt, FuelEighths: l.FuelEighths, OdometerKm: l.OdometerKm,
		ReturnFuelEighths: l.ReturnFuelEighths, ReturnOdometerKm: l.ReturnOdometerKm,
		IdentityStatus: l.IdentityStatus, IdentityMethod: l.IdentityMethod, DepositKeptMinor: l.DepositKeptMinor, DepositMinor: l.DepositMinor, DepositCurrency: l.DepositCurrency, DepositStatus: l.DepositStatus,
		DocumentID: l.DocumentID, SignedAt: l.SignedAt,
	}
	if l.AgreementMessageID != nil && l.AgreementSHA256 != "" {
		var a hub.Attachment
		err := s.db.WithContext(ctx).Where("message_id = ? AND sha256 = ?", *l.AgreementMessageID, l.AgreementSHA256).Take(&a).Error
		if err != nil {
			return fmt.Errorf("loan %d change: the agreement's file: %w", l.ID, err)
		}
		data.Agreement = &hub.InspectionFileData{Name: a.Name, ContentType: a.ContentType, SizeBytes: a.SizeBytes,
			SHA256: a.SHA256, URL: hub.DMSFileURL(a.SHA256)}
	}
	c := hub.Change{BranchID: l.BranchID, WorkOrderID: l.WorkOrderID}
	if l.WorkOrderID != nil {
		w, err := s.WorkOrder(ctx, *l.WorkOrderID)
		if err != nil {
			return fmt.Errorf("loan %d change: work order: %w", l.ID, err)
		}
		c.WorkOrderNumber = w.Number
	}
	if err := s.AppendChange(ctx, &c, data); err != nil {
		return fmt.Errorf("loan %d change: %w", l.ID, err)
	}
	return nil
}
