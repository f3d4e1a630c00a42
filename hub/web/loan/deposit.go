package loan

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/templates"
)

// depositView is the deposit step as the page shows it; nil when the loan
// asks for none.
type depositView struct {
	Text     string // how much is held, and that it is released at return
	CanStart bool   // a button to the provider's page
	Desk     bool   // asked, but the hub takes no deposits online: the branch calls
	Held     bool
	Failed   bool
}

func (h *Handler) depositView(l hub.Loan, locale string) *depositView {
	if l.DepositStatus == hub.DepositNone {
		return nil
	}
	t := texts[locale]
	due := h.depositDue(l)
	return &depositView{
		Text:     sprintf(t["deposit_text"], templates.MoneyText(locale, l.DepositMinor, l.DepositCurrency)),
		CanStart: due && h.deposits != nil,
		Desk:     due && h.deposits == nil,
		Held:     l.DepositStatus == hub.DepositHeld,
		Failed:   due && l.DepositStatus == hub.DepositFailed,
	}
}

// depositDue tells whether the customer still has to leave the deposit.
func (h *Handler) depositDue(l hub.Loan) bool {
	return l.State == hub.LoanOffered && (l.DepositStatus == hub.DepositRequired || l.DepositStatus == hub.DepositFailed)
}

// startDeposit is POST /l/<token>/deposit: it opens the payment
// provider's page for the card hold (303 to it). The hold is recorded
// when the provider confirms it, never from the customer's return.
func (h *Handler) startDeposit(c *fiber.Ctx) error {
	return h.withVisit(c, func(ctx context.Context, v visit) error {
		if !h.checkForm(c, v) {
			return h.formExpired(c, v)
		}
		l := v.loan
		if h.deposits == nil || !h.depositDue(l) {
			return h.refuse(c, v, fiber.StatusConflict, "deposit_closed", signForm{})
		}
		to, err := h.deposits.StartHold(ctx, l, h.publicBase(c)+v.base)
		if err == nil && !webAddress(to) {
			err = errors.New("the provider's page is not an http(s) address")
		}
		if err != nil {
			h.log.Warn("loan page: start deposit hold", "loan_id", l.ID, "error", err)
			return h.refuse(c, v, fiber.StatusServiceUnavailable, "deposit_error", signForm{})
		}
		return c.Redirect(to, fiber.StatusSeeOther)
	})
}
