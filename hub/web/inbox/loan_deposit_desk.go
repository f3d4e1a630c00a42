package inbox

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/templates"
)

// A courtesy car's deposit left at the desk (cash or the card terminal):
// every branch can take one, with or without online payments, so a loan
// asking a deposit never waits for a provider the branch does not have.
// The advisor records it on the loan's card (the deposit's part, drawn by
// views/loan_deposit.html) and, at the return, gives it back or keeps part
// of it. No payment provider is involved: each action is one
// store.ChangeLoan (moveLoan) guarded by the version the card showed, with
// the thread's line, the `loan` change for the DMS and the audit row.

// deskDeposit fills the desk's part of the deposit form f of loan l for s.
func (h *Handler) deskDeposit(c *fiber.Ctx, f *depositForm, s staff.Staff, l hub.Loan) error {
	f.DeskURL = fmt.Sprintf("%s/loans/%d/deposit/desk", threadURL(l.ThreadID), l.ID)
	f.Version = l.Version
	f.Confirm = fmt.Sprintf(f.T["desk_confirm"], f.Held)
	if l.DepositStatus == hub.DepositDeskKept {
		f.Taken = money(staffpage.Locale(c, depositTexts), l.DepositKeptMinor, l.DepositCurrency)
	}
	if !atDesk(s) {
		return nil
	}
	switch {
	case l.State == hub.LoanOffered && l.DepositDue():
		f.CanTakeDesk = true
		if h.payments != nil {
			online, err := h.store.DepositsOnline(c.UserContext(), l.BranchID, l.DepositCurrency)
			if err != nil {
				return err
			}
			f.OnlineToo = online
		}
	case l.DepositStatus == hub.DepositDesk:
		switch l.State {
		case hub.LoanOffered, hub.LoanOut:
			f.WaitsReturn = true
		case hub.LoanReturned:
			f.CanSettleDesk, f.CanKeepDesk = true, true
		case hub.LoanWithdrawn, hub.LoanRefused:
			f.CanSettleDesk = true
		}
	}
	return nil
}

// takeDeskDeposit is POST /inbox/threads/:id/loans/:lid/deposit/desk
// (fields version, confirm=1): the advisor took the loan's whole deposit
// at the desk. Only while the loan is offered and its deposit still due
// (asked, or a card hold that failed). The deposit is then `desk`, which
// counts as settled for the key (hub.Loan.Ready).
func (h *Handler) takeDeskDeposit(c *fiber.Ctx, s staff.Staff, th hub.Thread, l hub.Loan) error {
	t := depositTexts[staffpage.Locale(c, depositTexts)]
	lt := loanTexts[staffpage.Locale(c, loanTexts)]
	if c.FormValue("confirm") != "1" {
		return h.refuseLoan(c, s, th, fiber.StatusBadRequest, &loanRefusal{LoanID: l.ID, Problem: t["err_desk_confirm"]})
	}
	version := reviewVersion(c)
	if version == 0 {
		return h.refuseLoan(c, s, th, fiber.StatusBadRequest, &loanRefusal{LoanID: l.ID, Problem: lt["err_form"]})
	}
	by := staffpage.DisplayName(s.User)
	return h.moveLoan(c, s, th, l, loanMove{event: hub.LoanEventDepositDesk, audit: store.AuditLoanDeposit,
		line: templates.SysLoanDepositDesk, done: "deposit_desk",
		// The customer is told it is recorded, and what comes next: the
		// key when nothing else is missing, else the steps left.
		say: "deposit_desk", sayAfter: func(after hub.Loan) string {
			if after.Ready() {
				return "deposit_desk_ready"
			}
			return "deposit_desk"
		},
		args: map[string]string{"amount_minor": strconv.FormatInt(l.DepositMinor, 10), "currency": l.DepositCurrency,
			"amount": templates.MoneyText(l.Locale, l.DepositMinor, l.DepositCurrency)},
		detail: fmt.Sprintf("deposit of %d %s taken at the desk by %s", l.DepositMinor, l.DepositCurrency, by),
		change: func(x *hub.Loan) error {
			if x.Version != version {
				return fmt.Errorf("loan %d: the card showed version %d, now %d: %w", x.ID, version, x.Version, store.ErrLoanChanged)
			}
			if err := notAt(lt, x, hub.LoanOffered); err != nil {
				return err
			}
			if !x.DepositDue() {
				return &loanProblem{status: fiber.StatusConflict, problem: fmt.Sprintf(t["err_desk_state"], wordOr(t, "st_", x.DepositStatus))}
			}
			x.DepositStatus = hub.DepositDesk
			return nil
		}}, &loanRefusal{})
}

// settleDeskDeposit is POST /inbox/threads/:id/loans/:lid/deposit/desk/settle
// (fields version, action "return" or "keep" with amount): the deposit
// left at the desk given back in full, or part or all of it kept (only of
// a car that was out and is back). A loan back from the customer is then
// settled and closes (change `closed`); one that ended before the car left
// (withdrawn, refused) keeps its end (change `deposit_settled`). The
// customer gets a message.
func (h *Handler) settleDeskDeposit(c *fiber.Ctx, s staff.Staff, th hub.Thread, l hub.Loan) error {
	locale := staffpage.Locale(c, depositTexts)
	t := depositTexts[locale]
	lt := loanTexts[staffpage.Locale(c, loanTexts)]
	refuse := func(status int, problem string) error {
		return h.refuseLoan(c, s, th, status, &loanRefusal{LoanID: l.ID, Problem: problem})
	}
	version := reviewVersion(c)
	if version == 0 {
		return refuse(fiber.StatusBadRequest, lt["err_form"])
	}
	var kept int64
	switch c.FormValue("action") {
	case "return":
	case "keep":
		v, err := parseAmount(formField(c, "amount"), l.DepositCurrency)
		if err != nil || v > l.DepositMinor {
			return refuse(fiber.StatusBadRequest, fmt.Sprintf(t["err_desk_keep"], money(locale, l.DepositMinor, l.DepositCurrency)))
		}
		kept = v
	default:
		return refuse(fiber.StatusBadRequest, t["err_action"])
	}
	by := staffpage.DisplayName(s.User)
	cur := l.DepositCurrency
	args := map[string]string{"amount_minor": strconv.FormatInt(l.DepositMinor, 10), "currency": cur,
		"amount": templates.MoneyText(l.Locale, l.DepositMinor, cur)}
	m := loanMove{audit: store.AuditLoanDeposit, line: templates.SysLoanDepositDeskReturned, say: "desk_returned",
		done: "deposit_settled", args: args, detail: fmt.Sprintf("deposit of %d %s taken at the desk given back by %s", l.DepositMinor, cur, by)}
	status := hub.DepositDeskReturned
	if kept > 0 {
		status, m.line, m.say = hub.DepositDeskKept, templates.SysLoanDepositDeskKept, "desk_kept"
		args["kept_minor"], args["kept"] = strconv.FormatInt(kept, 10), templates.MoneyText(l.Locale, kept, cur)
		if rest := l.DepositMinor - kept; rest > 0 {
			args["rest_minor"], args["rest"] = strconv.FormatInt(rest, 10), templates.MoneyText(l.Locale, rest, cur)
		}
		m.detail = fmt.Sprintf("kept amount_minor=%d %s of the deposit of %d taken at the desk, by %s", kept, cur, l.DepositMinor, by)
	}
	// The event follows the state the card showed; a loan that moved since
	// is refused by the version below.
	m.event = hub.LoanEventDepositSettled
	if l.State == hub.LoanReturned {
		m.event = hub.LoanEventClosed
	}
	m.change = func(x *hub.Loan) error {
		if x.Version != version || x.State != l.State {
			return fmt.Errorf("loan %d: the card showed version %d, now %d: %w", x.ID, version, x.Version, store.ErrLoanChanged)
		}
		if x.DepositStatus != hub.DepositDesk {
			return &loanProblem{status: fiber.StatusConflict, problem: fmt.Sprintf(t["err_desk_state"], wordOr(t, "st_", x.DepositStatus))}
		}
		switch x.State {
		case hub.LoanReturned:
			x.State = hub.LoanClosed
		case hub.LoanWithdrawn, hub.LoanRefused:
			if kept > 0 {
				return &loanProblem{status: fiber.StatusConflict, problem: t["never_out"]}
			}
		default:
			return &loanProblem{status: fiber.StatusConflict, problem: t["err_desk_not_back"]}
		}
		x.DepositStatus, x.DepositKeptMinor = status, kept
		return nil
	}
	return h.moveLoan(c, s, th, l, m, &loanRefusal{})
}
