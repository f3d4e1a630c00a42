package inbox

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/templates"
)

// Bounds of an offer: a handover entered a little after the fact (the
// car left before the advisor got to the screen) or planned up to three
// months ahead, a loan of up to three months, an odometer no car reaches.
const (
	loanHandoverPast  = 24 * time.Hour
	loanHandoverAhead = 90 * 24 * time.Hour
	loanLongest       = 90 * 24 * time.Hour
	maxOdometerKm     = 2_000_000
	maxLoanField      = 32 // a field's bytes: a time, a number, an id
	maxRefuseReason   = 200
)

// registerLoans adds the card's routes (one line in Register): advisors
// and admins only, each on a thread of their branches (withThread) and a
// loan of that thread.
func (h *Handler) registerLoans(desk staffpage.Group) {
	const base = "/inbox/threads/:id/loans"
	desk.Post(base, h.withThread(h.offerLoan))
	desk.Post(base+"/:lid/withdraw", h.withThread(h.withLoan(h.withdrawLoan)))
	desk.Post(base+"/:lid/identity/approve", h.withThread(h.withLoan(h.approveIdentity)))
	desk.Post(base+"/:lid/identity/refuse", h.withThread(h.withLoan(h.refuseIdentity)))
	desk.Post(base+"/:lid/out", h.withThread(h.withLoan(h.handOverLoan)))
	desk.Post(base+"/:lid/return", h.withThread(h.withLoan(h.returnLoan)))
	desk.Post(base+"/:lid/deposit/desk", h.withThread(h.withLoan(h.takeDeskDeposit)))
	desk.Post(base+"/:lid/deposit/desk/settle", h.withThread(h.withLoan(h.settleDeskDeposit)))
	desk.Post(base+"/:lid/identity/manual", h.withThread(h.withLoan(h.identityByPhotos)))
	desk.Get(IdentityPhotoPath, h.identityPhoto)
}

// offerLoan is POST /inbox/threads/:id/loans: car, handover, due_back
// (datetime-local in the branch's clock), fuel (eighths) and odometer
// (km). In one transaction: the loan (its car reserved, the `loan`
// change offered), a system line, the customer's message with their link
// on the thread's channel, and an audit row. A refused form shows the
// page again (400; 409 when the car was taken meanwhile) and stores
// nothing.
func (h *Handler) offerLoan(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	if th.WorkOrderID == nil || h.publicURL == "" {
		return notFound(c)
	}
	ctx := c.UserContext()
	locale := staffpage.Locale(c, loanTexts)
	t := loanTexts[locale]
	branch, err := h.store.Branch(ctx, th.BranchID)
	if err != nil {
		return h.Internal(c, "load branch", err)
	}
	refused := &loanRefusal{Offer: loanOfferForm{Car: formField(c, "car"), Handover: formField(c, "handover"),
		DueBack: formField(c, "due_back"), Fuel: formField(c, "fuel"), Odometer: formField(c, "odometer")}}
	o, problem := h.readOffer(c, t, th, branch, refused.Offer)
	if problem != "" {
		refused.Problem = problem
		return h.refuseLoan(c, s, th, fiber.StatusBadRequest, refused)
	}
	car, err := h.store.CourtesyCar(ctx, th.BranchID, o.carID)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && car.RetiredAt != nil):
		refused.Problem = t["err_car"] // another branch's car is none of this branch's
		return h.refuseLoan(c, s, th, fiber.StatusBadRequest, refused)
	case err != nil:
		return h.Internal(c, "load courtesy car", err)
	}

	// One car at a time per work order: said here before anything is
	// written, and checked again inside the offer's transaction, where
	// two advisors offering two cars in the same instant meet.
	open, err := h.store.LoansOfThread(ctx, th.ID)
	if err != nil {
		return h.Internal(c, "load loans", err)
	}
	if openLoanBesides(open, 0) {
		refused.Problem = t["err_open"]
		return h.refuseLoan(c, s, th, fiber.StatusConflict, refused)
	}
	settings, err := h.store.LoanSettings(ctx, th.BranchID)
	if err != nil {
		return h.Internal(c, "load loan settings", err)
	}
	l := hub.Loan{BranchID: th.BranchID, ThreadID: th.ID, WorkOrderID: th.WorkOrderID, CarID: car.ID,
		Locale: branch.Locale, CustomerPhone: th.Phone,
		HandoverAt: o.handover.UTC(), DueBackAt: o.dueBack.UTC(), FuelEighths: o.fuel, OdometerKm: o.km,
		DepositMinor: settings.DepositMinor, DepositCurrency: settings.DepositCurrency, IdentityMethod: settings.IdentityMethod,
		OfferedBy: staffpage.DisplayName(s.User)}
	if th.CustomerID != nil {
		cu, err := h.store.Customer(ctx, *th.CustomerID)
		if err != nil {
			return h.Internal(c, "load customer", err)
		}
		l.CustomerName = cu.Name
		if cu.Locale != "" {
			l.Locale = cu.Locale // the customer's language, as every message to them
		}
	}
	l.Locale = templates.NormalizeLocale(l.Locale)
	l.Terms = loanTerms(settings, l.Locale)
	token, err := hub.NewToken()
	if err != nil {
		return h.Internal(c, "loan token", err)
	}
	l.TokenHash = hub.HashToken(token)
	link := strings.TrimRight(h.publicURL, "/") + "/l/" + token

	loc := branch.Location()
	stamp := func(x time.Time) string { return x.In(loc).Format("02.01.2006 15:04") }
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateLoan(ctx, &l); err != nil {
			return err
		}
		// CreateLoan took the change feed's lock (PostgreSQL; SQLite runs
		// one writer at a time): every other offer waits for this one, so
		// a loan of the thread offered meanwhile is seen here.
		loans, err := tx.LoansOfThread(ctx, th.ID)
		if err != nil {
			return err
		}
		if openLoanBesides(loans, l.ID) {
			return errOpenLoan
		}
		line := hub.SystemLine(th.ID, l.OfferedBy, templates.SysLoanOffered,
			map[string]string{"by": l.OfferedBy, "car": carLabel(car), "from": stamp(l.HandoverAt), "to": stamp(l.DueBackAt)})
		if err := tx.AddMessage(ctx, &line); err != nil {
			return err
		}
		body := customerLine(l.Locale, "offered", map[string]string{"branch": branch.Name, "phone": branch.Phone, "car": carLabel(car),
			"from": templates.DateTime(l.Locale, l.HandoverAt.In(loc)), "to": templates.DateTime(l.Locale, l.DueBackAt.In(loc)), "link": link})
		if _, err := tx.QueueMessage(ctx, store.Outgoing{ThreadID: th.ID, Channel: th.Channel, Recipient: th.Phone, Body: body, Author: l.OfferedBy}); err != nil {
			return err
		}
		detail := fmt.Sprintf("loan %d offered: car %d (%s) %s → %s fuel=%d/8 odometer=%d identity=%s deposit_minor=%d %s",
			l.ID, car.ID, car.Plate, l.HandoverAt.Format(time.RFC3339), l.DueBackAt.Format(time.RFC3339), l.FuelEighths, l.OdometerKm,
			l.IdentityMethod, l.DepositMinor, l.DepositCurrency)
		return tx.Audit(ctx, h.auditEntry(c, s, store.AuditLoanOffered, th, detail))
	})
	if errors.Is(err, store.ErrCarTaken) {
		refused.Problem = t["err_car_taken"]
		return h.refuseLoan(c, s, th, fiber.StatusConflict, refused)
	}
	if errors.Is(err, errOpenLoan) {
		refused.Problem = t["err_open"]
		return h.refuseLoan(c, s, th, fiber.StatusConflict, refused)
	}
	if err != nil {
		return h.Internal(c, "offer loan", err)
	}
	h.queued()
	h.Log.Info("inbox loan offered", "thread_id", th.ID, "loan_id", l.ID, "car_id", car.ID, "user_id", s.User.ID)
	return loanDone(c, th, "offered")
}

// errOpenLoan refuses an offer on a work order that got another open loan
// in the same instant: the offer's transaction rolls back.
var errOpenLoan = errors.New("the work order has an open loan")

// openLoanBesides tells whether loans hold an open one (offered or out)
// other than the loan with id except.
func openLoanBesides(loans []hub.Loan, except int64) bool {
	return slices.ContainsFunc(loans, func(l hub.Loan) bool { return l.ID != except && hub.LoanOpen(l.State) })
}

// offerInput is an offer form read and checked.
type offerInput struct {
	carID             int64
	handover, dueBack time.Time
	fuel, km          int
}

// readOffer checks the offer form's fields in the order they are shown;
// the first problem is returned in t's words.
func (h *Handler) readOffer(c *fiber.Ctx, t map[string]string, th hub.Thread, branch hub.Branch, f loanOfferForm) (offerInput, string) {
	var o offerInput
	id, err := strconv.ParseInt(f.Car, 10, 64)
	if err != nil || id <= 0 {
		return o, t["err_car"]
	}
	o.carID = id
	loc := branch.Location()
	now := h.Now()
	if o.handover, err = parseLoanTime(f.Handover, loc); err != nil {
		return o, t["err_handover"]
	}
	if o.handover.Before(now.Add(-loanHandoverPast)) || o.handover.After(now.Add(loanHandoverAhead)) {
		return o, t["err_handover_range"]
	}
	if o.dueBack, err = parseLoanTime(f.DueBack, loc); err != nil {
		return o, t["err_due"]
	}
	switch {
	case !o.dueBack.After(o.handover):
		return o, t["err_due_before"]
	case o.dueBack.Sub(o.handover) > loanLongest:
		return o, t["err_due_long"]
	}
	if o.fuel, err = parseFuel(f.Fuel); err != nil {
		return o, t["err_fuel"]
	}
	if o.km, err = parseKm(f.Odometer); err != nil {
		return o, t["err_odometer"]
	}
	return o, ""
}

// formField is a form value for the card to read and to show again: as
// typed when it is short valid text with no NUL, else "" (which every
// field's parser refuses, so a huge or broken value is refused in its
// field's words and never rendered back).
func formField(c *fiber.Ctx, name string) string {
	v := strings.TrimSpace(c.FormValue(name))
	if len(v) > maxLoanField || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
		return ""
	}
	return v
}

// parseLoanTime reads a datetime-local value (or a date and time as
// people type them) on the branch's clock.
func parseLoanTime(v string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{loanInputLayout, "2006-01-02T15:04:05", "2006-01-02 15:04", "02.01.2006 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date and time: %q", v)
}

// parseFuel reads eighths of a tank, 0 to 8.
func parseFuel(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 8 {
		return 0, fmt.Errorf("fuel: not 0 to 8: %q", v)
	}
	return n, nil
}

// parseKm reads an odometer: whole kilometres, spaces between thousands
// allowed (as people copy them from the dashboard), 0 to maxOdometerKm.
func parseKm(v string) (int, error) {
	v = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(v)
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxOdometerKm {
		return 0, fmt.Errorf("odometer: not 0 to %d: %q", maxOdometerKm, v)
	}
	return n, nil
}

// loanTerms are the branch's own terms in the customer's language; ""
// means the standard ones.
func loanTerms(set hub.LoanSettings, locale string) string {
	switch locale {
	case templates.LocaleRU:
		return set.TermsRU
	case templates.LocalePL:
		return set.TermsPL
	}
	return set.TermsEN
}

// refuseLoan shows the page again with the refusal on the card (the
// form's values back in their fields); nothing was stored.
func (h *Handler) refuseLoan(c *fiber.Ctx, s staff.Staff, th hub.Thread, status int, r *loanRefusal) error {
	c.Locals(loanRefusalKey{}, r)
	return h.showThread(c, s, th, status, nil)
}

// loanDone redirects to the card with the notice of what was done.
func loanDone(c *fiber.Ctx, th hub.Thread, what string) error {
	return c.Redirect(threadURL(th.ID)+"?loan="+what+"#loans", fiber.StatusSeeOther)
}
