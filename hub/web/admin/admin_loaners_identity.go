package admin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// The branch's online identity check (Stripe Identity, issue 20), a part
// of the courtesy cars page: the signing secret of the identity webhook
// endpoint (a Stripe endpoint of its own, so not the payments one) and,
// optionally, an API key of its own; without one the key of the branch's
// Stripe payment settings is used. Secrets are write-only: the page says
// whether one is stored, never what.

// IdentityCheck is what the page needs from the identity service (package
// identity; app passes it in).
type IdentityCheck interface {
	// Configure checks and seals the settings, keeps a stored secret when
	// the new one is empty, and picks the webhook address once.
	Configure(ctx context.Context, branchID int64, set hub.IdentitySetup) error
	// WebhookURL is the address to paste into the provider's dashboard.
	WebhookURL(ctx context.Context, branchID int64) (string, error)
}

// identityTimeout bounds a change.
const identityTimeout = 30 * time.Second

// loanIdentityView is what the page's identity section shows.
type loanIdentityView struct {
	T           map[string]string
	CSRF        string
	BranchID    int64
	On          bool // the identity service runs in this process: changes are possible
	Chosen      bool // the loan settings ask for Stripe Identity
	OwnKey      bool // a key of the branch's own is stored
	PaymentsKey bool // the branch's Stripe payment settings have a key
	WebhookSet  bool
	WebhookURL  string
}

// registerLoanIdentity adds the identity section's route.
func (h *Handler) registerLoanIdentity(admin staffpage.Group) {
	admin.Post("/admin/branches/:id/loaners/identity", h.loanIdentitySave)
}

// loanIdentityWords are the section's words in the staff member's language.
func loanIdentityWords(c *fiber.Ctx) map[string]string {
	return loanIdentityTexts[staffpage.Locale(c, loanIdentityTexts)]
}

// loanIdentityView loads what the section shows.
func (h *Handler) loanIdentityView(c *fiber.Ctx, b hub.Branch, set hub.LoanSettings) (loanIdentityView, error) {
	ctx := c.UserContext()
	s, _ := staff.Current(c)
	v := loanIdentityView{T: loanIdentityWords(c), CSRF: s.CSRF, BranchID: b.ID, On: h.identity != nil,
		Chosen: set.IdentityMethod == hub.IdentityStripe}
	bp, err := h.store.BranchPayment(ctx, b.ID)
	switch {
	case err == nil:
		v.PaymentsKey = bp.Provider == hub.ProviderStripe && bp.SecretSealed != ""
	case !errors.Is(err, store.ErrNotFound):
		return v, err
	}
	bi, err := h.store.BranchIdentity(ctx, b.ID)
	if errors.Is(err, store.ErrNotFound) {
		return v, nil
	}
	if err != nil {
		return v, err
	}
	v.OwnKey, v.WebhookSet = bi.SecretSealed != "", bi.WebhookSealed != ""
	if h.identity != nil {
		if v.WebhookURL, err = h.identity.WebhookURL(ctx, b.ID); err != nil {
			return v, fmt.Errorf("identity webhook address: %w", err)
		}
	}
	return v, nil
}

// loanIdentitySave is POST …/loaners/identity (secret_key, webhook_secret,
// own_key_off). An empty secret keeps the stored one. Audited, never with
// a secret.
func (h *Handler) loanIdentitySave(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	t := loanIdentityWords(c)
	if h.identity == nil {
		return h.loanerRefuse(c, b, fiber.StatusBadRequest, t["off_process"])
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), identityTimeout)
	defer cancel()
	set := hub.IdentitySetup{SecretKey: strings.TrimSpace(c.FormValue("secret_key")),
		WebhookSecret: strings.TrimSpace(c.FormValue("webhook_secret")), OwnKeyOff: c.FormValue("own_key_off") == "1"}
	if err := h.identity.Configure(ctx, b.ID, set); err != nil {
		locale := staffpage.Locale(c, loanIdentityTexts)
		if msg, ok := staffpage.UserMessageIn(err, locale, loanIdentityTexts[locale]); ok {
			return h.loanerRefuse(c, b, fiber.StatusBadRequest, t["not_saved"]+" "+msg)
		}
		if errors.Is(err, store.ErrNotFound) {
			return c.Status(fiber.StatusNotFound).SendString(words(c)["err_no_branch"])
		}
		h.Log.Error("admin identity settings", "branch", b.Code, "error", err)
		return h.loanerRefuse(c, b, fiber.StatusInternalServerError, t["failed"])
	}
	key := newOrKept(set.SecretKey)
	if set.OwnKeyOff {
		key = "payments"
	}
	detail := fmt.Sprintf("loan_identity_set provider=%s secret_key=%s webhook_secret=%s", hub.IdentityStripe, key, newOrKept(set.WebhookSecret))
	if err := staffpage.Audit(ctx, c, h.store, store.AuditAdminChanged, "branch "+b.Code, detail); err != nil {
		return h.Internal(c, "audit identity settings", err)
	}
	h.Log.Info("admin identity settings saved", "branch", b.Code)
	return c.Redirect(loanersPath(b.ID)+"?done=settings", fiber.StatusSeeOther)
}
