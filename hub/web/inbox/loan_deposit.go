package inbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// The courtesy car's deposit (issue 20) in the thread: the part of the
// loan's card that shows what is held and settles it at the return (take
// part or all of it, or release it), through the payments service's
// SettleDeposit (Payments). The card itself is the offer's
// (loan*.go): it puts the partial "loan-deposit" in with depositForm's
// value.

// LoanDepositPath settles a loan's deposit: POST, fields action
// ("capture" with amount, or "release") and csrf.
const LoanDepositPath = "/inbox/loans/:id/deposit"

func loanDepositURL(loanID int64) string {
	return "/inbox/loans/" + strconv.FormatInt(loanID, 10) + "/deposit"
}

// depositForm is the deposit's part of the courtesy car's card.
type depositForm struct {
	T           map[string]string
	LoanID      int64
	URL         string // where the form posts
	CSRF        string
	ThreadURL   string
	Status      string // hub.Deposit…
	StatusWord  string
	Held        string // the amount held, as money
	Taken       string // what was taken, once captured
	Currency    string
	Amount      string // the amount field: as typed after a refusal, else the whole deposit
	CanSettle   bool   // an advisor or an admin, a deposit held, the car back (or never out)
	CanCapture  bool   // the car was out: part or all may be taken; else only a release
	WaitsReturn bool   // held while the car is promised or out
	Problem     string // why the last form was refused; nothing was done

	// A deposit left at the desk (loan_deposit_desk.go).
	DeskURL       string // the desk's actions' base
	Version       int64  // the loan's version the card shows: a form of an older one is refused
	Confirm       string // the tick's words, with the amount
	CanTakeDesk   bool   // offered, the deposit still due: record it taken at the desk
	OnlineToo     bool   // … though the customer may also leave it online
	CanSettleDesk bool   // left at the desk, the car back (or never out): give it back
	CanKeepDesk   bool   // … or keep part of it (the car was out)
}

// depositRefusal is a refused deposit form, kept for depositForm.
type depositRefusal struct {
	LoanID          int64
	Problem, Amount string
}

type depositRefusalKey struct{}

// depositForm builds the deposit's part of loan l's card for the signed-in
// user; nil when the loan asks for no deposit. A refusal of this request
// (settleDeposit) is shown in it with what was typed.
func (h *Handler) depositForm(c *fiber.Ctx, s staff.Staff, l hub.Loan) (*depositForm, error) {
	if l.DepositMinor <= 0 || l.DepositStatus == hub.DepositNone {
		return nil, nil
	}
	locale := staffpage.Locale(c, depositTexts)
	t := depositTexts[locale]
	f := &depositForm{T: t, LoanID: l.ID, URL: loanDepositURL(l.ID), CSRF: s.CSRF, ThreadURL: threadURL(l.ThreadID), Status: l.DepositStatus,
		StatusWord: wordOr(t, "st_", l.DepositStatus), Held: money(locale, l.DepositMinor, l.DepositCurrency), Currency: l.DepositCurrency,
		Amount: amountInput(locale, l.DepositMinor, l.DepositCurrency)}
	if l.DepositStatus == hub.DepositCaptured && l.DepositPaymentID != nil {
		p, err := h.store.Payment(c.UserContext(), *l.DepositPaymentID)
		if err != nil {
			return nil, err
		}
		f.Taken = money(locale, p.PaidMinor, p.Currency)
	}
	if l.DepositStatus == hub.DepositHeld && h.payments != nil && (s.User.Role == store.RoleAdvisor || s.User.Role == store.RoleAdmin) {
		switch l.State {
		case hub.LoanOffered, hub.LoanOut:
			f.WaitsReturn = true
		case hub.LoanReturned, hub.LoanClosed:
			f.CanSettle, f.CanCapture = true, true
		default: // withdrawn or refused: the car never left
			f.CanSettle = true
		}
	}
	if err := h.deskDeposit(c, f, s, l); err != nil {
		return nil, err
	}
	if r, ok := c.Locals(depositRefusalKey{}).(depositRefusal); ok && r.LoanID == l.ID {
		f.Problem, f.Amount = r.Problem, r.Amount
	}
	return f, nil
}

// settleDeposit is POST /inbox/loans/:id/deposit (advisors and admins of
// the loan's branch): action "capture" with an amount, or "release"; the
// payments service takes or releases the hold at the provider and tells
// the customer. Audited. A refusal shows the form again with the problem
// and what was typed (4xx), nothing done.
func (h *Handler) settleDeposit(c *fiber.Ctx) error {
	s, _ := staff.Current(c)
	id, err := c.ParamsInt("id")
	if h.payments == nil || err != nil || id <= 0 {
		return notFound(c)
	}
	ctx, cancel := payContext(c)
	defer cancel()
	c.SetUserContext(ctx)
	l, err := h.store.Loan(ctx, int64(id))
	if errors.Is(err, store.ErrNotFound) {
		return notFound(c)
	}
	if err != nil {
		return h.Internal(c, "load loan", err)
	}
	th, err := h.store.ThreadForStaff(ctx, s.BranchIDs, l.ThreadID)
	if errors.Is(err, store.ErrNotFound) {
		return notFound(c) // another branch's loan is none of this user's
	}
	if err != nil {
		return h.Internal(c, "load thread", err)
	}
	locale := staffpage.Locale(c, depositTexts)
	t := depositTexts[locale]
	refused := depositRefusal{LoanID: l.ID, Amount: c.FormValue("amount")}
	if len(refused.Amount) > 64 {
		refused.Amount = "" // not shown again: no amount is that long
	}
	var amount int64
	switch c.FormValue("action") {
	case "release":
	case "capture":
		if amount, err = parseAmount(c.FormValue("amount"), l.DepositCurrency); err != nil {
			refused.Problem = t["err_amount"]
		}
	default:
		refused.Problem = t["err_action"]
	}
	if refused.Problem != "" {
		return h.depositRefused(c, s, l, fiber.StatusBadRequest, refused)
	}
	if err := h.payments.SettleDeposit(ctx, l.ID, amount, staffpage.DisplayName(s.User)); err != nil {
		rlocale := staffpage.Locale(c, depositRefusalTexts)
		if msg, ok := staffpage.UserMessageIn(err, rlocale, depositRefusalTexts[rlocale]); ok {
			refused.Problem = msg
			return h.depositRefused(c, s, l, fiber.StatusConflict, refused)
		}
		h.Log.Error("inbox settle deposit", "loan_id", l.ID, "error", err)
		refused.Problem = t["err_failed"]
		return h.depositRefused(c, s, l, fiber.StatusInternalServerError, refused)
	}
	what := "released"
	if amount > 0 {
		what = fmt.Sprintf("captured amount_minor=%d %s", amount, l.DepositCurrency)
	}
	detail := fmt.Sprintf("loan %d deposit %s of %d %s held", l.ID, what, l.DepositMinor, l.DepositCurrency)
	if err := staffpage.Audit(ctx, c, h.store, store.AuditLoanDeposit, fmt.Sprintf("loan %d", l.ID), detail); err != nil {
		return h.Internal(c, "audit deposit", err)
	}
	h.Log.Info("inbox loan deposit settled", "loan_id", l.ID, "thread_id", th.ID, "capture_minor", amount, "user_id", s.User.ID)
	return back(c, th, "")
}

// depositPage is the refused form on a page of its own, with the way back
// to the conversation.
type depositPage struct {
	Frame staffpage.Frame
	Form  *depositForm
}

// depositRefused answers a refused deposit form with status: the form again
// with the problem and what was typed, the loan as it is now.
func (h *Handler) depositRefused(c *fiber.Ctx, s staff.Staff, l hub.Loan, status int, r depositRefusal) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), 10*time.Second)
	defer cancel()
	c.SetUserContext(ctx)
	if now, err := h.store.Loan(ctx, l.ID); err == nil {
		l = now
	}
	c.Locals(depositRefusalKey{}, r)
	form, err := h.depositForm(c, s, l)
	if err != nil {
		return h.Internal(c, "deposit form", err)
	}
	if form == nil {
		return notFound(c)
	}
	locale := staffpage.Locale(c, depositTexts)
	return h.Render(c, status, "loan_deposit.html", depositPage{Frame: h.Frame(c, locale, depositTexts[locale]["refused_title"]), Form: form})
}
