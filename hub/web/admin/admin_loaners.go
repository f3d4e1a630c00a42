package admin

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/templates"
)

// The branch's courtesy cars, /admin/branches/<id>/loaners (issue 20):
// the fleet with each car's state, adding, editing and retiring cars,
// moving a car's state (a move outside a loan's course only with the
// override tick, audited as such) and the branch's loan settings. Each
// form changes one thing with its audit row in one transaction; a refused
// form shows the page again with the problem in the admin's language and
// nothing stored.

// loanersView is what loaners.html shows.
type loanersView struct {
	T        map[string]string
	Branch   hub.Branch
	Cars     []loanerRow
	Retired  []hub.CourtesyCar
	Settings hub.LoanSettings
	Deposit  string // the deposit as the form shows it
	Shown    string // the deposit as money, "" for none
	Fuels    []string
	States   []string
	Methods  []string
	Identity loanIdentityView // the online identity check (admin_loaners_identity.go)
}

// loanerRow is a car in use, the states it may go to without override
// and whether it is promised to or with a customer (then not retired).
type loanerRow struct {
	hub.CourtesyCar
	Moves []string
	Busy  bool
}

func loanersPath(branchID int64) string { return fmt.Sprintf("/admin/branches/%d/loaners", branchID) }

// registerLoaners adds the fleet's routes to the admin group.
func (h *Handler) registerLoaners(admin staffpage.Group) {
	admin.Get("/admin/branches/:id/loaners", h.loanersShow)
	admin.Post("/admin/branches/:id/loaners", h.loanerAdd)
	admin.Post("/admin/branches/:id/loaners/settings", h.loanSettingsSave)
	admin.Post("/admin/branches/:id/loaners/cars/:car", h.loanerEdit)
	admin.Post("/admin/branches/:id/loaners/cars/:car/state", h.loanerState)
	admin.Post("/admin/branches/:id/loaners/cars/:car/retire", h.loanerRetire)
}

// loanerWords are the page's words in the staff member's language.
func loanerWords(c *fiber.Ctx) map[string]string {
	return loanerTexts[staffpage.Locale(c, loanerTexts)]
}

// loanersShow is GET /admin/branches/<id>/loaners.
func (h *Handler) loanersShow(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	v, err := h.loanersView(c, b)
	if err != nil {
		return h.Internal(c, "courtesy cars", err)
	}
	p := h.newPage(c, v)
	if d := c.Query("done"); d != "" {
		p.Done = v.T["done_"+d]
	}
	return h.Render(c, fiber.StatusOK, "loaners.html", p)
}

// loanersView loads the fleet and the settings.
func (h *Handler) loanersView(c *fiber.Ctx, b hub.Branch) (loanersView, error) {
	ctx := c.UserContext()
	v := loanersView{T: loanerWords(c), Branch: b, Fuels: hub.CarFuels(), States: hub.CarStates(), Methods: hub.IdentityMethods()}
	cars, err := h.store.CourtesyCars(ctx, b.ID, true)
	if err != nil {
		return v, err
	}
	for _, car := range cars {
		if car.RetiredAt != nil {
			v.Retired = append(v.Retired, car)
			continue
		}
		v.Cars = append(v.Cars, loanerRow{CourtesyCar: car, Moves: hub.CarMovesFrom(car.State), Busy: hub.CarBusy(car.State)})
	}
	if v.Settings, err = h.store.LoanSettings(ctx, b.ID); err != nil {
		return v, err
	}
	if v.Identity, err = h.loanIdentityView(c, b, v.Settings); err != nil {
		return v, err
	}
	v.Deposit = depositField(v.Settings.DepositMinor, v.Settings.DepositCurrency)
	if v.Settings.DepositMinor > 0 {
		v.Shown = templates.MoneyText(staffpage.Locale(c, loanerTexts), v.Settings.DepositMinor, v.Settings.DepositCurrency)
	}
	return v, nil
}

// loanerSave runs change with its audit row in one transaction and
// redirects to the page with the notice done. A refused input shows the
// page again with the problem: 400 for a field, 422 for a move the car
// may not make, 409 when the car changed meanwhile; anything else is a 500.
func (h *Handler) loanerSave(c *fiber.Ctx, b hub.Branch, done string, change func(tx *store.Store) (audit string, err error)) error {
	err := h.store.Tx(c.UserContext(), func(tx *store.Store) error {
		audit, err := change(tx)
		if err != nil {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "branch "+b.Code, audit)
	})
	var refused *hub.CarMoveRefused
	switch f, invalid := store.IsInvalidField(err); {
	case err == nil:
		return c.Redirect(loanersPath(b.ID)+"?done="+done, fiber.StatusSeeOther)
	case invalid:
		return h.loanerRefuse(c, b, fiber.StatusBadRequest, fieldProblem(c, f))
	case errors.As(err, &refused):
		t := loanerWords(c)
		return h.loanerRefuse(c, b, fiber.StatusUnprocessableEntity, strings.NewReplacer(
			"{from}", t["state_"+refused.From], "{to}", t["state_"+refused.To]).Replace(t["move_refused"]))
	case errors.Is(err, store.ErrCarChanged):
		return h.loanerRefuse(c, b, fiber.StatusConflict, loanerWords(c)["car_changed"])
	case errors.Is(err, errCarOnLoan):
		return h.loanerRefuse(c, b, fiber.StatusConflict, loanerWords(c)["car_on_loan"])
	case errors.Is(err, store.ErrNotFound):
		return c.Status(fiber.StatusNotFound).SendString(loanerWords(c)["err_not_found"])
	default:
		return h.Internal(c, "save courtesy cars", err)
	}
}

// fieldProblem is the sentence naming a refused field and its problem.
func fieldProblem(c *fiber.Ctx, f *hub.InvalidField) string {
	t := loanerWords(c)
	label := t["f_"+f.Field]
	if label == "" {
		label = f.Field
	}
	return strings.NewReplacer("{field}", label, "{problem}", t["p_"+f.Problem]).Replace(t["refused"])
}

// loanerRefuse shows the page again with problem and status.
func (h *Handler) loanerRefuse(c *fiber.Ctx, b hub.Branch, status int, problem string) error {
	v, err := h.loanersView(c, b)
	if err != nil {
		return h.Internal(c, "courtesy cars", err)
	}
	p := h.newPage(c, v)
	p.Error = problem
	return h.Render(c, status, "loaners.html", p)
}

// carForm reads the car fields of the add and edit forms.
func carForm(c *fiber.Ctx, branchID int64) hub.CourtesyCar {
	return hub.CourtesyCar{BranchID: branchID, Plate: c.FormValue("plate"), VIN: c.FormValue("vin"),
		Model: c.FormValue("model"), Fuel: c.FormValue("fuel"), Note: c.FormValue("note")}
}

// carParam reads :car; ok false when it is not a number (then a 404 was
// written).
func carParam(c *fiber.Ctx) (int64, bool, error) {
	id, err := strconv.ParseInt(c.Params("car"), 10, 64)
	if err != nil || id <= 0 {
		return 0, false, c.Status(fiber.StatusNotFound).SendString(loanerWords(c)["err_not_found"])
	}
	return id, true, nil
}

// loanerAdd is POST /admin/branches/<id>/loaners (plate, vin, model,
// fuel, note).
func (h *Handler) loanerAdd(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	car := carForm(c, b.ID)
	return h.loanerSave(c, b, "added", func(tx *store.Store) (string, error) {
		if err := tx.AddCourtesyCar(c.UserContext(), &car); err != nil {
			return "", err
		}
		return fmt.Sprintf("loaner_added car=%d plate=%s", car.ID, car.Plate), nil
	})
}

// loanerEdit is POST …/loaners/cars/<car>: the car's fields, not its state.
func (h *Handler) loanerEdit(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	id, ok, err := carParam(c)
	if !ok {
		return err
	}
	car := carForm(c, b.ID)
	car.ID = id
	return h.loanerSave(c, b, "edited", func(tx *store.Store) (string, error) {
		if err := tx.EditCourtesyCar(c.UserContext(), car); err != nil {
			return "", err
		}
		return fmt.Sprintf("loaner_edited car=%d", id), nil
	})
}

// loanerState is POST …/loaners/cars/<car>/state (state, override): a
// move outside a loan's course needs the override tick and is audited as
// an override.
func (h *Handler) loanerState(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	id, ok, err := carParam(c)
	if !ok {
		return err
	}
	to, override := c.FormValue("state"), c.FormValue("override") == "1"
	return h.loanerSave(c, b, "state", func(tx *store.Store) (string, error) {
		if err := notOnLoan(c, tx, b.ID, id); err != nil {
			return "", err
		}
		from, err := tx.SetCarState(c.UserContext(), b.ID, id, to, override)
		if err != nil {
			return "", err
		}
		action := "loaner_state"
		if override && !hub.CarMoveAllowed(from, to) && from != to {
			action = "loaner_state_override"
		}
		return fmt.Sprintf("%s car=%d %s→%s", action, id, from, to), nil
	})
}

// errCarOnLoan refuses a move or a retirement of a car a loan holds.
var errCarOnLoan = errors.New("the car is on a loan")

// notOnLoan refuses (errCarOnLoan) to move a car an open loan holds: it
// moves with its loan, from the loan's card in the work order's thread
// (withdraw the offer, take the car back), or the loan would promise a
// car the fleet calls available or retired. A move by the page that
// races an offer meets the car's changed state (store.ErrCarChanged).
func notOnLoan(c *fiber.Ctx, tx *store.Store, branchID, carID int64) error {
	_, err := tx.OpenLoanOfCar(c.UserContext(), branchID, carID)
	switch {
	case err == nil:
		return errCarOnLoan
	case errors.Is(err, store.ErrNotFound):
		return nil
	}
	return err
}

// loanerRetire is POST …/loaners/cars/<car>/retire.
func (h *Handler) loanerRetire(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	id, ok, err := carParam(c)
	if !ok {
		return err
	}
	return h.loanerSave(c, b, "retired", func(tx *store.Store) (string, error) {
		if err := notOnLoan(c, tx, b.ID, id); err != nil {
			return "", err
		}
		if err := tx.RetireCourtesyCar(c.UserContext(), b.ID, id); err != nil {
			return "", err
		}
		return fmt.Sprintf("loaner_retired car=%d", id), nil
	})
}

// loanSettingsSave is POST …/loaners/settings (identity_method,
// photo_retention_days, car_photo_retention_days, deposit,
// deposit_currency, terms_ru|pl|en).
func (h *Handler) loanSettingsSave(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	set := hub.LoanSettings{BranchID: b.ID, IdentityMethod: c.FormValue("identity_method"), DepositCurrency: c.FormValue("deposit_currency"),
		TermsRU: c.FormValue("terms_ru"), TermsPL: c.FormValue("terms_pl"), TermsEN: c.FormValue("terms_en")}
	if set.PhotoRetentionDays, err = formInt(c, "photo_retention_days"); err == nil {
		set.DepositMinor, err = parseDeposit(c.FormValue("deposit"), set.DepositCurrency)
	}
	if err == nil {
		set.CarPhotoRetentionDays, err = h.carPhotoRetention(c, b.ID)
	}
	if f, invalid := store.IsInvalidField(err); invalid {
		return h.loanerRefuse(c, b, fiber.StatusBadRequest, fieldProblem(c, f))
	}
	return h.loanerSave(c, b, "settings", func(tx *store.Store) (string, error) {
		if err := tx.SetLoanSettings(c.UserContext(), set); err != nil {
			return "", err
		}
		return fmt.Sprintf("loan_settings_set identity=%s retention_days=%d car_photo_retention_days=%d deposit=%d %s",
			set.IdentityMethod, set.PhotoRetentionDays, set.CarPhotoRetentionDays, set.DepositMinor, strings.ToUpper(strings.TrimSpace(set.DepositCurrency))), nil
	})
}

// carPhotoRetention is the form's car_photo_retention_days: a whole
// number in range (the store checks it), or, when the field is not sent
// at all (a form opened before the field existed), what the branch has.
func (h *Handler) carPhotoRetention(c *fiber.Ctx, branchID int64) (int, error) {
	if strings.TrimSpace(c.FormValue("car_photo_retention_days")) == "" && len(c.Request().PostArgs().PeekMulti("car_photo_retention_days")) == 0 {
		cur, err := h.store.LoanSettings(c.UserContext(), branchID)
		if err != nil {
			return 0, err
		}
		return cur.CarPhotoRetentionDays, nil
	}
	n, err := formInt(c, "car_photo_retention_days")
	if err == nil && n == 0 {
		// 0 would mean "the default" to the store: here it is out of range.
		err = &hub.InvalidField{Field: "car_photo_retention_days", Problem: hub.ProblemRange}
	}
	return n, err
}
