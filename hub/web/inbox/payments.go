package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// Payments is what the thread page needs from online payments (package
// payments; app passes it in). Nil: no Payments card.
type Payments interface {
	// Request asks the customer of a thread's work order for an amount:
	// a payment of kind request, and a message with the page link. by is
	// the advisor, as the thread shows them.
	Request(ctx context.Context, threadID, amountMinor int64, reason, by string) (hub.Payment, error)
	// Refund returns amountMinor of a succeeded payment to the customer.
	Refund(ctx context.Context, paymentID, amountMinor int64, reason, by string) (hub.PaymentRefund, error)
}

// maxPayReason bounds a request's or a refund's reason: the customer reads
// a request's on their page, and providers cut descriptions at 128–500.
const maxPayReason = 200

// paymentsTimeout bounds a request or a refund: each may call the
// provider, whose calls have their own 20 s timeout, so it is longer than
// the thread routes' usual 10 s.
const paymentsTimeout = 30 * time.Second

// payContext is the context of a call to the service: the route's values,
// but paymentsTimeout rather than the thread routes' shorter deadline.
func payContext(c *fiber.Ctx) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(c.UserContext()), paymentsTimeout)
}

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

// payRefusal is a refused payments form, shown on the page again with
// what was typed.
type payRefusal struct {
	Problem        string
	PaymentID      int64 // the refund's payment; 0 for a request
	Amount, Reason string
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

// payReason reads a form's reason: trimmed, required, bounded. The words
// of a refusal are in t.
func payReason(c *fiber.Ctx, t map[string]string, missing string) (string, string) {
	reason := strings.TrimSpace(c.FormValue("reason"))
	switch {
	case reason == "":
		return "", t[missing]
	case utf8.RuneCountInString(reason) > maxPayReason:
		return "", t["err_long"]
	}
	return reason, ""
}

// requestPayment is POST /inbox/threads/:id/payments (advisors and
// admins): amount and reason; the service makes a payment of kind request
// and sends the customer the link. Audited.
func (h *Handler) requestPayment(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	if h.payments == nil || th.WorkOrderID == nil {
		return notFound(c)
	}
	ctx, cancel := payContext(c)
	defer cancel()
	t := payTexts[staffpage.Locale(c, payTexts)]
	w, err := h.store.WorkOrder(ctx, *th.WorkOrderID)
	if err != nil {
		return h.Internal(c, "load work order", err)
	}
	refused := &payRefusal{Amount: c.FormValue("amount"), Reason: c.FormValue("reason")}
	amount, err := parseAmount(refused.Amount, w.Currency)
	if err != nil {
		refused.Problem = t["err_amount"]
		return h.showThread(c, s, th, fiber.StatusBadRequest, refused)
	}
	reason, problem := payReason(c, t, "err_reason")
	if problem != "" {
		refused.Problem = problem
		return h.showThread(c, s, th, fiber.StatusBadRequest, refused)
	}
	p, err := h.payments.Request(ctx, th.ID, amount, reason, staffpage.DisplayName(s.User))
	if err != nil {
		return h.payFailed(c, s, th, refused, t, "request payment", err)
	}
	detail := fmt.Sprintf("payment %d requested: amount_minor=%d %s reason=%q", p.ID, amount, w.Currency, reason)
	if err := staffpage.Audit(ctx, c, h.store, store.AuditPaymentRequest, fmt.Sprintf("thread %d", th.ID), detail); err != nil {
		return h.Internal(c, "audit payment request", err)
	}
	h.Log.Info("inbox payment requested", "thread_id", th.ID, "payment_id", p.ID, "amount_minor", amount, "user_id", s.User.ID)
	return back(c, th, "")
}

// refundPayment is POST /inbox/threads/:id/payments/:pid/refund (admins):
// amount (at most what is left of the payment) and reason; the service
// refunds at the provider. Audited.
func (h *Handler) refundPayment(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	pid, err := c.ParamsInt("pid")
	if h.payments == nil || err != nil || pid <= 0 {
		return notFound(c)
	}
	ctx, cancel := payContext(c)
	defer cancel()
	p, err := h.store.Payment(ctx, int64(pid))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (p.ThreadID == nil || *p.ThreadID != th.ID)) {
		return notFound(c) // another thread's payment is none of this page's
	}
	if err != nil {
		return h.Internal(c, "load payment", err)
	}
	locale := staffpage.Locale(c, payTexts)
	t := payTexts[locale]
	refused := &payRefusal{PaymentID: p.ID, Amount: c.FormValue("amount"), Reason: c.FormValue("reason")}
	rest := p.RefundableMinor()
	// A refund the provider did not confirm holds its amount booked; the
	// service retries it (with its key) when that amount is refunded
	// again, so the booking counts as refundable here.
	switch u, err := h.store.UnconfirmedRefund(ctx, p.ID); {
	case err == nil:
		rest += u.AmountMinor
	case !errors.Is(err, store.ErrNotFound):
		return h.Internal(c, "load refunds", err)
	}
	amount, err := parseAmount(refused.Amount, p.Currency)
	switch {
	case rest <= 0:
		refused.Problem = t["err_no_refund"]
	case err != nil:
		refused.Problem = t["err_amount"]
	case amount > rest:
		refused.Problem = fmt.Sprintf(t["err_too_much"], money(locale, rest, p.Currency))
	}
	if refused.Problem != "" {
		return h.showThread(c, s, th, fiber.StatusBadRequest, refused)
	}
	reason, problem := payReason(c, t, "err_refund_reason")
	if problem != "" {
		refused.Problem = problem
		return h.showThread(c, s, th, fiber.StatusBadRequest, refused)
	}
	r, err := h.payments.Refund(ctx, p.ID, amount, reason, staffpage.DisplayName(s.User))
	if err != nil {
		return h.payFailed(c, s, th, refused, t, "refund payment", err)
	}
	detail := fmt.Sprintf("payment %d refund %d: amount_minor=%d %s reason=%q", p.ID, r.ID, amount, p.Currency, reason)
	if err := staffpage.Audit(ctx, c, h.store, store.AuditPaymentRefund, fmt.Sprintf("thread %d", th.ID), detail); err != nil {
		return h.Internal(c, "audit refund", err)
	}
	h.Log.Info("inbox payment refunded", "thread_id", th.ID, "payment_id", p.ID, "refund_id", r.ID, "amount_minor", amount, "user_id", s.User.ID)
	return back(c, th, "")
}

// payFailed shows the page again after the service refused or failed: a
// refusal meant for people in its own words (the service words a
// provider's refusal or silence so too), anything else logged and told in
// general words.
func (h *Handler) payFailed(c *fiber.Ctx, s staff.Staff, th hub.Thread, refused *payRefusal, t map[string]string, what string, err error) error {
	if msg, ok := staffpage.UserMessage(err); ok {
		refused.Problem = msg
		return h.showThread(c, s, th, fiber.StatusBadRequest, refused)
	}
	h.Log.Error("inbox "+what, "thread_id", th.ID, "error", err)
	refused.Problem = t["err_failed"]
	return h.showThread(c, s, th, fiber.StatusInternalServerError, refused)
}
