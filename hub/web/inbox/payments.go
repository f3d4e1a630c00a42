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
	// SettleDeposit settles a courtesy car's deposit held on the card at
	// the return: takes captureMinor of it, or releases it (0), and tells
	// the customer (loan_deposit.go). by is the advisor, as the thread
	// shows them.
	SettleDeposit(ctx context.Context, loanID, captureMinor int64, by string) error
	// ReleaseDeposit lets go of the hold of a loan withdrawn or refused,
	// if there is one (nothing otherwise); the payments service's daily
	// check retries a release that failed.
	ReleaseDeposit(ctx context.Context, loanID int64) error
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

// payRefusal is a refused payments form, shown on the page again with
// what was typed.
type payRefusal struct {
	Problem        string
	PaymentID      int64 // the refund's payment; 0 for a request
	Amount, Reason string
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
// refusal meant for people in the user's language (the service words a
// provider's refusal or silence so too), anything else logged and told in
// general words.
func (h *Handler) payFailed(c *fiber.Ctx, s staff.Staff, th hub.Thread, refused *payRefusal, t map[string]string, what string, err error) error {
	locale := staffpage.Locale(c, payRefusalTexts)
	if msg, ok := staffpage.UserMessageIn(err, locale, payRefusalTexts[locale]); ok {
		refused.Problem = msg
		return h.showThread(c, s, th, fiber.StatusBadRequest, refused)
	}
	h.Log.Error("inbox "+what, "thread_id", th.ID, "error", err)
	refused.Problem = t["err_failed"]
	return h.showThread(c, s, th, fiber.StatusInternalServerError, refused)
}
