package loan

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
)

// identityRefreshTimeout bounds the page's question to the provider: a
// customer waits for the page meanwhile, and a provider that does not
// answer must not hold it (the webhook still comes).
const identityRefreshTimeout = 4 * time.Second

// IdentityStatusPoll is how often the page, while the online check is
// being processed, asks whether it is over (identity/status), in
// milliseconds: the result usually comes within a minute or two.
const IdentityStatusPoll = 5000

// refreshIdentity is the loan as the provider knows it now: a customer
// back from the provider's page before its webhook would otherwise see
// the start button again. Only a loan whose online check has a
// verification waiting or being processed asks (Identity.Refresh applies
// the answer as the webhook would); a failure keeps the loan as stored
// and is logged, never shown.
func (h *Handler) refreshIdentity(ctx context.Context, l hub.Loan) hub.Loan {
	if !h.onlineCheck(l) || l.State != hub.LoanOffered || l.IdentityProviderID == "" ||
		(l.IdentityStatus != hub.IdentityPending && l.IdentityStatus != hub.IdentityProcessing) {
		return l
	}
	cctx, cancel := context.WithTimeout(ctx, identityRefreshTimeout)
	defer cancel()
	after, err := h.identity.Refresh(cctx, l)
	if err != nil {
		h.log.Warn("loan page: the identity check could not be read back from the provider", "loan_id", l.ID, "error", err)
		return l
	}
	return after
}

// identityStatus is GET /l/<token>/identity/status, the page's poll while
// the online check is processed: the check's state after asking the
// provider ({"status":"processing"}); the page reloads when it changes.
func (h *Handler) identityStatus(c *fiber.Ctx) error {
	return h.withVisit(c, func(ctx context.Context, v visit) error {
		if h.session(c, v) == "" {
			return c.Status(fiber.StatusForbidden).JSON(fiber.Map{"error": "no session"})
		}
		l := h.refreshIdentity(ctx, v.loan)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(fiber.Map{"status": l.IdentityStatus, "state": l.State})
	})
}
