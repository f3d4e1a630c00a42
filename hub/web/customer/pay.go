package customer

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
)

// Payments is the online payment service as the customer page uses it. The
// payments integration implements it and app connects the two: the page
// never imports an integration. A nil Payments offers no payment anywhere.
type Payments interface {
	// Due lists what the thread's customer may pay now: the work order's
	// amount due and the amounts an advisor requested.
	Due(ctx context.Context, threadID int64) ([]PayOffer, error)
	// Start makes (or reuses) the provider's hosted page for one offer and
	// returns its address. returnURL is the page's return address without
	// the payment id; the service appends "/<payment id>".
	Start(ctx context.Context, threadID int64, offerKey, returnURL string) (string, error)
	// Outcome is a payment of the thread as it stands, asked of the
	// provider while still pending; store.ErrNotFound when the payment is
	// not the thread's.
	Outcome(ctx context.Context, threadID, paymentID int64) (hub.Payment, error)
}

// PayOffer is one amount the customer may pay online.
type PayOffer struct {
	Key          string // "order" | "request:<id>": what the pay button posts
	Kind, Reason string // hub.PaymentForWorkOrder or hub.PaymentForRequest; a request's reason
	AmountMinor  int64
	Currency     string
}

// UserError is an error of Payments meant for the customer (the amount is
// no longer due, the branch stopped taking payments): the page shows its
// UserMessage. Every other error shows a generic text, so nothing about
// the provider or the server leaks to the page.
type UserError interface {
	error
	UserMessage() string
}

// offerKeyPattern is the shape of the offer keys Due hands out; anything
// else posted is refused before the service is asked.
var offerKeyPattern = regexp.MustCompile(`^(order|request:[1-9][0-9]{0,18})$`)

// payPressesPerMinute bounds how often one visitor may press a pay button
// on one page: each press may call the provider.
const payPressesPerMinute = 10

// pay is POST /c/<token>/pay: it opens the provider's hosted page for the
// posted offer (303 to it). A refusal shows the page again with the
// reason, never an error page.
func (h *Handler) pay(c *fiber.Ctx) error {
	return h.withVisit(c, false, func(v visit) error {
		if h.payments == nil {
			return h.notFound(c)
		}
		if !h.checkForm(c, v) {
			return c.Status(fiber.StatusForbidden).SendString("This form has expired. Reload the page and try again.")
		}
		offer := c.FormValue("offer")
		if !offerKeyPattern.MatchString(offer) {
			return back(c, v, "err", "pay_gone")
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
		defer cancel()
		to, err := h.payments.Start(ctx, v.thread.ID, offer, h.returnURL(c, v))
		if err != nil {
			return h.payRefused(c, v, err)
		}
		return c.Redirect(to, fiber.StatusSeeOther)
	})
}

// returnURL is where the provider sends the customer back, absolute: the
// public address when configured (behind a proxy the request may not tell
// it), else the request's own.
func (h *Handler) returnURL(c *fiber.Ctx, v visit) string {
	base := h.publicURL
	if base == "" {
		base = c.BaseURL()
	}
	return base + v.base + "/pay/return"
}

// payRefused shows the page with why the payment did not open: the
// service's message when it is meant for the customer, else a generic
// one (and the cause in the log).
func (h *Handler) payRefused(c *fiber.Ctx, v visit, err error) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	session, serr := h.ensureSession(c, v)
	if serr != nil {
		return h.internal(c, "session", serr)
	}
	view, verr := h.pageView(ctx, c, v, session)
	if verr != nil {
		return h.internal(c, "load page", verr)
	}
	status := fiber.StatusConflict
	var ue UserError
	if errors.As(err, &ue) && ue.UserMessage() != "" {
		view.Error = ue.UserMessage()
	} else {
		h.log.Warn("customer page: start payment", "thread_id", v.thread.ID, "error", err)
		view.Error = view.T["pay_error"]
		status = fiber.StatusServiceUnavailable
	}
	return h.render(c, status, "page.html", view)
}

// payReturn is GET /c/<token>/pay/return/<payment id>, where the provider
// sends the customer back: paid, still pending (the page asks again by
// itself, at growing intervals) or failed / cancelled (with the pay
// buttons again). A pending payment is never shown as paid.
func (h *Handler) payReturn(c *fiber.Ctx) error {
	return h.withVisit(c, false, func(v visit) error {
		if h.payments == nil {
			return h.notFound(c)
		}
		id, err := strconv.ParseInt(c.Params("id"), 10, 64)
		if err != nil || id <= 0 {
			return h.notFound(c)
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
		defer cancel()
		p, err := h.payments.Outcome(ctx, v.thread.ID, id)
		if errors.Is(err, store.ErrNotFound) {
			return h.notFound(c)
		}
		if err != nil {
			// The provider could not be asked: the customer cannot be told
			// more than "not confirmed yet"; the page asks again.
			h.log.Warn("customer page: payment outcome", "thread_id", v.thread.ID, "payment_id", id, "error", err)
			p = hub.Payment{ID: id, Status: hub.PaymentPending}
		}
		// Back from the provider's site the browser sends no session
		// (the cookie is SameSite=Strict): this page starts one, so its
		// pay buttons work.
		session, err := h.ensureSession(c, v)
		if err != nil {
			return h.internal(c, "session", err)
		}
		l, err := h.loader(ctx, v, c.Get(fiber.HeaderAcceptLanguage))
		if err != nil {
			return h.internal(c, "load", err)
		}
		view := l.returnView(p, h.csrfToken(session), c.QueryInt("n"))
		if p.Status == hub.PaymentFailed || p.Status == hub.PaymentCancelled {
			view.Pay.Offers = h.offers(ctx, l)
		}
		return h.render(c, fiber.StatusOK, "pay.html", view)
	})
}
