package lockerhub

import (
	"context"
	"errors"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/lockerwire"
	"naryad/templates"
)

// loanEvent writes an event of a courtesy car's key into its loan's thread
// for staff and does what it means for the loan: the key put in for
// pickup sends a ready loan's customer the pickup code; the key taken with
// it moves the loan out (and sends the return code); the key dropped off
// moves it returned. It runs in the sync's transaction, so the loan's move
// commits with the event, once. The key has moved whatever the books say:
// a move the loan cannot make (it was withdrawn while the kiosk was
// offline, an admin moved the car by hand) stores the event with a line
// asking staff to look, and never refuses the sync.
func (r *recorder) loanEvent(ctx context.Context, e lockerwire.Event, loanID int64, box hub.LockerCompartment, hasBox bool) error {
	if err := r.tx.LockLoanKeys(ctx, loanID); err != nil {
		return err
	}
	l, err := r.tx.Loan(ctx, loanID)
	if err != nil {
		return err
	}
	car, err := r.tx.CourtesyCar(ctx, l.BranchID, l.CarID)
	if err != nil {
		return err
	}
	args := describe(r.site, box, hasBox, e)
	args["plate"] = car.Plate
	line, astray := templates.SysLoanLockerEvent, false
	if e.Detail != lockerwire.DetailReopen { // a second opening: the customer's first already counted
		switch e.Kind {
		case lockerwire.EventKeysReturned:
			if l.Ready() {
				err = r.sendLoanCode(ctx, l, hub.LockerCodePickup)
			}
		case lockerwire.EventKeysCollected:
			if _, err = r.tx.UseLoanKeyCode(ctx, l.ID, hub.LockerCodePickup, e.OccurredAt); err != nil {
				return err
			}
			var moved bool
			if moved, err = r.moveLoan(ctx, l, car, hub.LoanOut, e.OccurredAt); moved {
				line, astray = templates.SysLoanLockerOut, !l.Ready()
				if l, err = r.tx.Loan(ctx, l.ID); err == nil {
					err = r.sendLoanCode(ctx, l, hub.LockerCodeDropOff)
				}
			} else {
				astray = err == nil
			}
		case lockerwire.EventKeysReceived:
			if _, err = r.tx.UseLoanKeyCode(ctx, l.ID, hub.LockerCodeDropOff, e.OccurredAt); err != nil {
				return err
			}
			var moved bool
			if moved, err = r.moveLoan(ctx, l, car, hub.LoanReturned, e.OccurredAt); moved {
				line = templates.SysLoanLockerReturned
				var queued bool
				queued, err = r.notifyLoan(ctx, r.tx, l, templates.KeyLoanKeyReturned, "")
				r.queued = r.queued || queued
			}
		}
		if err != nil {
			return err
		}
	}
	if err := r.noteLoan(ctx, l, line, args, e.OccurredAt); err != nil {
		return err
	}
	if astray {
		// The key left with the loan not ready for it (or the loan could
		// not move): someone has the car the books do not give them.
		return r.noteLoan(ctx, l, templates.SysLoanLockerAstray, args, e.OccurredAt)
	}
	return nil
}

// sendLoanCode issues the loan's code of kind and sends it, unless one is
// live; the caller holds the loan's key lock.
func (r *recorder) sendLoanCode(ctx context.Context, l hub.Loan, kind string) error {
	issued, err := r.loanCode(ctx, r.tx, l, kind)
	r.queued = r.queued || issued.queued
	return err
}

// moveLoan moves the loan to out or returned, dated when the key moved at
// the locker, through store.ChangeLoan. It reports false, and changes
// nothing, when the loan is not where the move starts (offered for out, out
// for returned) or its car cannot follow without an override: the sync
// stores the event all the same. A loan changed meanwhile is read again.
func (r *recorder) moveLoan(ctx context.Context, l hub.Loan, car hub.CourtesyCar, to string, at time.Time) (bool, error) {
	from, event, carTo := hub.LoanOffered, hub.LoanEventOut, hub.CarOut
	if to == hub.LoanReturned {
		from, event, carTo = hub.LoanOut, hub.LoanEventReturned, hub.CarReturned
	}
	if l.State != from || car.RetiredAt != nil || (car.State != carTo && !hub.CarMoveAllowed(car.State, carTo)) {
		return false, nil
	}
	when := at.UTC().Truncate(time.Microsecond)
	for try := 0; ; try++ {
		_, err := r.tx.ChangeLoan(ctx, l.ID, event, func(x *hub.Loan) error {
			if x.State != from {
				return errLoanMoved
			}
			x.State = to
			if to == hub.LoanOut {
				x.OutAt = &when
			} else {
				x.ReturnedAt = &when
			}
			return nil
		})
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, errLoanMoved):
			return false, nil
		case errors.Is(err, store.ErrLoanChanged) && try < 2:
			continue // nothing was written: read it again
		}
		return false, err
	}
}

// errLoanMoved stops a move the loan has left the start of meanwhile.
var errLoanMoved = errors.New("the loan is no longer where the move starts")

// noteLoan writes a line for staff into the loan's thread, dated when it
// happened at the locker.
func (r *recorder) noteLoan(ctx context.Context, l hub.Loan, key string, args map[string]string, at time.Time) error {
	line := hub.SystemLine(l.ThreadID, "locker", key, args)
	line.CreatedAt = at
	return r.tx.AddMessage(ctx, &line)
}
