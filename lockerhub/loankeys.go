package lockerhub

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	loanpage "naryad/hub/web/loan"
	"naryad/lockerwire"
	"naryad/templates"
)

// A courtesy car's key in the locker (issue 20). The kiosk knows it as an
// entry like a work order's (lockerwire.LoanKeysID): staff put it in from
// the staff menu, the customer takes it with a pickup code and brings it
// back with a drop-off code. The hub decides who gets which code, and
// tells the kiosk a code only while the loan is at its step (loanEntries),
// so a loan withdrawn or refused after its code went out stops it at the
// kiosk's next sync: nobody has to remember to revoke it.

// LoanCodeTTL is how long a loan's key code works: from the moment it is
// for (the handover for the pickup, the due return for the drop-off) or,
// when later, from its issue. A customer who asks after that gets a new
// one.
const LoanCodeTTL = 72 * time.Hour

// LoanKeys hands courtesy cars' keys over through the branch's lockers: the
// customer's loan page asks it for the codes (hub/web/loan.Keys).
type LoanKeys struct{ svc *Service }

// LoanKeys is the service's side for the customer's loan page.
func (s *Service) LoanKeys() *LoanKeys { return &LoanKeys{svc: s} }

// PickupCode issues the code that opens the compartment holding the loan's
// key and sends it on the customer's thread; the loan is read again, the
// caller's copy only names it. Errors, in this order: ErrNoLocker (the
// branch has no live locker), ErrNotReady (the loan is not Ready: identity,
// agreement, deposit), ErrKeyNotInLocker (staff have not put the key in,
// as the kiosk last reported). Codes are kept only as hashes, so a code is
// shown once: while it is live, a repeated call returns KeyCode with an
// empty Code (it was sent to the customer's SMS or WhatsApp) and the same
// ExpiresAt; once expired, the next call issues and sends a new one.
func (k *LoanKeys) PickupCode(ctx context.Context, l hub.Loan) (loanpage.KeyCode, error) {
	return k.code(ctx, l.ID, hub.LockerCodePickup)
}

// ReturnCode issues the drop-off code for the key of a loan that is out
// (else ErrNotReady), as PickupCode does; the key dropped off moves the
// loan returned. One is already sent when the key is taken, so the page
// usually gets the empty Code of a repeat.
func (k *LoanKeys) ReturnCode(ctx context.Context, l hub.Loan) (loanpage.KeyCode, error) {
	return k.code(ctx, l.ID, hub.LockerCodeDropOff)
}

func (k *LoanKeys) code(ctx context.Context, loanID int64, kind string) (loanpage.KeyCode, error) {
	var out loanpage.KeyCode
	queued := false
	err := k.svc.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.LockLoanKeys(ctx, loanID); err != nil {
			return err
		}
		l, err := tx.Loan(ctx, loanID)
		if err != nil {
			return err
		}
		sites, err := tx.LockerSites(ctx, []int64{l.BranchID})
		if err != nil {
			return err
		}
		if len(sites) == 0 {
			return loanpage.ErrNoLocker
		}
		if !loanAtStep(l, kind) {
			return loanpage.ErrNotReady
		}
		names := make([]string, len(sites))
		for i, s := range sites {
			names[i] = s.Name
		}
		out.SiteName = strings.Join(names, ", ") // the key comes back to any of them
		if kind == hub.LockerCodePickup {
			box, err := tx.LoanKeyReady(ctx, l)
			if errors.Is(err, store.ErrNotFound) {
				return loanpage.ErrKeyNotInLocker
			}
			if err != nil {
				return err
			}
			out.SiteName = box.Site.Name
		}
		issued, err := k.svc.loanCode(ctx, tx, l, kind)
		out.Code, out.ExpiresAt, queued = issued.code, issued.expiresAt, issued.queued
		return err
	})
	if err != nil {
		return loanpage.KeyCode{}, fmt.Errorf("%s code of loan %d: %w", kind, loanID, err)
	}
	if queued {
		k.svc.queued()
	}
	return out, nil
}

// loanAtStep tells whether a loan may have a live code of kind: the pickup
// code while it is Ready, the drop-off code while the car is out.
func loanAtStep(l hub.Loan, kind string) bool {
	if kind == hub.LockerCodePickup {
		return l.Ready()
	}
	return l.State == hub.LoanOut
}

// issuedCode is what loanCode did: the code in clear when it made one, its
// expiry, and whether a message to the customer was queued.
type issuedCode struct {
	code      string
	expiresAt time.Time
	queued    bool
}

// loanCode gives the loan a live code of kind and sends it to the customer,
// unless one is live already (then code is ""). It runs inside tx, which
// holds the loan's key lock (LockLoanKeys), on a loan read in tx and at
// the step of kind (loanAtStep).
func (s *Service) loanCode(ctx context.Context, tx *store.Store, l hub.Loan, kind string) (issuedCode, error) {
	live, err := tx.LiveLoanKeyCode(ctx, l.ID, kind)
	if err == nil {
		return issuedCode{expiresAt: live.ExpiresAt}, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return issuedCode{}, err
	}
	code, err := lockerwire.NewCode()
	if err != nil {
		return issuedCode{}, err
	}
	salt, err := hub.NewSalt()
	if err != nil {
		return issuedCode{}, err
	}
	c := hub.LoanKeyCode{LoanID: l.ID, Kind: kind, Salt: salt, Hash: lockerwire.Hash(salt, code), ExpiresAt: loanCodeExpiry(l, kind, time.Now())}
	if err := tx.IssueLoanKeyCode(ctx, &c); err != nil {
		return issuedCode{}, err
	}
	key := templates.KeyLoanKeyPickup
	if kind == hub.LockerCodeDropOff {
		key = templates.KeyLoanKeyReturn
	}
	queued, err := s.notifyLoan(ctx, tx, l, key, code)
	if err != nil {
		return issuedCode{}, err
	}
	return issuedCode{code: code, expiresAt: c.ExpiresAt, queued: queued}, nil
}

// loanCodeExpiry is LoanCodeTTL after the moment a code of kind is for, or
// after now when that has passed.
func loanCodeExpiry(l hub.Loan, kind string, now time.Time) time.Time {
	from := l.HandoverAt
	if kind == hub.LockerCodeDropOff {
		from = l.DueBackAt
	}
	if now.After(from) {
		from = now
	}
	return from.Add(LoanCodeTTL).UTC().Truncate(time.Microsecond)
}

// notifyLoan queues the customer message key about the loan's car in the
// loan's thread, in the loan's language, inside tx; code is the code it
// carries, if any. It reports whether the message is on its way.
func (s *Service) notifyLoan(ctx context.Context, tx *store.Store, l hub.Loan, key, code string) (bool, error) {
	t, err := tx.Thread(ctx, l.ThreadID)
	if err != nil {
		return false, err
	}
	b, err := tx.Branch(ctx, l.BranchID)
	if err != nil {
		return false, err
	}
	car, err := tx.CourtesyCar(ctx, l.BranchID, l.CarID)
	if err != nil {
		return false, err
	}
	d := templates.Data{
		CustomerName: l.CustomerName, BranchName: b.Name, BranchPhone: b.Phone,
		Vehicle: strings.TrimSpace(car.Model + " " + car.Plate), Plate: car.Plate, Code: code,
		Location: s.zones.Of(b), Locale: l.Locale,
	}
	if l.WorkOrderID != nil {
		w, err := tx.WorkOrder(ctx, *l.WorkOrderID)
		if err != nil {
			return false, err
		}
		d.WorkOrderNumber = w.Number
	}
	link, err := tx.ActiveMagicLink(ctx, t.ID)
	switch {
	case err == nil:
		d.Link = s.links.URL(link.Salt)
	case !errors.Is(err, store.ErrNotFound): // revoked by staff: the message goes without a link
		return false, err
	}
	body, err := s.texts.WithOverrides(tx).Render(ctx, l.BranchID, key, d)
	if err != nil {
		return false, fmt.Errorf("%s for loan %d: %w", key, l.ID, err)
	}
	m, err := tx.QueueMessage(ctx, store.Outgoing{ThreadID: t.ID, Channel: t.Channel, Recipient: t.Phone, Body: body, TemplateKey: key})
	if err != nil {
		return false, err
	}
	return m.Delivery == hub.DeliveryQueued, nil
}
