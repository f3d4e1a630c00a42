package customer

import (
	"context"
	"strconv"

	"naryad/hub"
)

// payBlock is the pay buttons at the top of the order card (and again on
// a failed payment's return page), with the invoice beside them.
type payBlock struct {
	T          map[string]string
	Base, CSRF string
	Offers     []offerView
	Invoices   []fileView
}

// offerView is one pay button.
type offerView struct {
	Key    string
	Reason string // a request's reason; "" for the work order's amount due
	Amount string
}

// returnView is the page the provider sends the customer back to.
type returnView struct {
	T      map[string]string
	Locale string
	Base   string
	Branch hub.Branch
	// State is paid, pending or failed (failed and cancelled read the same
	// to the customer: nothing was paid, pay again).
	State   string
	Title   string
	Text    string
	Amount  string // what was asked, or what was paid once paid
	Reason  string
	Receipt string // the provider's receipt page, when it gave one
	// Refresh is the seconds until a pending page asks again, and Next
	// the address it asks (with the attempt count that grows the wait).
	Refresh int
	Next    string
	Pay     payBlock // the pay buttons again, after a failed payment
}

// refreshSteps are the waits of a pending return page, one per reload: a
// card payment settles within seconds, a bank transfer (BLIK, P24, SBP)
// may take minutes, and the page must not hammer the provider meanwhile.
var refreshSteps = []int{3, 5, 10, 20, 30, 60}

// refreshAfter is the wait before the attempt-th reload (0 first).
func refreshAfter(attempt int) int {
	if attempt < 0 {
		attempt = 0
	}
	if attempt >= len(refreshSteps) {
		return refreshSteps[len(refreshSteps)-1]
	}
	return refreshSteps[attempt]
}

// maxRefreshAttempt caps the attempt count a reload carries, so the
// number in the address stays small however long the page stays open.
const maxRefreshAttempt = 99

// returnView words a payment's state for this viewer. Only a succeeded
// payment reads as paid.
func (l *loader) returnView(p hub.Payment, csrf string, attempt int) returnView {
	t := l.t()
	v := returnView{T: t, Locale: l.locale, Base: l.v.base, Branch: l.branch, Reason: p.Reason,
		Pay: payBlock{T: t, Base: l.v.base, CSRF: csrf}}
	if p.Currency != "" {
		v.Amount = l.money(p.AmountMinor, p.Currency)
	}
	switch p.Status {
	case hub.PaymentSucceeded:
		v.State, v.Title, v.Text, v.Receipt = "paid", t["paid_title"], t["paid_text"], p.ReceiptURL
		if p.PaidMinor > 0 && p.Currency != "" {
			v.Amount = l.money(p.PaidMinor, p.Currency)
		}
	case hub.PaymentFailed:
		v.State, v.Title, v.Text = "failed", t["failed_title"], t["failed_text"]
	case hub.PaymentCancelled:
		v.State, v.Title, v.Text = "failed", t["cancelled_title"], t["cancelled_text"]
	default: // pending, or a state this page does not know: not paid
		v.State, v.Title, v.Text = "pending", t["pending_title"], t["pending_text"]
		attempt = min(max(attempt, 0), maxRefreshAttempt)
		v.Refresh = refreshAfter(attempt)
		v.Next = l.v.base + "/pay/return/" + strconv.FormatInt(p.ID, 10) + "?n=" + strconv.Itoa(attempt+1)
	}
	return v
}

// offers are the pay buttons of the thread now; a failing Payments shows
// none (logged) rather than failing the whole page.
func (h *Handler) offers(ctx context.Context, l *loader) []offerView {
	if h.payments == nil || l.v.thread.WorkOrderID == nil {
		return nil
	}
	due, err := h.payments.Due(ctx, l.v.thread.ID)
	if err != nil {
		h.log.Warn("customer page: payments due", "thread_id", l.v.thread.ID, "error", err)
		return nil
	}
	out := make([]offerView, 0, len(due))
	for _, o := range due {
		if o.AmountMinor <= 0 || !offerKeyPattern.MatchString(o.Key) {
			continue
		}
		ov := offerView{Key: o.Key, Amount: l.money(o.AmountMinor, o.Currency)}
		if o.Kind == hub.PaymentForRequest {
			ov.Reason = o.Reason
		}
		out = append(out, ov)
	}
	return out
}

// payBlock is the order card's pay buttons with the invoices beside them.
// Invoices are looked up only when there is something to pay.
func (h *Handler) payBlock(ctx context.Context, l *loader, csrf string) (payBlock, error) {
	b := payBlock{T: l.t(), Base: l.v.base, CSRF: csrf, Offers: h.offers(ctx, l)}
	if len(b.Offers) == 0 {
		return b, nil
	}
	files, err := l.st.CustomerAttachments(ctx, l.v.thread.ID)
	if err != nil {
		return b, err
	}
	revoked, err := l.st.RevokedMessageIDs(ctx, l.v.thread.ID)
	if err != nil {
		return b, err
	}
	for _, a := range files {
		if a.DocKind == hub.DocInvoice && !revoked[a.MessageID] {
			b.Invoices = append(b.Invoices, l.file(a))
		}
	}
	return b, nil
}
