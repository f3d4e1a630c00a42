package identity

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
)

// Register mounts the providers' identity webhook, POST
// /api/identity/<provider>/<webhook key>.
func (s *Service) Register(r fiber.Router) {
	r.Post(WebhookPath, s.webhook)
}

// webhookTimeout bounds one event's work, a fetch-back included; Stripe
// waits about half a minute before it calls a delivery failed and retries.
const webhookTimeout = 25 * time.Second

// maxID bounds the ids an event names: Stripe's are ~30 characters.
const maxID = 255

// webhook reads a provider's identity event. Answers: 404 for an address
// no branch has; 413 for a body larger than any event; 400 for a bad or
// stale signature or a body that is not an event (nothing stored); 200
// for an event about nothing the hub tracks, a repeated one, a late one
// that would move the check back, or one applied; 503 when the provider
// must be asked and does not answer, so it sends the event again later.
func (s *Service) webhook(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()
	name, key := c.Params("provider"), c.Params("key")
	prov, ok := s.providers[name]
	if !ok || !plainID(key) {
		// No branch's key is other than printable ASCII, and PostgreSQL
		// refuses a parameter that is not text (raw bytes in the request
		// line): unknown, before the database is asked.
		return fail(c, fiber.StatusNotFound, "unknown webhook address")
	}
	body := c.Body()
	if len(body) > prov.MaxWebhookBody {
		return fail(c, fiber.StatusRequestEntityTooLarge, "body too large for an identity event")
	}
	bi, err := s.store.BranchIdentityByWebhookKey(ctx, key)
	if errors.Is(err, store.ErrNotFound) || (err == nil && bi.Provider != name) {
		return fail(c, fiber.StatusNotFound, "unknown webhook address")
	}
	if err != nil {
		return err
	}
	secret, err := s.sealer.Open(bi.WebhookSealed)
	if err != nil {
		s.log.Error("identity webhook: the branch's webhook secret cannot be opened: set it again", "branch", bi.BranchID, "error", err)
		return fail(c, fiber.StatusServiceUnavailable, "webhook secret not readable")
	}
	ev, err := prov.ParseWebhook(append([]byte(nil), body...), func(h string) string { return c.Get(h) }, secret, s.now())
	switch {
	case errors.Is(err, ErrIgnored):
		return c.SendStatus(fiber.StatusOK)
	case errors.Is(err, ErrTooLarge):
		return fail(c, fiber.StatusRequestEntityTooLarge, "body too large for an identity event")
	case errors.Is(err, ErrBadSignature):
		s.log.Warn("identity webhook: bad signature", "provider", name, "branch", bi.BranchID)
		return fail(c, fiber.StatusBadRequest, "signature does not verify")
	case errors.Is(err, ErrStale):
		s.log.Warn("identity webhook: stale", "provider", name, "branch", bi.BranchID, "error", err)
		return fail(c, fiber.StatusBadRequest, "signature too old")
	case err != nil:
		s.log.Warn("identity webhook: unreadable", "provider", name, "branch", bi.BranchID, "error", err)
		return fail(c, fiber.StatusBadRequest, "not an identity event")
	case !plainID(ev.ID) || !plainID(ev.SessionID) || !ev.Status.Valid():
		// No provider makes such an id; the database would refuse a NUL.
		return fail(c, fiber.StatusBadRequest, "not an identity event")
	}
	loanID, ok := LoanOf(ev.Reference)
	if !ok {
		return c.SendStatus(fiber.StatusOK) // made by naryad, but for nothing this hub knows
	}
	o := outcome{Provider: name, Session: ev.SessionID, Status: ev.Status, ErrorCode: ev.ErrorCode, ErrorReason: ev.ErrorReason}
	if o, err = s.confirmed(ctx, bi.BranchID, loanID, o); err != nil {
		s.log.Warn("identity webhook: the provider did not answer the fetch-back", "provider", name, "loan", loanID, "error", err)
		return fail(c, fiber.StatusServiceUnavailable, "provider did not answer, send again later")
	}
	if _, err := s.apply(ctx, bi.BranchID, loanID, o, &webhookEvent{provider: name, id: ev.ID}); err != nil {
		if errors.Is(err, store.ErrLoanChanged) {
			return fail(c, fiber.StatusServiceUnavailable, "busy, send again later")
		}
		return err
	}
	return c.SendStatus(fiber.StatusOK)
}

// confirmed is the outcome to apply for an event. An event that would
// take a check being processed back to waiting for the customer (a failed
// try, a cancel) may be a late one from an earlier try, and Stripe sends
// events in no guaranteed order: the provider is asked what is true now.
// Every other event moves forward only, which the store's rule keeps.
func (s *Service) confirmed(ctx context.Context, branchID, loanID int64, o outcome) (outcome, error) {
	if o.Status != RequiresInput && o.Status != Canceled {
		return o, nil
	}
	l, err := s.store.Loan(ctx, loanID)
	if err != nil || l.BranchID != branchID || l.IdentityProviderID != o.Session || l.IdentityStatus != hub.IdentityProcessing {
		return o, nil // apply reads it again and decides
	}
	check, err := s.checkFor(ctx, branchID)
	if err != nil {
		// Nobody can ask (the key went or does not open): the signed event
		// as it came is the best there is.
		s.log.Warn("identity webhook: cannot ask the provider, the event is applied as it came", "branch", branchID, "loan", loanID, "error", err)
		return o, nil
	}
	cctx, cancel := s.call(ctx)
	defer cancel()
	st, err := check.Fetch(cctx, o.Session)
	var refused *Error
	if errors.As(err, &refused) && !refused.Temporary {
		return o, nil // asking again cannot help: the event as it came
	}
	if err != nil {
		return o, err
	}
	return outcome{Provider: o.Provider, Session: o.Session, Status: st.Status, ErrorCode: st.ErrorCode, ErrorReason: st.ErrorReason}, nil
}

func fail(c *fiber.Ctx, status int, msg string) error {
	return c.Status(status).JSON(fiber.Map{"error": msg})
}

// plainID tells whether an id an event names can be one a provider made:
// printable ASCII, not empty, within maxID bytes.
func plainID(s string) bool {
	if s == "" || len(s) > maxID {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
