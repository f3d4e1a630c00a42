package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/templates"
)

// identityByPhotos is POST /inbox/threads/:id/loans/:lid/identity/manual
// (field version): "Check identity by photos instead". A loan whose branch
// checks identity with Stripe is stuck when the branch's Stripe cannot be
// used (settings missing or refused) or the customer cannot get through
// it; the advisor moves the check to the manual one: the customer's page
// then asks for the five photos, which the advisor compares and approves
// here as for any manual check. Only while Stripe has nothing of the
// customer's being checked or accepted (hub.Loan.MayCheckByPhotos). The
// customer is told; the DMS gets the change `identity_manual`.
func (h *Handler) identityByPhotos(c *fiber.Ctx, s staff.Staff, th hub.Thread, l hub.Loan) error {
	t := loanTexts[staffpage.Locale(c, loanTexts)]
	version := reviewVersion(c)
	if version == 0 {
		return h.refuseLoan(c, s, th, fiber.StatusBadRequest, &loanRefusal{LoanID: l.ID, Problem: t["err_form"]})
	}
	by := staffpage.DisplayName(s.User)
	var session string // the Stripe verification the move forgets
	return h.moveLoan(c, s, th, l, loanMove{event: hub.LoanEventIdentityManual, audit: store.AuditLoanIdentityManual,
		line: templates.SysLoanIdentityManual, say: "identity_manual", done: "identity_manual",
		args:      map[string]string{"reason": t["manual_reason"]},
		detail:    fmt.Sprintf("identity check moved from Stripe to photos by %s", by),
		committed: func(ctx context.Context) { h.cancelIdentityCheck(ctx, l, session) },
		change: func(x *hub.Loan) error {
			if x.Version != version {
				return fmt.Errorf("loan %d: the card showed version %d, now %d: %w", x.ID, version, x.Version, store.ErrLoanChanged)
			}
			if err := notAt(t, x, hub.LoanOffered); err != nil {
				return err
			}
			if !x.MayCheckByPhotos() {
				return &loanProblem{status: fiber.StatusConflict, problem: fmt.Sprintf(t["err_manual_state"], wordOr(t, "id_", x.IdentityStatus))}
			}
			session = x.IdentityProviderID
			x.CheckByPhotos()
			return nil
		}}, &loanRefusal{})
}

// IdentityChecks is what the card needs of the online identity check
// (identity.Service; app wires it).
type IdentityChecks interface {
	// CancelCheck cancels the branch's verification sessionID at the
	// provider, so the customer's link to its page no longer works; ""
	// asks nothing. Best effort: an error is logged.
	CancelCheck(ctx context.Context, branchID int64, sessionID string) error
}

// identityCancelTimeout bounds the cancellation after the move (the
// advisor waits for it; the service's own timeout is longer).
const identityCancelTimeout = 8 * time.Second

// cancelIdentityCheck cancels the Stripe verification a loan left for the
// photos, once the move is committed: the customer may still hold its
// page, whose result would now reach nobody. A failure changes nothing
// of the move and is logged only; the session then expires at Stripe.
func (h *Handler) cancelIdentityCheck(ctx context.Context, l hub.Loan, session string) {
	if h.identity == nil || session == "" {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), identityCancelTimeout)
	defer cancel()
	if err := h.identity.CancelCheck(cctx, l.BranchID, session); err != nil {
		h.Log.Warn("inbox loan: cancel the Stripe verification after the move to photos", "loan_id", l.ID, "error", err)
	}
}
