package inbox

import (
	"fmt"

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
	return h.moveLoan(c, s, th, l, loanMove{event: hub.LoanEventIdentityManual, audit: store.AuditLoanIdentityManual,
		line: templates.SysLoanIdentityManual, say: "identity_manual", done: "identity_manual",
		args:   map[string]string{"reason": t["manual_reason"]},
		detail: fmt.Sprintf("identity check moved from Stripe to photos by %s", by),
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
			x.CheckByPhotos()
			return nil
		}}, &loanRefusal{})
}
