package inbox

import (
	"context"
	"errors"
	"time"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// payCard is the Payments card beside the work order.
type payCard struct {
	T          map[string]string
	URL        string // the thread's, for the forms
	CSRF       string
	CanRequest bool // an advisor or an admin, at a branch that takes payments
	NotSetUp   bool // the branch takes no online payments
	CanRefund  bool // an admin
	Currency   string
	Problem    string // why the last form was refused; nothing was done
	Amount     string // the request form's fields, as typed, after a refusal
	Reason     string
	Payments   []payRow
}

// payRow is one payment, for people.
type payRow struct {
	ID                         int64
	Kind, Reason, Amount       string
	Status, StatusWord         string
	Superseded                 bool
	Method, Paid, RequestedBy  string
	At                         string
	Refunds                    []refundRow
	Refundable                 string // the refund form's default: the rest; "" when nothing is left
	RefundAmount, RefundReason string // as typed, after a refused refund of this payment
	RefundProblem              string
}

type refundRow struct {
	Amount, Reason, By, Status, At string
}

// payCard loads the card of a work-order thread.
func (h *Handler) payCard(ctx context.Context, s staff.Staff, th hub.Thread, w hub.WorkOrder, locale string,
	loc *time.Location, refused *payRefusal) (*payCard, error) {
	t := payTexts[locale]
	card := &payCard{T: t, URL: threadURL(th.ID), CSRF: s.CSRF, Currency: w.Currency, CanRefund: s.User.Role == store.RoleAdmin}
	if s.User.Role == store.RoleAdvisor || s.User.Role == store.RoleAdmin {
		_, err := h.store.BranchPayment(ctx, th.BranchID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			card.NotSetUp = true
		case err != nil:
			return nil, err
		default:
			card.CanRequest = true
		}
	}
	list, err := h.store.PaymentsOfThread(ctx, th.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range list {
		r := payRow{ID: p.ID, Kind: t["k_"+p.Kind], Reason: p.Reason, Amount: money(locale, p.AmountMinor, p.Currency),
			Status: p.Status, StatusWord: wordOr(t, "st_", p.Status), Superseded: p.Superseded && p.Status == hub.PaymentPending,
			Method: p.Method, RequestedBy: p.RequestedBy, At: p.CreatedAt.In(loc).Format("02.01.2006 15:04")}
		if p.Status == hub.PaymentSucceeded && p.PaidMinor != p.AmountMinor {
			r.Paid = money(locale, p.PaidMinor, p.Currency)
		}
		refunds, err := h.store.RefundsOfPayment(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		if card.CanRefund {
			r.Refundable = amountInput(locale, p.RefundableMinor(), p.Currency)
			if u, ok := unconfirmed(refunds); ok {
				// The provider did not answer this refund: the form
				// retries it (the same refund, never a second one).
				r.Refundable = amountInput(locale, u.AmountMinor, p.Currency)
			}
		}
		for _, f := range refunds {
			r.Refunds = append(r.Refunds, refundRow{Amount: money(locale, f.AmountMinor, p.Currency), Reason: f.Reason,
				By: f.RefundedBy, Status: wordOr(t, "r_", f.Status), At: f.CreatedAt.In(loc).Format("02.01.2006 15:04")})
		}
		if refused != nil && refused.PaymentID == p.ID {
			r.RefundProblem, r.RefundAmount, r.RefundReason = refused.Problem, refused.Amount, refused.Reason
		}
		card.Payments = append(card.Payments, r)
	}
	if refused != nil && refused.PaymentID == 0 {
		card.Problem, card.Amount, card.Reason = refused.Problem, refused.Amount, refused.Reason
	}
	return card, nil
}

// unconfirmed is the oldest refund the provider has not confirmed (no
// answer came), as the service retries it.
func unconfirmed(refunds []hub.PaymentRefund) (hub.PaymentRefund, bool) {
	for _, f := range refunds {
		if f.Status == "pending" && f.ProviderID == "" {
			return f, true
		}
	}
	return hub.PaymentRefund{}, false
}

// wordOr is the word for a status, or the status itself when there is
// none (a provider's word the card does not know).
func wordOr(t map[string]string, prefix, status string) string {
	if w, ok := t[prefix+status]; ok {
		return w
	}
	return status
}
