package identity

import (
	"context"
	"errors"
	"fmt"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// outcome is what a provider says of a loan's verification, from a
// webhook or a fetch.
type outcome struct {
	Provider    string
	Session     string
	Status      Status
	ErrorCode   string
	ErrorReason string
}

// webhookEvent is a provider event to record once, in the transaction
// that applies it.
type webhookEvent struct{ provider, id string }

// move is what an outcome does to a loan: the check's new state, the
// feed's event ("" none), the staff's system line and the customer's
// message ("" none).
type move struct {
	status, errorCode string
	event             string
	line              string
	message           string // msgVerified or msgFailed
}

// moveFor is the move an outcome makes of a loan's check; false when it
// changes nothing (the same state again, a new verification with no try
// yet). Whether the move is allowed (forward only: a late event never
// undoes a verified check) is store.ChangeLoan's rule, hub.IdentityForward.
func moveFor(l hub.Loan, o outcome) (move, bool) {
	switch o.Status {
	case Processing:
		if l.IdentityStatus == hub.IdentityProcessing {
			return move{}, false
		}
		return move{status: hub.IdentityProcessing, line: templates.SysLoanIdentityProcessing}, true
	case Verified:
		if l.IdentityStatus == hub.IdentityVerified {
			return move{}, false
		}
		return move{status: hub.IdentityVerified, event: hub.LoanEventVerified, line: templates.SysLoanIdentityVerified, message: msgVerified}, true
	case RequiresInput:
		if o.ErrorCode == "" || (l.IdentityStatus == hub.IdentityPending && l.IdentityError == o.ErrorCode) {
			return move{}, false
		}
		return move{status: hub.IdentityPending, errorCode: o.ErrorCode, line: templates.SysLoanIdentityFailed, message: msgFailed}, true
	case Canceled:
		code := o.ErrorCode
		if code == "" {
			code = string(Canceled)
		}
		if l.IdentityStatus == hub.IdentityPending && l.IdentityError == code {
			return move{}, false
		}
		return move{status: hub.IdentityPending, errorCode: code, line: templates.SysLoanIdentityCanceled, message: msgFailed}, true
	}
	return move{}, false
}

// apply moves the check of a loan of the branch forward by what its
// provider says, with every effect in one transaction: the loan (through
// store.ChangeLoan, the one write path), a `loan` change for the DMS when
// it is verified, a system line for staff, and the customer's message on
// their channel. An event given is recorded in the same transaction: a
// second delivery of it does nothing. An outcome about another loan,
// another branch, an older verification of the loan, or a loan no longer
// offered changes nothing, nor does a move backwards (ErrLoanMove). It
// reports whether the loan changed.
func (s *Service) apply(ctx context.Context, branchID, loanID int64, o outcome, ev *webhookEvent) (bool, error) {
	for range 3 {
		changed, queued := false, false
		err := s.store.Tx(ctx, func(tx *store.Store) error {
			changed, queued = false, false
			// The change feed's counter first, as every writer of a change
			// and a thread row takes it (store.LockChangeFeed).
			if err := tx.LockChangeFeed(ctx); err != nil {
				return err
			}
			l, err := tx.Loan(ctx, loanID)
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			if l.BranchID != branchID {
				// Another branch's loan: branches on one Stripe account
				// each get every event of the account, with the same id,
				// at their own endpoints. This delivery must not use the
				// event up before the loan's own branch receives it.
				return nil
			}
			if ev != nil {
				first, err := tx.RecordIdentityWebhook(ctx, ev.provider, ev.id)
				if err != nil || !first {
					return err
				}
			}
			if l.IdentityProviderID == "" || l.IdentityProviderID != o.Session || l.State != hub.LoanOffered {
				return nil
			}
			m, ok := moveFor(l, o)
			if !ok {
				return nil
			}
			after, err := tx.ChangeLoan(ctx, l.ID, m.event, func(x *hub.Loan) error {
				x.IdentityStatus, x.IdentityError = m.status, m.errorCode
				if m.status == hub.IdentityVerified {
					at := s.now().UTC()
					x.IdentityCheckedAt = &at
				}
				return nil
			})
			if errors.Is(err, store.ErrLoanMove) {
				// A late event (processing after verified): the check keeps
				// its state.
				s.log.Info("identity outcome would move the check back: ignored", "loan", l.ID,
					"from", l.IdentityStatus, "to", m.status)
				return nil
			}
			if err != nil {
				return err
			}
			changed = true
			queued, err = s.effects(ctx, tx, after, o, m)
			return err
		})
		if errors.Is(err, store.ErrLoanChanged) {
			continue // the customer or staff changed the loan meanwhile: read it again
		}
		if err != nil {
			return false, fmt.Errorf("identity: apply %s of loan %d: %w", o.Status, loanID, err)
		}
		if queued {
			s.queued()
		}
		return changed, nil
	}
	return false, fmt.Errorf("identity: apply %s of loan %d: %w", o.Status, loanID, store.ErrLoanChanged)
}

// effects writes the move's system line and queues its message, inside
// tx; it reports whether a message is on its way.
func (s *Service) effects(ctx context.Context, tx *store.Store, l hub.Loan, o outcome, m move) (bool, error) {
	car, err := tx.CourtesyCar(ctx, l.BranchID, l.CarID)
	if err != nil {
		return false, err
	}
	args := map[string]string{"provider": providerTitle(o.Provider), "session": o.Session, "plate": car.Plate}
	if m.errorCode != "" && m.errorCode != string(Canceled) {
		args["reason"] = m.errorCode
	}
	line := hub.SystemLine(l.ThreadID, "naryad", m.line, args)
	if err := tx.AddMessage(ctx, &line); err != nil {
		return false, err
	}
	if m.message == "" {
		return false, nil
	}
	t, err := tx.Thread(ctx, l.ThreadID)
	if err != nil {
		return false, err
	}
	b, err := tx.Branch(ctx, l.BranchID)
	if err != nil {
		return false, err
	}
	body := failedMessage(l, b.Name, m.errorCode)
	if m.message == msgVerified {
		body = verifiedMessage(l, b.Name)
	}
	msg, err := tx.QueueMessage(ctx, store.Outgoing{ThreadID: t.ID, Channel: t.Channel, Recipient: t.Phone, Body: body, TemplateKey: m.message})
	if err != nil {
		return false, err
	}
	return msg.Delivery == hub.DeliveryQueued, nil
}

// providerTitle is a provider's name as staff know it.
func providerTitle(name string) string {
	if name == hub.IdentityStripe {
		return "Stripe Identity"
	}
	return name
}
