package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"naryad/hub"
	"naryad/templates"
)

// The return of a courtesy car (issue 20): the customer's reading of the
// fuel gauge and the odometer and the damage they noticed, sent from the
// loan page while the car is out; and the check made when the loan moves
// to returned, whichever way it does (the kiosk's drop-off in lockerhub,
// the desk in the inbox, any later path): store.ChangeLoan calls it, in
// its transaction, on the move from out to returned, which a loan makes
// once. Less fuel than at the handover (staff's reading at the desk, else
// the customer's), or damage ticked, opens one staff task with a line in
// the thread; the loan's card shows the two photo sets side by side.

// TaskLoanReturn is the kind of the task a courtesy car's return opens.
const TaskLoanReturn = "loan_return"

// ErrReturnReading is a return reading the store refuses: a fuel gauge
// outside 0–8 eighths, an odometer below the handover's or above
// hub.MaxOdometerKm, a damage note too long or not text.
var ErrReturnReading = errors.New("the return reading is not possible")

// ReportLoanReturn keeps the customer's reading at the return (r's
// FuelEighths, OdometerKm, Damage, DamageNote; a note without damage is
// dropped), replacing one sent before, and returns the loan as it is. Only
// while the loan is out (else ErrLoanMove): once the key is back, what the
// return found is settled. It takes the change feed's lock first, as
// ChangeLoan does, so a reading and the return cannot pass each other: the
// return's check sees the reading, or the reading is refused. Call it
// before writing thread rows in the same transaction.
func (s *Store) ReportLoanReturn(ctx context.Context, r hub.LoanReturnReport) (hub.Loan, error) {
	var l hub.Loan
	if r.FuelEighths == nil || r.OdometerKm == nil || *r.FuelEighths < 0 || *r.FuelEighths > 8 ||
		*r.OdometerKm > hub.MaxOdometerKm || !utf8.ValidString(r.DamageNote) ||
		utf8.RuneCountInString(r.DamageNote) > hub.MaxDamageNote || strings.ContainsRune(r.DamageNote, 0) {
		return l, fmt.Errorf("loan %d return reading: %w", r.LoanID, ErrReturnReading)
	}
	if !r.Damage {
		r.DamageNote = ""
	}
	err := s.Tx(ctx, func(tx *Store) error {
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		var err error
		if l, err = tx.Loan(ctx, r.LoanID); err != nil {
			return err
		}
		if l.State != hub.LoanOut {
			return fmt.Errorf("loan %d is %s: return reading: %w", l.ID, l.State, ErrLoanMove)
		}
		if *r.OdometerKm < l.OdometerKm {
			return fmt.Errorf("loan %d return odometer %d below %d: %w", l.ID, *r.OdometerKm, l.OdometerKm, ErrReturnReading)
		}
		old, found, err := tx.loanReturnReport(ctx, l.ID)
		if err != nil {
			return err
		}
		t := now()
		old.FuelEighths, old.OdometerKm, old.Damage, old.DamageNote = r.FuelEighths, r.OdometerKm, r.Damage, r.DamageNote
		old.ReportedAt, old.UpdatedAt = &t, t
		return tx.saveLoanReturnReport(ctx, old, found)
	})
	if err != nil {
		return hub.Loan{}, err
	}
	return l, nil
}

// LoanReturnReport is what is known of a loan's return beyond its row; an
// empty report (LoanID set, nothing reported) when there is none yet.
func (s *Store) LoanReturnReport(ctx context.Context, loanID int64) (hub.LoanReturnReport, error) {
	r, _, err := s.loanReturnReport(ctx, loanID)
	return r, err
}

func (s *Store) loanReturnReport(ctx context.Context, loanID int64) (hub.LoanReturnReport, bool, error) {
	var r hub.LoanReturnReport
	err := s.db.WithContext(ctx).Where("loan_id = ?", loanID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return hub.LoanReturnReport{LoanID: loanID}, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("return report of loan %d: %w", loanID, err)
	}
	return r, true, nil
}

func (s *Store) saveLoanReturnReport(ctx context.Context, r hub.LoanReturnReport, found bool) error {
	q := s.db.WithContext(ctx)
	var err error
	if found {
		err = q.Model(&hub.LoanReturnReport{}).Where("loan_id = ?", r.LoanID).Select("*").Updates(&r).Error
	} else {
		err = q.Create(&r).Error
	}
	if err != nil {
		return fmt.Errorf("return report of loan %d: %w", r.LoanID, err)
	}
	return nil
}

// loanReturning is ChangeLoan's part in a loan's move from out to
// returned, in its transaction. Before the loan is written: a car brought
// back with nobody reading its gauge at the desk (the locker's drop-off)
// takes the customer's reading, if they sent one, as its fuel and
// odometer at the return, so the card and the `returned` change carry it.
// The function it returns runs once the loan is written: the return check
// (checkLoanReturn).
func (s *Store) loanReturning(ctx context.Context, after *hub.Loan) (func() error, error) {
	r, found, err := s.loanReturnReport(ctx, after.ID)
	if err != nil {
		return nil, err
	}
	if after.ReturnFuelEighths == nil && after.ReturnOdometerKm == nil && r.ReportedAt != nil && r.FuelEighths != nil && r.OdometerKm != nil {
		fuel, km := *r.FuelEighths, *r.OdometerKm
		after.ReturnFuelEighths, after.ReturnOdometerKm = &fuel, &km
	}
	returned := *after
	return func() error { return s.checkLoanReturn(ctx, returned, r, found) }, nil
}

// checkLoanReturn opens the staff task of a returned loan that came back
// with less fuel than it left with, or with damage the customer noticed:
// one task (kind TaskLoanReturn, titled in the branch's language, the
// customer and the thread's address in its body) and the line
// loan.return_check in the thread. It runs once per loan (the report's
// checked_at), whatever calls it again.
func (s *Store) checkLoanReturn(ctx context.Context, l hub.Loan, r hub.LoanReturnReport, found bool) error {
	if r.CheckedAt != nil {
		return nil
	}
	t := now()
	r.CheckedAt, r.UpdatedAt = &t, t
	less := hub.LessFuelBack(l, r)
	if less || r.Damage {
		id, err := s.openReturnTask(ctx, l, r, less)
		if err != nil {
			return err
		}
		r.TaskID = &id
	}
	return s.saveLoanReturnReport(ctx, r, found)
}

// openReturnTask adds the task and the thread's line of a return to look
// at, and returns the task's id.
func (s *Store) openReturnTask(ctx context.Context, l hub.Loan, r hub.LoanReturnReport, less bool) (int64, error) {
	branch, err := s.Branch(ctx, l.BranchID)
	if err != nil {
		return 0, fmt.Errorf("loan %d return task: %w", l.ID, err)
	}
	car, err := s.CourtesyCar(ctx, l.BranchID, l.CarID)
	if err != nil {
		return 0, fmt.Errorf("loan %d return task: %w", l.ID, err)
	}
	args := map[string]string{"plate": car.Plate, "model": car.Model}
	if l.WorkOrderID != nil {
		w, err := s.WorkOrder(ctx, *l.WorkOrderID)
		if err != nil {
			return 0, fmt.Errorf("loan %d return task: %w", l.ID, err)
		}
		args["order"] = w.Number
	}
	if less {
		args["fuel"], args["fuel_out"] = strconv.Itoa(*hub.ReturnFuel(l, r)), strconv.Itoa(l.FuelEighths)
	}
	if r.Damage {
		args["damage_key"], args["note"] = templates.SysLoanDamageNoted, r.DamageNote
		if r.DamageBy != "" {
			args["damage_key"], args["by"] = templates.SysLoanDamageDesk, r.DamageBy
		}
	}
	body := LoanThreadPath(l)
	if who := strings.TrimSpace(l.CustomerName + " " + l.CustomerPhone); who != "" {
		body = who + " · " + body
	}
	task := StaffTask{BranchID: l.BranchID, ThreadID: &l.ThreadID, Kind: TaskLoanReturn,
		Title: templates.SystemLine(branch.Locale, templates.SysLoanReturnTask, args, ""), Body: body}
	if err := s.AddStaffTask(ctx, &task); err != nil {
		return 0, err
	}
	line := hub.SystemLine(l.ThreadID, "naryad", templates.SysLoanReturnCheck, args)
	if err := s.AddMessage(ctx, &line); err != nil {
		return 0, fmt.Errorf("loan %d return task: %w", l.ID, err)
	}
	return task.ID, nil
}

// LoanThreadPath is where staff find a loan: its card on the thread's page
// in the inbox (the task's body names it).
func LoanThreadPath(l hub.Loan) string {
	return fmt.Sprintf("/inbox/threads/%d#loan-%d", l.ThreadID, l.ID)
}
