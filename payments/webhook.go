package payments

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
)

// Register mounts the providers' webhook, POST
// /api/payments/<provider>/<webhook key>.
func (s *Service) Register(r fiber.Router) {
	r.Post(WebhookPath, s.webhook)
}

// webhookTimeout bounds one notification's work, the fetch-back included;
// providers wait about half a minute before they call it failed and retry.
const webhookTimeout = 25 * time.Second

// webhook reads a provider's notification. Answers: 404 for an address no
// branch has; 400 for a bad signature or a body that is not the provider's
// (nothing stored); 200 for an event about nothing the hub tracks, a
// repeated event, or one applied; 503 when the provider does not answer
// the fetch-back, so it sends the event again later.
func (s *Service) webhook(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()
	name, key := c.Params("provider"), c.Params("key")
	if key == "" || !plainID(key, maxWebhookKey) {
		// No branch's key is other than printable ASCII, and PostgreSQL
		// refuses a parameter that is not text (raw bytes in the request
		// line): unknown, before the database is asked.
		return fail(c, fiber.StatusNotFound, "unknown webhook address")
	}
	bp, err := s.store.BranchPaymentByWebhookKey(ctx, key)
	if errors.Is(err, store.ErrNotFound) || (err == nil && bp.Provider != name) {
		return fail(c, fiber.StatusNotFound, "unknown webhook address")
	}
	if err != nil {
		return err
	}
	prov, err := s.providerFor(bp)
	if err != nil {
		s.log.Error("webhook: provider", "branch", bp.BranchID, "error", err)
		return fail(c, fiber.StatusServiceUnavailable, "provider not available")
	}
	header := http.Header{}
	for k, v := range c.GetReqHeaders() {
		header[http.CanonicalHeaderKey(k)] = v
	}
	body := append([]byte(nil), c.Body()...)
	n, err := prov.Webhook(header, body)
	switch {
	case errors.Is(err, ErrIgnored):
		return c.SendStatus(fiber.StatusOK)
	case errors.Is(err, ErrBadSignature):
		s.log.Warn("webhook: bad signature", "provider", bp.Provider, "branch", bp.BranchID)
		return fail(c, fiber.StatusBadRequest, "signature does not verify")
	case err != nil:
		s.log.Warn("webhook: unreadable", "provider", bp.Provider, "branch", bp.BranchID, "error", err)
		return fail(c, fiber.StatusBadRequest, "not a notification")
	case n.EventID == "":
		return fail(c, fiber.StatusBadRequest, "notification without an event id")
	case !plainID(n.EventID, maxEventID) || !plainID(n.ProviderID, maxProviderID):
		// No provider makes such an id; the database would refuse a NUL.
		return fail(c, fiber.StatusBadRequest, "not a notification")
	}
	p, err := s.store.PaymentByProviderID(ctx, bp.Provider, n.ProviderID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && p.BranchID != bp.BranchID) {
		// A payment made elsewhere on the same account: not ours.
		return c.SendStatus(fiber.StatusOK)
	}
	if err != nil {
		return err
	}
	st := n.State
	if !n.Trusted || p.Kind == hub.PaymentForLoanDeposit {
		// A deposit's hold is always read back: a signed Checkout event
		// names the session, not whether its card was authorised.
		// Unsigned (YooKassa): the provider's API says what is true.
		st, err = s.stateAt(ctx, prov, p)
		if err != nil {
			s.log.Warn("webhook: fetch-back failed", "provider", bp.Provider, "payment", p.ID, "error", err)
			return fail(c, fiber.StatusServiceUnavailable, "provider did not answer, send again later")
		}
		if st.Status == hub.PaymentPending {
			// Nothing to apply yet, and the event id is not used up: an
			// early or forged "succeeded" must not make the real one,
			// which carries the same id, look like a repeat.
			return c.SendStatus(fiber.StatusOK)
		}
	} else if st.Status == hub.PaymentSucceeded && (st.Method == "" || st.ReceiptURL == "") {
		st = s.fuller(ctx, prov, p, st)
	}
	if _, err := s.settle(ctx, p, st, &webhookEvent{provider: bp.Provider, id: n.EventID}); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusOK)
}

func fail(c *fiber.Ctx, status int, msg string) error {
	return c.Status(status).JSON(fiber.Map{"error": msg})
}

// fuller completes a signed success with what its event leaves out (Stripe's
// session event names neither the method nor the receipt; the feed's
// payment change carries both): the provider's own record when it agrees
// the payment went through, else the event as it came.
func (s *Service) fuller(ctx context.Context, prov Provider, p hub.Payment, st State) State {
	cctx, cancel := s.call(ctx)
	full, err := prov.Fetch(cctx, p.ProviderID)
	cancel()
	if err != nil || full.Status != hub.PaymentSucceeded {
		return st
	}
	if st.Method == "" {
		st.Method = full.Method
	}
	if st.ReceiptURL == "" {
		st.ReceiptURL = full.ReceiptURL
	}
	return st
}

// Bounds of the ids a notification names: Stripe's and YooKassa's are
// tens of characters (a YooKassa event id is the event, the object's id
// and its status).
const (
	maxProviderID = 255
	maxEventID    = 512
	maxWebhookKey = 255 // newWebhookKey's are a few tens of characters
)

// plainID tells whether an id a notification names can be one a provider
// made: printable ASCII within max bytes.
func plainID(s string, max int) bool {
	if len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
