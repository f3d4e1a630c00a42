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
	Desk     bool   // asked, and the branch takes it at the desk (no online deposits here)
	Held     bool   // held on the card
	AtDesk   bool   // left at the desk, as staff recorded
	Failed   bool
}

// depositView is the deposit step. A branch that cannot take the deposit
// online (no payments in the hub, no provider for the branch or for the
// loan's currency) takes it at the desk: the page says so, and shows it
// done once staff record it (hub.DepositDesk).
func (h *Handler) depositView(ctx context.Context, l hub.Loan, locale string) (*depositView, error) {
	if l.DepositStatus == hub.DepositNone {
		return nil, nil
	}
	t := texts[locale]
	due := h.depositDue(l)
	online, err := h.depositsOnline(ctx, l)
	if err != nil {
		return nil, err
	}
	amount := templates.MoneyText(locale, l.DepositMinor, l.DepositCurrency)
	v := &depositView{
		Text:     sprintf(t["deposit_text"], amount),
		CanStart: due && online,
		Desk:     due && !online,
		Held:     l.DepositStatus == hub.DepositHeld,
		AtDesk:   l.DepositStatus == hub.DepositDesk,
		Failed:   due && online && l.DepositStatus == hub.DepositFailed,
	}
	if !online || hub.DepositAtDesk(l.DepositStatus) {
		v.Text = sprintf(t["deposit_text_desk"], amount)
	}
	return v, nil
}

// depositsOnline tells whether the loan's deposit can be left online: the
// hub has payments, and the branch a provider taking the currency.
func (h *Handler) depositsOnline(ctx context.Context, l hub.Loan) (bool, error) {
	if h.deposits == nil {
		return false, nil
	}
	return h.store.DepositsOnline(ctx, l.BranchID, l.DepositCurrency)
}

// depositDue tells whether the customer still has to leave the deposit.
func (h *Handler) depositDue(l hub.Loan) bool {
	return l.State == hub.LoanOffered && l.DepositDue()
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
		online, err := h.depositsOnline(ctx, l)
		if err != nil {
			return h.internal(c, "deposits online", err)
		}
		if !online {
			return h.refuse(c, v, fiber.StatusConflict, "deposit_desk", signForm{})
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
