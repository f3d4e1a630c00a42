package inbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/templates"
)

// The advisor's actions on a loan of the card. Each is one
// store.ChangeLoan with its event, inside one transaction with a system
// line, the customer's message when they must know, and an audit row.

// withLoan resolves :lid to a loan of the thread before fn runs; another
// thread's loan is 404, as is a missing one.
func (h *Handler) withLoan(fn func(c *fiber.Ctx, s staff.Staff, th hub.Thread, l hub.Loan) error) func(*fiber.Ctx, staff.Staff, hub.Thread) error {
	return func(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
		id := idParam(c, "lid")
		if id == 0 {
			return notFound(c)
		}
		l, err := h.store.Loan(c.UserContext(), id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && l.ThreadID != th.ID) {
			return notFound(c)
		}
		if err != nil {
			return h.Internal(c, "load loan", err)
		}
		return fn(c, s, th, l)
	}
}

// loanProblem is a change a loan's state refuses, in the staff's words:
// the change function returns it, nothing is stored.
type loanProblem struct {
	status  int
	problem string
}

func (p *loanProblem) Error() string { return p.problem }

// loanMove is one action on a loan.
type loanMove struct {
	event, audit string // the `loan` change's event; the audit action
	line         string // the system line's key
	say          string // the customer's message (loanCustomerTexts); "" none
	done         string // the notice after it (done_…)
	args         map[string]string
	detail       string // the audit row's words after "loan <id>"
	change       func(l *hub.Loan) error
	// before runs in the move's transaction ahead of the loan's change
	// (the desk's damage tick, which the return check then reads); nil none.
	before func(tx *store.Store) error
	// committed runs once the move is stored (best-effort work with the
	// outside world, which must not hold the transaction); nil none.
	committed func(ctx context.Context)
	// sayAfter picks the customer's message from the loan as the move
	// left it, in place of say (which must be set too, as the default);
	// nil: say.
	sayAfter func(after hub.Loan) string
}

// moveLoan runs m on l and answers: back to the card with the notice, or
// the page again with the refusal (409 for a loan that changed or is not
// at that step, the problem's own status else).
func (h *Handler) moveLoan(c *fiber.Ctx, s staff.Staff, th hub.Thread, l hub.Loan, m loanMove, refused *loanRefusal) error {
	ctx := c.UserContext()
	t := loanTexts[staffpage.Locale(c, loanTexts)]
	branch, err := h.store.Branch(ctx, th.BranchID)
	if err != nil {
		return h.Internal(c, "load branch", err)
	}
	car, err := h.store.CourtesyCar(ctx, l.BranchID, l.CarID)
	if err != nil {
		return h.Internal(c, "load courtesy car", err)
	}
	by := staffpage.DisplayName(s.User)
	args := map[string]string{"by": by, "car": carLabel(car), "branch": branch.Name, "phone": branch.Phone}
	for k, v := range m.args {
		args[k] = v
	}
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if m.before != nil {
			if err := m.before(tx); err != nil {
				return err
			}
		}
		after, err := tx.ChangeLoan(ctx, l.ID, m.event, m.change)
		if err != nil {
			return err
		}
		line := hub.SystemLine(th.ID, by, m.line, args)
		if err := tx.AddMessage(ctx, &line); err != nil {
			return err
		}
		if m.say != "" {
			say := m.say
			if m.sayAfter != nil {
				say = m.sayAfter(after)
			}
			body := customerLine(after.Locale, say, args)
			if _, err := tx.QueueMessage(ctx, store.Outgoing{ThreadID: th.ID, Channel: th.Channel, Recipient: th.Phone, Body: body, Author: by}); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, h.auditEntry(c, s, m.audit, th, fmt.Sprintf("loan %d %s", l.ID, m.detail)))
	})
	var problem *loanProblem
	switch {
	case errors.As(err, &problem):
		refused.LoanID, refused.Problem = l.ID, problem.problem
		return h.refuseLoan(c, s, th, problem.status, refused)
	case errors.Is(err, store.ErrLoanChanged) || errors.Is(err, store.ErrLoanMove):
		now, rerr := h.store.Loan(ctx, l.ID)
		if rerr != nil {
			return h.Internal(c, "load loan", rerr)
		}
		refused.LoanID, refused.Problem = l.ID, fmt.Sprintf(t["err_changed"], wordOr(t, "st_", now.State))
		return h.refuseLoan(c, s, th, fiber.StatusConflict, refused)
	case err != nil:
		return h.Internal(c, m.audit, err)
	}
	if m.say != "" {
		h.queued()
	}
	if (m.event == hub.LoanEventWithdrawn || m.event == hub.LoanEventIdentityRefused || m.event == hub.LoanEventDepositDesk) &&
		l.DepositStatus != hub.DepositNone && h.payments != nil {
		// The key never left (or the deposit was left at the desk): the
		// hold on the customer's card, or its page still open, goes now,
		// not in a week. A failure is retried by the payments service's
		// daily check of holds.
		rctx, cancel := payContext(c)
		if err := h.payments.ReleaseDeposit(rctx, l.ID); err != nil {
			h.Log.Warn("inbox loan: release the deposit", "loan_id", l.ID, "error", err)
		}
		cancel()
	}
	if m.committed != nil {
		m.committed(ctx)
	}
	h.Log.Info("inbox loan "+m.event, "thread_id", th.ID, "loan_id", l.ID, "user_id", s.User.ID)
	return loanDone(c, th, m.done)
}

// notAt refuses a change of a loan that is not in state want, naming the
// state it is in.
func notAt(t map[string]string, l *hub.Loan, want string) error {
	if l.State == want {
		return nil
	}
	return &loanProblem{status: fiber.StatusConflict, problem: fmt.Sprintf(t["err_state"], wordOr(t, "st_", l.State))}
}

// withdrawLoan is POST …/loans/:lid/withdraw: an offer taken back before
// the key left; the car is available again and the customer is told.
func (h *Handler) withdrawLoan(c *fiber.Ctx, s staff.Staff, th hub.Thread, l hub.Loan) error {
	t := loanTexts[staffpage.Locale(c, loanTexts)]
	return h.moveLoan(c, s, th, l, loanMove{event: hub.LoanEventWithdrawn, audit: store.AuditLoanWithdrawn,
		line: templates.SysLoanWithdrawn, say: "withdrawn", done: "withdrawn", detail: "withdrawn",
		change: func(x *hub.Loan) error {
			if err := notAt(t, x, hub.LoanOffered); err != nil {
				return err
			}
			x.State = hub.LoanWithdrawn
			return nil
		}}, &loanRefusal{})
}

// reviewVersion reads the version of the loan the advisor looked at when
// they judged its photos: a retake since (a new version) must be looked
// at again, never approved unseen.
func reviewVersion(c *fiber.Ctx) int64 {
	v, err := strconv.ParseInt(formField(c, "version"), 10, 64)
	if err != nil || v <= 0 {
		return 0
	}
	return v
}

// reviewable refuses a review of a loan that is not a manual check with
// its photos in, or that changed since the page showed it.
func reviewable(t map[string]string, x *hub.Loan, version int64) error {
	if version == 0 {
		return &loanProblem{status: fiber.StatusBadRequest, problem: t["err_form"]}
	}
	if err := notAt(t, x, hub.LoanOffered); err != nil {
		return err
	}
	if x.IdentityMethod != hub.IdentityManual || x.IdentityStatus != hub.IdentitySubmitted {
		return &loanProblem{status: fiber.StatusConflict, problem: fmt.Sprintf(t["err_identity_state"], wordOr(t, "id_", x.IdentityStatus))}
	}
	if x.Version != version {
		return fmt.Errorf("loan %d: reviewed version %d, now %d: %w", x.ID, version, x.Version, store.ErrLoanChanged)
	}
	return nil
}

// approveIdentity is POST …/loans/:lid/identity/approve (field version):
// the advisor compared the ID photos and accepts them. The customer is
// told to sign next.
func (h *Handler) approveIdentity(c *fiber.Ctx, s staff.Staff, th hub.Thread, l hub.Loan) error {
	t := loanTexts[staffpage.Locale(c, loanTexts)]
	version, by, at := reviewVersion(c), staffpage.DisplayName(s.User), h.Now().UTC()
	return h.moveLoan(c, s, th, l, loanMove{event: hub.LoanEventVerified, audit: store.AuditLoanIdentityApproved,
		line: templates.SysLoanIdentityApproved, say: "approved", done: "approved", detail: "identity approved",
		change: func(x *hub.Loan) error {
			if err := reviewable(t, x, version); err != nil {
				return err
			}
			x.IdentityStatus, x.IdentityCheckedBy, x.IdentityCheckedAt, x.IdentityError = hub.IdentityVerified, by, &at, ""
			return nil
		}}, &loanRefusal{})
}

// refuseIdentity is POST …/loans/:lid/identity/refuse (fields version,
// reason): the photos do not match or cannot be read. The loan ends
// refused, the car is available again, and the customer reads the reason.
func (h *Handler) refuseIdentity(c *fiber.Ctx, s staff.Staff, th hub.Thread, l hub.Loan) error {
	t := loanTexts[staffpage.Locale(c, loanTexts)]
	raw := c.FormValue("reason")
	reason := strings.Join(strings.Fields(raw), " ")
	refused := &loanRefusal{}
	if utf8.ValidString(raw) && len(raw) <= 4*maxRefuseReason && !strings.ContainsRune(raw, 0) {
		refused.Reason = raw // shown again in its box: valid text of bounded size only
	}
	if reason == "" || refused.Reason == "" || utf8.RuneCountInString(reason) > maxRefuseReason {
		refused.LoanID, refused.Problem = l.ID, t["err_reason"]
		return h.refuseLoan(c, s, th, fiber.StatusBadRequest, refused)
	}
	version, by, at := reviewVersion(c), staffpage.DisplayName(s.User), h.Now().UTC()
	return h.moveLoan(c, s, th, l, loanMove{event: hub.LoanEventIdentityRefused, audit: store.AuditLoanIdentityRefused,
		line: templates.SysLoanIdentityRefused, say: "refused", done: "refused", args: map[string]string{"reason": reason},
		detail: fmt.Sprintf("identity refused: reason=%q", reason),
		change: func(x *hub.Loan) error {
			if err := reviewable(t, x, version); err != nil {
				return err
			}
			x.IdentityStatus, x.IdentityCheckedBy, x.IdentityCheckedAt, x.IdentityError = hub.IdentityRefused, by, &at, reason
			x.State = hub.LoanRefused
			return nil
		}}, refused)
}

// handOverLoan is POST …/loans/:lid/out: the key handed over at the desk,
// at a branch without a key locker, once the loan is Ready (identity
// verified, agreement signed, deposit held or none asked).
func (h *Handler) handOverLoan(c *fiber.Ctx, s staff.Staff, th hub.Thread, l hub.Loan) error {
	t := loanTexts[staffpage.Locale(c, loanTexts)]
	hasLocker, err := h.store.BranchHasLocker(c.UserContext(), th.BranchID)
	if err != nil {
		return h.Internal(c, "load locker", err)
	}
	if hasLocker {
		return h.refuseLoan(c, s, th, fiber.StatusConflict, &loanRefusal{LoanID: l.ID, Problem: t["err_locker"]})
	}
	at := h.Now().UTC()
	return h.moveLoan(c, s, th, l, loanMove{event: hub.LoanEventOut, audit: store.AuditLoanOut,
		line: templates.SysLoanOutDesk, done: "out", detail: "out at the desk",
		change: func(x *hub.Loan) error {
			if err := notAt(t, x, hub.LoanOffered); err != nil {
				return err
			}
			if !x.Ready() {
				return &loanProblem{status: fiber.StatusConflict, problem: fmt.Sprintf(t["err_not_ready"], loanMissing(t, *x))}
			}
			x.State, x.OutAt = hub.LoanOut, &at
			return nil
		}}, &loanRefusal{})
}

// returnLoan is POST …/loans/:lid/return (fields fuel, odometer): the car
// taken back at the desk. The odometer reads at least what it did at the
// handover; less fuel than then is said on the card and in the line.
//
// A car whose key came back through the key locker is returned already,
// without readings (the kiosk cannot read a fuel gauge): the same form then
// records what staff read in the car, once, and the DMS gets the `returned`
// change again, now with them.
func (h *Handler) returnLoan(c *fiber.Ctx, s staff.Staff, th hub.Thread, l hub.Loan) error {
	t := loanTexts[staffpage.Locale(c, loanTexts)]
	refused := &loanRefusal{LoanID: l.ID, Fuel: formField(c, "fuel"), Km: formField(c, "odometer"),
		Damage: c.FormValue("damage") != "", DamageNote: strings.TrimSpace(c.FormValue("damage_note"))}
	fuel, err := parseFuel(refused.Fuel)
	if err != nil {
		refused.Problem = t["err_fuel"]
		return h.refuseLoan(c, s, th, fiber.StatusBadRequest, refused)
	}
	km, err := parseKm(refused.Km)
	if err != nil {
		refused.Problem = t["err_odometer"]
		return h.refuseLoan(c, s, th, fiber.StatusBadRequest, refused)
	}
	args := map[string]string{"fuel": strconv.Itoa(fuel), "km": strconv.Itoa(km)}
	if fuel < l.FuelEighths {
		args["fuel_key"], args["fuel_out"] = templates.SysLoanLessFuel, strconv.Itoa(l.FuelEighths)
	}
	readings := awaitsReadings(l) // decided on the loan the form was sent about; a loan moved since is refused
	at := h.Now().UTC()
	m := loanMove{event: hub.LoanEventReturned, audit: store.AuditLoanReturned,
		line: templates.SysLoanReturnedDesk, done: "returned", args: args,
		detail: fmt.Sprintf("returned at the desk: fuel=%d/8 odometer=%d", fuel, km),
		change: func(x *hub.Loan) error {
			switch {
			case readings && !awaitsReadings(*x):
				return fmt.Errorf("loan %d: readings recorded meanwhile: %w", x.ID, store.ErrLoanChanged)
			case !readings:
				if err := notAt(t, x, hub.LoanOut); err != nil {
					return err
				}
				x.State, x.ReturnedAt = hub.LoanReturned, &at
			}
			if km < x.OdometerKm {
				return &loanProblem{status: fiber.StatusBadRequest, problem: fmt.Sprintf(t["err_odometer_back"], strconv.Itoa(x.OdometerKm))}
			}
			x.ReturnFuelEighths, x.ReturnOdometerKm = &fuel, &km
			return nil
		}}
	if readings {
		m.line, m.done = templates.SysLoanReturnReadings, "readings"
		m.detail = fmt.Sprintf("readings after the return through the locker: fuel=%d/8 odometer=%d", fuel, km)
	} else if refused.Damage {
		// Damage noticed at the desk: on the return's report, so the
		// return check opens the same one task as a customer's report.
		if note := refused.DamageNote; !utf8.ValidString(note) || strings.ContainsRune(note, 0) || utf8.RuneCountInString(note) > hub.MaxDamageNote {
			refused.Problem = t["err_damage_note"]
			if !utf8.ValidString(note) || strings.ContainsRune(note, 0) {
				refused.DamageNote = "" // not shown back
			}
			return h.refuseLoan(c, s, th, fiber.StatusBadRequest, refused)
		}
		by := staffpage.DisplayName(s.User)
		m.detail += " damage_noticed"
		m.before = func(tx *store.Store) error {
			err := tx.NoteLoanDamageAtDesk(c.UserContext(), l.ID, by, refused.DamageNote)
			if errors.Is(err, store.ErrReturnReading) {
				return &loanProblem{status: fiber.StatusBadRequest, problem: t["err_damage_note"]}
			}
			return err
		}
	}
	return h.moveLoan(c, s, th, l, m, refused)
}

// awaitsReadings tells whether a loan is back without the fuel and the
// odometer read: its key was dropped off at the locker (and its deposit
// may be settled already, which closes it).
func awaitsReadings(l hub.Loan) bool {
	back := l.State == hub.LoanReturned || l.State == hub.LoanClosed
	return back && (l.ReturnFuelEighths == nil || l.ReturnOdometerKm == nil)
}

// customerLine is the customer's message key in locale (the loan's),
// args filled; a part in brackets is left out when a value in it is
// empty (the branch has no phone).
func customerLine(locale, key string, args map[string]string) string {
	words := loanCustomerTexts[templates.NormalizeLocale(locale)]
	if words == nil {
		words = loanCustomerTexts[templates.FallbackLocale]
	}
	text := words[key]
	for {
		open := strings.IndexByte(text, '[')
		end := strings.IndexByte(text, ']')
		if open < 0 || end < open {
			break
		}
		part, full := fillPlaces(text[open+1:end], args)
		if !full {
			part = ""
		}
		text = text[:open] + part + text[end+1:]
	}
	filled, _ := fillPlaces(text, args)
	return filled
}

// fillPlaces puts args into the {name} places of text; full tells
// whether every place had a value.
func fillPlaces(text string, args map[string]string) (string, bool) {
	var b strings.Builder
	full := true
	for {
		open := strings.IndexByte(text, '{')
		end := strings.IndexByte(text, '}')
		if open < 0 || end < open {
			b.WriteString(text)
			return b.String(), full
		}
		v := args[text[open+1:end]]
		full = full && v != ""
		b.WriteString(text[:open])
		b.WriteString(v)
		text = text[end+1:]
	}
}
