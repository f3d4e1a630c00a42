package loan

import (
	"context"
	"errors"
	"time"

	"naryad/hub"
)

// keyView is the key step while the loan is offered.
type keyView struct {
	Ready  bool // identity, signature and deposit are done
	Code   codeView
	Desk   bool // the key changes hands at the desk
	Soon   bool // the locker does not hold the key yet
	Failed bool // the code could not be had now
}

// codeView is a locker code with where and until when to use it. Sent: the
// code was issued earlier and sent on the customer's channel; the locker
// keeps only its hash, so the page cannot show it again.
type codeView struct {
	Code, Site, Address, Until string
	Sent                       bool
}

// returnView is the loan while the car is out.
type returnView struct {
	DueBack string
	Overdue bool
	Code    codeView
	Desk    bool
	Failed  bool
}

// keysTimeout bounds one call to the locker side while the page renders.
const keysTimeout = 10 * time.Second

func (h *Handler) keyView(ctx context.Context, l hub.Loan, locale string, zone *time.Location) *keyView {
	v := &keyView{Ready: l.Ready()}
	if !v.Ready {
		return v
	}
	if h.keys == nil {
		v.Desk = true
		return v
	}
	ctx, cancel := context.WithTimeout(ctx, keysTimeout)
	defer cancel()
	code, err := h.keys.PickupCode(ctx, l)
	switch {
	case err == nil:
		v.Code = codeFor(code, locale, zone)
	case errors.Is(err, ErrNoLocker):
		v.Desk = true
	case errors.Is(err, ErrKeyNotInLocker):
		v.Soon = true
	default:
		// ErrNotReady (the loan moved meanwhile) or the locker side did
		// not answer: the page says to look again, never fails.
		h.log.Warn("loan page: pickup code", "loan_id", l.ID, "error", err)
		v.Failed = true
	}
	return v
}

func (h *Handler) returnView(ctx context.Context, l hub.Loan, locale string, zone *time.Location) *returnView {
	v := &returnView{DueBack: when(locale, zone, l.DueBackAt), Overdue: h.now().After(l.DueBackAt)}
	if h.keys == nil {
		v.Desk = true
		return v
	}
	ctx, cancel := context.WithTimeout(ctx, keysTimeout)
	defer cancel()
	code, err := h.keys.ReturnCode(ctx, l)
	switch {
	case err == nil:
		v.Code = codeFor(code, locale, zone)
	case errors.Is(err, ErrNoLocker):
		v.Desk = true
	default:
		h.log.Warn("loan page: return code", "loan_id", l.ID, "error", err)
		v.Failed, v.Desk = true, true
	}
	return v
}

func codeFor(k KeyCode, locale string, zone *time.Location) codeView {
	v := codeView{Code: k.Code, Site: k.SiteName, Address: k.Address, Sent: k.Code == ""}
	if !k.ExpiresAt.IsZero() {
		v.Until = sprintf(texts[locale]["key_until"], when(locale, zone, k.ExpiresAt))
	}
	return v
}
