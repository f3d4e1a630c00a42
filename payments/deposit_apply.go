package payments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// heldCheckEvery is how often the poller asks the provider about a hold in
// place: an authorisation lapses at the provider after about a week, a
// capture's answer may have been lost, a loan that ended may still wait
// for its release.
const heldCheckEvery = 24 * time.Hour

// loanChangeTries bounds the retries of a hold's transaction when the loan
// changed under it (the customer signing at the same moment).
const loanChangeTries = 3

// settleHold applies what the provider says of a hold, with every effect,
// in one transaction, as settle does for a payment: the hold's state
// (only forward, so a late or repeated event changes nothing), the loan's
// deposit (holdMoved), the thread's line, the customer's message. An
// event given is recorded in the same transaction (nothing done when it
// was seen before). by is who settled it at the return ("" when it is the
// provider's word). It reports whether the hold changed. A hold the loan
// no longer wants (withdrawn or refused meanwhile) is released after the
// commit.
func (s *Service) settleHold(ctx context.Context, p hub.Payment, st State, event *webhookEvent, by string) (bool, error) {
	if p.LoanID == nil {
		return false, fmt.Errorf("payments: hold %d without a loan", p.ID)
	}
	var changed, release, queued bool
	var err error
	for range loanChangeTries {
		changed, release, queued = false, false, false
		err = s.store.Tx(ctx, func(tx *store.Store) error {
			// The change feed's counter first, as every writer of changes.
			if err := tx.LockChangeFeed(ctx); err != nil {
				return err
			}
			if event != nil {
				first, err := tx.RecordPaymentWebhook(ctx, event.provider, event.id)
				if err != nil || !first {
					return err
				}
			}
			before, err := tx.Payment(ctx, p.ID)
			if err != nil {
				return err
			}
			var next *time.Time
			if st.Status == hub.PaymentAuthorized {
				n := s.now().Add(heldCheckEvery)
				next = &n
			}
			var paidAt *time.Time
			if !st.PaidAt.IsZero() {
				paidAt = &st.PaidAt
			}
			changed, err = tx.ApplyHoldState(ctx, p.ID, store.PaymentState{Status: st.Status, PaidMinor: st.PaidMinor,
				Method: st.Method, ReceiptURL: st.ReceiptURL, Reason: st.Reason, PaidAt: paidAt}, next)
			if err != nil || !changed {
				return err
			}
			after, err := tx.Payment(ctx, p.ID)
			if err != nil {
				return err
			}
			release, queued, err = s.holdMoved(ctx, tx, before.Status, after, by)
			return err
		})
		if !errors.Is(err, store.ErrLoanChanged) {
			break
		}
	}
	if err != nil {
		return false, fmt.Errorf("payments: settle hold %d as %s: %w", p.ID, st.Status, err)
	}
	if queued {
		s.queued()
	}
	if release {
		// After the commit: the provider is asked outside the transaction.
		if err := s.ReleaseDeposit(context.WithoutCancel(ctx), *p.LoanID); err != nil {
			s.log.Warn("release an unwanted deposit hold (the poller tries again)", "payment", p.ID, "loan", *p.LoanID, "error", err)
		}
	}
	return changed, nil
}

// holdMoved is settleHold's part for the loan, inside its transaction: p
// has just moved from the state from. It reports whether the hold is to be
// released (the loan no longer wants it) and whether a message was queued.
// Only the loan's own hold moves its deposit, and only forward: an event of
// an older try, or one arriving after the deposit was settled, leaves the
// loan as it is.
func (s *Service) holdMoved(ctx context.Context, tx *store.Store, from string, p hub.Payment, by string) (bool, bool, error) {
	l, err := tx.Loan(ctx, *p.LoanID)
	if err != nil {
		return false, false, err
	}
	mine := l.DepositPaymentID != nil && *l.DepositPaymentID == p.ID
	switch {
	case p.Status == hub.PaymentAuthorized:
		if l.State != hub.LoanOffered || (l.DepositStatus != hub.DepositRequired && l.DepositStatus != hub.DepositFailed) {
			// Withdrawn or refused meanwhile (or a YooKassa page paid
			// after another hold): nobody needs it.
			return true, false, systemLine(ctx, tx, l.ThreadID, templates.SysLoanDepositUnwanted,
				map[string]string{"amount_minor": minor(p.AmountMinor), "currency": p.Currency})
		}
		_, err := tx.ChangeLoan(ctx, l.ID, hub.LoanEventDepositHeld, func(x *hub.Loan) error {
			x.DepositStatus, x.DepositPaymentID = hub.DepositHeld, &p.ID
			return nil
		})
		if err != nil {
			return false, false, err
		}
		return false, false, systemLine(ctx, tx, l.ThreadID, templates.SysLoanDepositHeld, map[string]string{
			"amount_minor": minor(p.AmountMinor), "currency": p.Currency, "method": p.Method, "provider": p.Provider, "provider_id": p.ProviderID})

	case from == hub.PaymentPending && p.Status != hub.PaymentSucceeded:
		// The customer's try did not hold (card refused, page closed).
		if l.DepositStatus != hub.DepositRequired && l.DepositStatus != hub.DepositFailed {
			return false, false, nil
		}
		if l.DepositStatus == hub.DepositRequired {
			if _, err := tx.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error { x.DepositStatus = hub.DepositFailed; return nil }); err != nil {
				return false, false, err
			}
		}
		return false, false, systemLine(ctx, tx, l.ThreadID, templates.SysLoanDepositFailed,
			map[string]string{"amount_minor": minor(p.AmountMinor), "currency": p.Currency, "reason": p.FailureReason})

	case !mine || l.DepositStatus != hub.DepositHeld:
		// Taken or ended without the loan counting on it (a capture in the
		// provider's dashboard of a hold the hub never saw held): staff
		// look at it.
		if p.Status != hub.PaymentSucceeded {
			return false, false, nil
		}
		problem := fmt.Sprintf("%s was taken at %s from a deposit hold of courtesy car loan %d that the hub did not count as held (payment %d): check it in the provider's dashboard.",
			money(p.PaidMinor, p.Currency), p.Provider, l.ID, p.ID)
		task := store.StaffTask{BranchID: l.BranchID, ThreadID: &l.ThreadID, Kind: store.TaskPayment,
			Title: "Check the courtesy car's deposit", Body: problem}
		_, err := tx.RaiseStaffTask(ctx, &task, problem)
		return false, false, err

	case p.Status == hub.PaymentSucceeded:
		queued, err := s.depositTaken(ctx, tx, p, l, by)
		return false, queued, err

	case by != "":
		queued, err := s.depositReleased(ctx, tx, p, l, by)
		return false, queued, err

	default:
		// The hold ended at the provider by itself (it lapsed after about a
		// week, or was cancelled in the dashboard): nothing can be taken
		// from it any more. A loan still offered needs a new hold before
		// the key; one out or back has no deposit left, and staff are told.
		status := hub.DepositReleased
		if l.State == hub.LoanOffered {
			status = hub.DepositFailed
		}
		if _, err := tx.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error { x.DepositStatus = status; return nil }); err != nil {
			return false, false, err
		}
		args := map[string]string{"held_minor": minor(p.AmountMinor), "currency": p.Currency, "reason": p.FailureReason}
		if err := systemLine(ctx, tx, l.ThreadID, templates.SysLoanDepositLapsed, args); err != nil {
			return false, false, err
		}
		if l.State == hub.LoanOffered {
			return false, false, nil
		}
		problem := fmt.Sprintf("The deposit hold of %s for courtesy car loan %d ended at %s (%s) before it was settled: nothing can be taken from it any more.",
			money(p.AmountMinor, p.Currency), l.ID, p.Provider, p.FailureReason)
		task := store.StaffTask{BranchID: l.BranchID, ThreadID: &l.ThreadID, Kind: store.TaskPayment,
			Title: "The courtesy car's deposit lapsed", Body: problem}
		_, err := tx.RaiseStaffTask(ctx, &task, problem)
		return false, false, err
	}
}

// settleLoan records the deposit settled by staff (captured or released).
// A loan back from the customer is then settled as a whole: it closes, and
// the DMS gets its `closed` change with the deposit's outcome. A loan that
// ended before the car left (withdrawn, refused) keeps its end.
func settleLoan(ctx context.Context, tx *store.Store, l hub.Loan, status string) error {
	event := ""
	if l.State == hub.LoanReturned {
		event = hub.LoanEventClosed
	}
	_, err := tx.ChangeLoan(ctx, l.ID, event, func(x *hub.Loan) error {
		x.DepositStatus = status
		if event != "" {
			x.State = hub.LoanClosed
		}
		return nil
	})
	return err
}

// depositTaken records a capture: the loan's deposit captured, a payment
// change for 1C (kind loan_deposit, the amount taken, against the loan's
// work order when it has one), the thread's line and the customer's
// message.
func (s *Service) depositTaken(ctx context.Context, tx *store.Store, p hub.Payment, l hub.Loan, by string) (bool, error) {
	if err := settleLoan(ctx, tx, l, hub.DepositCaptured); err != nil {
		return false, err
	}
	car, err := tx.CourtesyCar(ctx, l.BranchID, l.CarID)
	if err != nil {
		return false, err
	}
	paidAt := s.now().UTC()
	if p.PaidAt != nil {
		paidAt = *p.PaidAt
	}
	c := hub.Change{BranchID: p.BranchID, WorkOrderID: l.WorkOrderID, OccurredAt: paidAt}
	if l.WorkOrderID != nil {
		w, err := tx.WorkOrder(ctx, *l.WorkOrderID)
		if err != nil {
			return false, err
		}
		c.WorkOrderNumber = w.Number
	}
	if err := tx.AppendChange(ctx, &c, hub.PaymentData{
		PaymentID: p.ID, Kind: p.Kind, Reason: fmt.Sprintf("courtesy car %s, loan %d", car.Plate, l.ID),
		AmountMinor: p.PaidMinor, RequestedMinor: p.AmountMinor, Currency: p.Currency, Provider: p.Provider,
		ProviderPaymentID: p.ProviderID, Method: p.Method, PaidAt: paidAt, ReceiptURL: p.ReceiptURL,
	}); err != nil {
		return false, err
	}
	args := map[string]string{"held_minor": minor(p.AmountMinor), "captured_minor": minor(p.PaidMinor), "currency": p.Currency, "by": by}
	if rest := p.AmountMinor - p.PaidMinor; rest > 0 {
		args["rest_minor"] = minor(rest)
	}
	if err := systemLine(ctx, tx, l.ThreadID, templates.SysLoanDepositCaptured, args); err != nil {
		return false, err
	}
	return s.tellDeposit(ctx, tx, l, car, p.AmountMinor, p.PaidMinor, p.Currency)
}

// depositReleased records a release made by the hub (by): the loan's
// deposit released, the thread's line and the customer's message.
func (s *Service) depositReleased(ctx context.Context, tx *store.Store, p hub.Payment, l hub.Loan, by string) (bool, error) {
	if err := settleLoan(ctx, tx, l, hub.DepositReleased); err != nil {
		return false, err
	}
	reason := ""
	switch l.State {
	case hub.LoanWithdrawn:
		reason = "the loan was withdrawn"
	case hub.LoanRefused:
		reason = "the identity check was refused"
	}
	if err := systemLine(ctx, tx, l.ThreadID, templates.SysLoanDepositReleased, map[string]string{
		"held_minor": minor(p.AmountMinor), "currency": p.Currency, "by": by, "reason": reason}); err != nil {
		return false, err
	}
	car, err := tx.CourtesyCar(ctx, l.BranchID, l.CarID)
	if err != nil {
		return false, err
	}
	return s.tellDeposit(ctx, tx, l, car, p.AmountMinor, 0, p.Currency)
}

// tellDeposit queues the customer's message of a settled deposit on the
// thread's channel, in the loan's language. It reports whether a message
// is on its way.
func (s *Service) tellDeposit(ctx context.Context, tx *store.Store, l hub.Loan, car hub.CourtesyCar, held, taken int64, currency string) (bool, error) {
	t, err := tx.Thread(ctx, l.ThreadID)
	if err != nil {
		return false, err
	}
	b, err := tx.Branch(ctx, l.BranchID)
	if err != nil {
		return false, err
	}
	body := depositMessage(l.Locale, b.Name, car.Plate, held, taken, currency)
	m, err := tx.QueueMessage(ctx, store.Outgoing{ThreadID: t.ID, Channel: t.Channel, Recipient: t.Phone, Body: body})
	if err != nil {
		return false, err
	}
	return m.Delivery == hub.DeliveryQueued, nil
}
