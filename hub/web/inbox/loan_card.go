package inbox

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/templates"
)

// The courtesy-car card on the thread page (views/loan_card.html, issue
// 20): the thread's loans with their state, car, identity, signature and
// deposit, the advisor's actions on each (withdraw, review the ID photos,
// hand the key over and take the car back at the desk), and the offer
// form while the branch has a car available. The routes are in
// loan_offer.go, loan_actions.go and loan_identity.go.

// loanCard is the card. nil on the page: a thread without a work order.
type loanCard struct {
	T        map[string]string
	URL      string // the thread's, for the forms
	CSRF     string
	CanAct   bool   // an advisor or an admin
	Notice   string // after a form was taken
	Problem  string // why the offer form was refused; nothing was stored
	Loans    []loanRow
	CanOffer bool // CanAct, a car available and the hub's address known
	NoCars   bool // CanAct, and no car is available
	NoLink   bool // CanAct, and the hub has no public address to link to
	Cars     []loanCarOption
	Offer    loanOfferForm // the offer form's fields: defaults, or as typed after a refusal
	Fuels    []loanFuelOption
}

// loanRow is one loan, for people. Loan is the loan itself, for what the
// card does not spell out (the deposit helper's slot reads it).
type loanRow struct {
	Loan          hub.Loan
	T             map[string]string
	URL           string // the thread's
	LoanURL       string // URL + "/loans/<id>", the actions' base
	CSRF          string
	CanAct        bool
	Locale        string
	Car, State    string
	StateWord     string
	From, To      string
	Offered       string
	Handover      string // fuel and odometer at the handover
	Return        string // … at the return, once back
	LessFuel      string // a notice when the car came back with less fuel
	Identity      string
	IdentityWord  string
	IdentityNote  string // the refusal's reason, Stripe's last error, who checked
	Signed        string // "" while not signed
	DepositWord   string
	Deposit       string // the amount, "" when none asked
	OutAt, BackAt string
	Waits         string // what the key still waits for, while offered
	Photos        []loanPhoto
	CanReview     bool // a manual check with the photos in: approve or refuse
	CanByPhotos   bool // a Stripe check with nothing at Stripe being checked: move it to the photos
	CanWithdraw   bool
	CanHandOver   bool // at the desk: a branch without a locker, and the loan Ready
	LockerHint    bool // a branch with a locker: the key goes there
	CanReturn     bool
	Readings      bool // back through the locker: the return form records the fuel and odometer
	// DepositPart is the deposit's own part of the row, for the slot
	// "loan-deposit-actions" (views/loan_card.html): nil here; the
	// deposit's code fills it (c and s are at hand in loanRow).
	DepositPart      any
	Problem          string // why a form of this loan was refused
	ReturnKm         string // the return form's odometer, as typed after a refusal
	ReturnDamage     bool   // the return form's damage tick and note, as typed
	ReturnDamageNote string
	RefuseReason     string
	ReturnFuelChoice []loanFuelOption

	// CarPhotos is the car's photos, both sets side by side
	// (loan_car_photos.go, views/loan_car_photos.html).
	CarPhotos *carPhotosPart
}

type loanPhoto struct {
	Kind, Label, URL string
	Gone             string // when it was deleted; "" while kept
}

type loanCarOption struct {
	ID       int64
	Label    string
	Selected bool
}

type loanFuelOption struct {
	Value    int
	Label    string
	Selected bool
}

// loanOfferForm is what the offer form shows in its fields.
type loanOfferForm struct {
	Car                      string
	Handover, DueBack        string // datetime-local values in the branch's clock
	MinHandover, MaxHandover string
	Fuel                     string
	Odometer                 string
}

// loanRefusal is a refused loan form, shown again on the page.
type loanRefusal struct {
	LoanID  int64 // 0: the offer form
	Problem string
	Offer   loanOfferForm // the offer as typed
	Fuel    string        // a return as typed
	Km      string
	// Damage and DamageNote: the desk return's "damage noticed" tick and
	// note as typed.
	Damage     bool
	DamageNote string
	Reason     string // a refusal's reason as typed
}

// loanRefusalKey keeps a loanRefusal in the request's locals for the card.
type loanRefusalKey struct{}

// atDesk tells whether the staff member works the desk: advisors and
// admins offer cars and see the ID photos; mechanics only read the card.
func atDesk(s staff.Staff) bool {
	return s.User.Role == store.RoleAdvisor || s.User.Role == store.RoleAdmin
}

// loanInputLayout is how a datetime-local field writes a time.
const loanInputLayout = "2006-01-02T15:04"

// addLoanCard loads the card of a work-order thread into p.
func (h *Handler) addLoanCard(c *fiber.Ctx, s staff.Staff, th hub.Thread, branch hub.Branch, locale string, p *threadPage) error {
	if th.WorkOrderID == nil {
		return nil
	}
	ctx := c.UserContext()
	t := loanTexts[locale]
	loc := branch.Location()
	card := &loanCard{T: t, URL: threadURL(th.ID), CSRF: s.CSRF, CanAct: atDesk(s)}
	if k := c.Query("loan"); k != "" {
		card.Notice = t["done_"+k]
	}
	refused, _ := c.Locals(loanRefusalKey{}).(*loanRefusal)
	loans, err := h.store.LoansOfThread(ctx, th.ID)
	if err != nil {
		return err
	}
	hasLocker, err := h.store.BranchHasLocker(ctx, th.BranchID)
	if err != nil {
		return err
	}
	for _, l := range loans {
		row, err := h.loanRow(c, s, card, l, locale, loc, hasLocker)
		if err != nil {
			return err
		}
		if refused != nil && refused.LoanID == l.ID {
			row.Problem, row.ReturnKm, row.RefuseReason = refused.Problem, refused.Km, refused.Reason
			row.ReturnDamage, row.ReturnDamageNote = refused.Damage, refused.DamageNote
			row.ReturnFuelChoice = fuelOptions(t, refused.Fuel)
		}
		card.Loans = append(card.Loans, row)
	}
	if card.CanAct && !slices.ContainsFunc(loans, func(l hub.Loan) bool { return hub.LoanOpen(l.State) }) {
		// One car at a time per work order: the form comes back once
		// the open loan is withdrawn, refused or returned.
		if err := h.fillOffer(ctx, card, th, loc, refused); err != nil {
			return err
		}
	} else if refused != nil && refused.LoanID == 0 {
		card.Problem = refused.Problem
	}
	p.Loan = card
	// Clipped: the frame's list is the surface's, shared by every page.
	p.Frame.Styles = append(slices.Clip(p.Frame.Styles), "loan_card.css", "loan_car_photos.css")
	return nil
}

// fillOffer puts the offer form on the card: the branch's available cars
// and the fields' defaults (the handover at the next quarter hour, back a
// day later, a full tank), or what was typed after a refusal.
func (h *Handler) fillOffer(ctx context.Context, card *loanCard, th hub.Thread, loc *time.Location, refused *loanRefusal) error {
	cars, err := h.store.CourtesyCars(ctx, th.BranchID, false)
	if err != nil {
		return err
	}
	form := loanOfferForm{Fuel: "8"}
	now := h.Now().In(loc)
	start := now.Truncate(15 * time.Minute).Add(15 * time.Minute)
	form.Handover, form.DueBack = start.Format(loanInputLayout), start.Add(24*time.Hour).Format(loanInputLayout)
	if refused != nil && refused.LoanID == 0 {
		card.Problem, form = refused.Problem, refused.Offer
	}
	form.MinHandover = now.Add(-loanHandoverPast).Format(loanInputLayout)
	form.MaxHandover = now.Add(loanHandoverAhead).Format(loanInputLayout)
	for _, car := range cars {
		if car.State != hub.CarAvailable {
			continue
		}
		id := strconv.FormatInt(car.ID, 10)
		card.Cars = append(card.Cars, loanCarOption{ID: car.ID, Label: carLabel(car), Selected: id == form.Car})
	}
	switch {
	case h.publicURL == "":
		card.NoLink = true
	case len(card.Cars) == 0:
		card.NoCars = true
	default:
		card.CanOffer = true
	}
	card.Offer, card.Fuels = form, fuelOptions(card.T, form.Fuel)
	return nil
}

// loanRow describes one loan for the card, for the signed-in s.
func (h *Handler) loanRow(c *fiber.Ctx, s staff.Staff, card *loanCard, l hub.Loan, locale string, loc *time.Location, hasLocker bool) (loanRow, error) {
	ctx, t := c.UserContext(), card.T
	car, err := h.store.CourtesyCar(ctx, l.BranchID, l.CarID)
	if err != nil {
		return loanRow{}, err
	}
	at := func(x time.Time) string { return templates.DateTime(locale, x.In(loc)) }
	r := loanRow{Loan: l, T: t, URL: card.URL, LoanURL: fmt.Sprintf("%s/loans/%d", card.URL, l.ID), CSRF: card.CSRF, CanAct: card.CanAct,
		Locale: locale, Car: carLabel(car), State: l.State, StateWord: wordOr(t, "st_", l.State),
		From: at(l.HandoverAt), To: at(l.DueBackAt), Offered: fmt.Sprintf(t["offered"], at(l.CreatedAt), l.OfferedBy),
		Handover: fuelAndKm(t, l.FuelEighths, l.OdometerKm),
		Identity: l.IdentityStatus, IdentityWord: wordOr(t, "id_", l.IdentityStatus),
		DepositWord:      wordOr(t, "dep_", l.DepositStatus),
		ReturnFuelChoice: fuelOptions(t, strconv.Itoa(l.FuelEighths)),
	}
	switch {
	case l.IdentityError != "" && l.IdentityCheckedBy != "":
		r.IdentityNote = l.IdentityError + " · " + fmt.Sprintf(t["checked_by"], l.IdentityCheckedBy)
	case l.IdentityError != "":
		r.IdentityNote = l.IdentityError
	case l.IdentityCheckedBy != "":
		r.IdentityNote = fmt.Sprintf(t["checked_by"], l.IdentityCheckedBy)
	}
	if l.SignedAt != nil {
		r.Signed = fmt.Sprintf(t["signed"], at(*l.SignedAt), l.SignedName)
	}
	if l.DepositMinor > 0 {
		r.Deposit = money(locale, l.DepositMinor, l.DepositCurrency)
	}
	if l.OutAt != nil {
		r.OutAt = fmt.Sprintf(t["out_at"], at(*l.OutAt))
	}
	if l.ReturnedAt != nil {
		r.BackAt = fmt.Sprintf(t["returned_at"], at(*l.ReturnedAt))
	}
	if l.ReturnFuelEighths != nil && l.ReturnOdometerKm != nil {
		r.Return = fuelAndKm(t, *l.ReturnFuelEighths, *l.ReturnOdometerKm)
		if *l.ReturnFuelEighths < l.FuelEighths {
			r.LessFuel = fmt.Sprintf(t["less_fuel"], strconv.Itoa(*l.ReturnFuelEighths), strconv.Itoa(l.FuelEighths))
		}
	}
	if l.State == hub.LoanOffered {
		if missing := loanMissing(t, l); missing != "" {
			r.Waits = fmt.Sprintf(t["waits_for"], missing)
		}
	}
	if r.DepositPart, err = h.depositForm(c, s, l); err != nil {
		return loanRow{}, err
	}
	if r.CarPhotos, err = h.carPhotosPart(ctx, s, l, locale, loc, card.CSRF); err != nil {
		return loanRow{}, err
	}
	if card.CanAct {
		files, err := h.store.StaffLoanIdentityFiles(ctx, l.ID)
		if err != nil {
			return loanRow{}, err
		}
		for _, f := range files {
			p := loanPhoto{Kind: f.Kind, Label: wordOr(t, "ph_", f.Kind)}
			if f.PurgedAt != nil {
				p.Gone = fmt.Sprintf(t["photo_gone"], at(*f.PurgedAt))
			} else {
				p.URL = identityPhotoURL(l.ID, f.Kind)
			}
			r.Photos = append(r.Photos, p)
		}
		slices.SortFunc(r.Photos, func(a, b loanPhoto) int {
			return slices.Index(hub.IDPhotoKinds(), a.Kind) - slices.Index(hub.IDPhotoKinds(), b.Kind)
		})
		offered := l.State == hub.LoanOffered
		r.CanWithdraw = offered
		r.CanReview = offered && l.IdentityMethod == hub.IdentityManual && l.IdentityStatus == hub.IdentitySubmitted
		r.CanByPhotos = l.MayCheckByPhotos()
		r.CanHandOver = offered && !hasLocker && l.Ready()
		r.LockerHint = offered && hasLocker
		r.CanReturn = l.State == hub.LoanOut || awaitsReadings(l)
		r.Readings = awaitsReadings(l)
	}
	return r, nil
}

// loanMissing names, in t's words, what the key still waits for.
func loanMissing(t map[string]string, l hub.Loan) string {
	var need []string
	if l.IdentityStatus != hub.IdentityVerified {
		need = append(need, t["need_identity"])
	}
	if !l.Signed() {
		need = append(need, t["need_signature"])
	}
	if !l.DepositSettled() {
		need = append(need, t["need_deposit"])
	}
	return strings.Join(need, ", ")
}

// carLabel is how staff and the customer know a courtesy car: its model
// and plate.
func carLabel(car hub.CourtesyCar) string {
	return strings.TrimSpace(cmp.Or(car.Model+" "+car.Plate, car.Plate))
}

func fuelAndKm(t map[string]string, fuel, km int) string {
	return fmt.Sprintf(t["fuel_of"], strconv.Itoa(fuel)) + " · " + fmt.Sprintf(t["km"], strconv.Itoa(km))
}

// fuelOptions are the eighths of a tank, 8 (full) first, selected as
// typed (or the default).
func fuelOptions(t map[string]string, selected string) []loanFuelOption {
	out := make([]loanFuelOption, 0, 9)
	for n := 8; n >= 0; n-- {
		label := strconv.Itoa(n) + "/8"
		switch n {
		case 8:
			label += " · " + t["full_tank"]
		case 0:
			label += " · " + t["empty_tank"]
		}
		out = append(out, loanFuelOption{Value: n, Label: label, Selected: strconv.Itoa(n) == selected})
	}
	return out
}

// identityPhotoURL is where staff of the loan's branch see one ID photo
// (loan_identity.go).
func identityPhotoURL(loanID int64, kind string) string {
	return fmt.Sprintf("/inbox/loans/%d/identity/%s", loanID, kind)
}
