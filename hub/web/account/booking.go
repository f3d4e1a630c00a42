package account

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// Booking a visit: the wizard (GET /account/book, one step a page, see
// booking_choice.go), the booking itself (POST /account/book) and the
// visitor's bookings (booking_list.go).

const (
	bookPath     = "/account/book"
	bookingsPath = "/account/bookings"
)

// maxNote bounds the free-text note as the store does, so a long one is
// refused on the services step rather than after the slot was chosen.
const maxNote = 1000

// requestTimeout bounds the store work of one booking page.
const requestTimeout = 10 * time.Second

// registerDirectory adds the public branch directory. Register calls it
// before it adds the sign-in guard (see there).
func (h *Handler) registerDirectory(public fiber.Router) {
	public.Get("/branches", h.branchesPage)
}

// registerBooking adds booking, behind the guard. Its public route (the
// directory) is added by registerDirectory, before the guard exists.
func (h *Handler) registerBooking(in fiber.Router) {
	in.Get("/book", h.bookPage)
	in.Post("/book", h.bookSubmit)
	in.Get("/bookings", h.bookingsPage)
	in.Get("/bookings/:id", h.bookingPage)
	in.Post("/bookings/:id/cancel", h.bookingCancel)
	in.Get("/bookings/:id/move", h.bookingMovePage)
	in.Post("/bookings/:id/move", h.bookingMove)
}

// wizard is the data of booking.html: the step shown and what is known.
type wizard struct {
	Step    string
	Error   string // in the visitor's language; "" when none
	Choice  bookingChoice
	Hidden  []formField // the earlier steps' answers, carried by this step's form
	Summary []summaryRow

	Branches []directoryCard // step branch
	Branch   hub.DirectoryBranch
	Cars     []garageCar // step vehicle
	Options  []serviceOption
	Calendar calendarView // step slot

	Kind       string
	CarText    string
	RequestKey string // step confirm
}

// formField is one hidden field.
type formField struct{ Name, Value string }

// summaryRow is one answered step above the current one, with a link back.
type summaryRow struct{ Label, Value, ChangeURL string }

// serviceOption is one catalogue entry on the services step.
type serviceOption struct {
	Code, Name, KindText string
	Minutes              int
	Checked              bool
}

// wizardRun is one resolution of the visitor's answers: what they name,
// and the first step still to answer.
type wizardRun struct {
	h       *Handler
	ctx     context.Context
	v       visitor
	choice  bookingChoice
	w       wizard
	step    int
	status  int
	car     *garageCar
	chosen  []hub.Service
	start   time.Time
	options []hub.Service
}

// resolve reads the answers in order and stops at the first step that
// is missing or wrong (then w.Error says why and status is 422). With
// checkFree the chosen slot must be free now (the GET confirm page); the
// POST leaves that to the store, which decides under its lock.
func (h *Handler) resolve(ctx context.Context, v visitor, c bookingChoice, checkFree bool) (*wizardRun, error) {
	r := &wizardRun{h: h, ctx: ctx, v: v, choice: c, status: fiber.StatusOK}
	r.w.Choice = c
	dir, err := h.store.BranchDirectory(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(dir, func(b hub.DirectoryBranch) bool { return b.Code == c.BranchCode && len(b.Kinds) > 0 })
	if i < 0 {
		r.step = stepBranch
		for _, b := range dir {
			if len(b.Kinds) > 0 {
				r.w.Branches = append(r.w.Branches, h.directoryCard(v.Locale, b))
			}
		}
		return r, nil
	}
	r.w.Branch = dir[i]
	cars, err := h.garageCars(ctx, v.Phones)
	if err != nil {
		return nil, err
	}
	r.w.Cars = cars
	if id := c.vehicleID(); id > 0 {
		if j := carOf(cars, id); j >= 0 {
			r.car = &cars[j]
			r.w.CarText = cars[j].Title()
		}
	}
	if r.car == nil {
		if c.Vehicle != otherCar {
			// A car not in the visitor's garage (an old reminder link, a
			// guessed id) is ignored: they choose again.
			r.choice.Vehicle, r.w.Choice.Vehicle = "", ""
			r.step = stepVehicle
			return r, nil
		}
		if p := c.carProblem(); p != "" {
			r.fail(stepVehicle, p)
			return r, nil
		}
		r.w.CarText = c.carText()
	}
	catalogue, err := h.store.ServiceCatalogue(ctx, r.w.Branch.ID)
	if err != nil {
		return nil, err
	}
	for _, s := range catalogue {
		if s.Active && slices.Contains(r.w.Branch.Kinds, s.Kind) {
			r.options = append(r.options, s)
		}
	}
	if !c.ServicesDone {
		r.step = stepServices
		return r, nil
	}
	for _, code := range c.Services {
		j := slices.IndexFunc(r.options, func(s hub.Service) bool { return s.Code == code })
		if j < 0 {
			r.fail(stepServices, "bk_err_unknown_service")
			return r, nil
		}
		r.chosen = append(r.chosen, r.options[j])
	}
	switch {
	case len(r.chosen) == 0 && c.Note == "":
		r.fail(stepServices, "bk_err_services")
		return r, nil
	case utf8.RuneCountInString(c.Note) > maxNote:
		r.fail(stepServices, "bk_err_too_long")
		return r, nil
	}
	r.w.Kind = bookingKind(r.chosen, r.w.Branch.Kinds)
	start, ok := c.slotStart(h.zones.Of(r.w.Branch.Branch))
	if !ok {
		r.step = stepSlot
		if c.At != "" {
			r.fail(stepSlot, "bk_err_slot")
		}
		return r, nil
	}
	r.start = start
	if checkFree {
		slots, err := h.store.FreeSlots(ctx, r.w.Branch.ID, r.w.Kind, start, h.now())
		if err != nil && !errors.Is(err, store.ErrNoCapacity) {
			return nil, err
		}
		switch i := slices.IndexFunc(slots, func(s hub.Slot) bool { return s.Start.Equal(start) }); {
		case i < 0: // not a bookable slot (any more): past, day off, outside hours
			r.fail(stepSlot, "bk_err_slot")
			return r, nil
		case slots[i].Free <= 0:
			r.fail(stepSlot, "bk_err_full")
			return r, nil
		}
	}
	r.step = stepConfirm
	return r, nil
}

// fail stops the run at step with the message of key (a 422).
func (r *wizardRun) fail(step int, key string) {
	r.step, r.status, r.w.Error = step, fiber.StatusUnprocessableEntity, r.h.t(r.v.Locale, key)
	if step <= stepSlot {
		r.choice.At, r.w.Choice.At = "", ""
	}
}

// page fills in what the run's step shows and renders it.
func (r *wizardRun) page(c *fiber.Ctx) error {
	h, l := r.h, r.v.Locale
	r.w.Step = stepNames[r.step]
	carried := r.choice.values(r.step)
	for _, name := range sortedKeys(carried) {
		for _, val := range carried[name] {
			r.w.Hidden = append(r.w.Hidden, formField{name, val})
		}
	}
	r.w.Summary = r.summary()
	switch r.step {
	case stepServices:
		for _, s := range r.options {
			r.w.Options = append(r.w.Options, serviceOption{Code: s.Code, Name: s.Name(l), KindText: h.t(l, "bk_kind_"+s.Kind),
				Minutes: s.Minutes, Checked: slices.Contains(r.choice.Services, s.Code)})
		}
	case stepSlot:
		ch := r.choice
		month, day := c.Query(fMonth), c.Query(fDay)
		if month == "" && day == "" && !r.start.IsZero() {
			day = r.start.Format(time.DateOnly) // a refused time: show the rest of its day
		}
		cal, err := h.calendar(r.ctx, l, r.w.Branch, r.w.Kind, month, day, time.Time{}, calendarLinks{
			day:  func(month, day string) string { return ch.link(stepSlot, fMonth, month, fDay, day) },
			time: func(at string) string { return ch.link(stepSlot, fAt, at) },
		})
		if errors.Is(err, store.ErrNoCapacity) {
			r.status, r.w.Error = fiber.StatusUnprocessableEntity, h.t(l, "bk_err_no_capacity")
		} else if err != nil {
			return h.internal(c, "booking calendar", err)
		}
		r.w.Calendar = cal
	case stepConfirm:
		key, err := hub.NewToken()
		if err != nil {
			return h.internal(c, "booking request key", err)
		}
		r.w.RequestKey = key
	}
	return h.render(c, r.status, "booking.html", l, "bk_title", r.w)
}

// summary lists the answered steps before the current one.
func (r *wizardRun) summary() []summaryRow {
	h, l := r.h, r.v.Locale
	var rows []summaryRow
	if r.step > stepBranch {
		b := r.w.Branch
		rows = append(rows, summaryRow{h.t(l, "bk_branch"), joinNonEmpty(", ", b.Name, b.City), r.choice.link(stepBranch)})
	}
	if r.step > stepVehicle {
		rows = append(rows, summaryRow{h.t(l, "bk_vehicle"), r.w.CarText, r.choice.link(stepVehicle)})
	}
	if r.step > stepServices {
		names := make([]string, 0, len(r.chosen))
		for _, s := range r.chosen {
			names = append(names, s.Name(l))
		}
		rows = append(rows, summaryRow{h.t(l, "bk_services"), joinNonEmpty(", ", names...), r.choice.link(stepServices)})
		if r.choice.Note != "" {
			rows = append(rows, summaryRow{h.t(l, "bk_comment"), r.choice.Note, r.choice.link(stepServices)})
		}
	}
	if r.step > stepSlot {
		rows = append(rows, summaryRow{h.t(l, "bk_when"), h.when(l, r.start), r.choice.link(stepSlot)})
	}
	return rows
}

// bookPage serves GET /account/book: the first step not yet answered.
func (h *Handler) bookPage(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	v := h.current(c)
	choice := readChoice(func(f string) []string { return byteStrings(c.Context().QueryArgs().PeekMulti(f)) })
	r, err := h.resolve(ctx, v, choice, true)
	if err != nil {
		return h.internal(c, "booking step", err)
	}
	return r.page(c)
}

// bookSubmit serves POST /account/book: the confirm step's form makes the
// booking, or the step it went wrong at is shown again with why (422,
// nothing stored). The same request_key again gives the same booking.
func (h *Handler) bookSubmit(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	v := h.current(c)
	choice := readChoice(func(f string) []string { return byteStrings(c.Context().PostArgs().PeekMulti(f)) })
	r, err := h.resolve(ctx, v, choice, false)
	if err != nil {
		return h.internal(c, "booking submit", err)
	}
	if r.step != stepConfirm {
		if r.w.Error == "" {
			r.status, r.w.Error = fiber.StatusUnprocessableEntity, h.t(v.Locale, "bk_err_stale")
		}
		return r.page(c)
	}
	req := store.BookingRequest{AccountID: v.Account.ID, Phone: bookingPhone(v), BranchID: r.w.Branch.ID,
		VehicleText: r.w.CarText, Kind: r.w.Kind, Services: choice.Services, Note: choice.Note, StartsAt: r.start,
		Locale: v.Locale, RequestKey: c.FormValue(fKey)}
	if r.car != nil {
		req.VehicleID = &r.car.ID
	}
	b, err := h.store.CreateBooking(ctx, req, h.now())
	if err == nil {
		return c.Redirect(bookingsPath+"/"+strconv.FormatInt(b.ID, 10)+"?done=created", fiber.StatusSeeOther)
	}
	step, key := bookingProblem(err)
	if key == "" {
		return h.internal(c, "create booking", err)
	}
	r.fail(step, key)
	return r.page(c)
}

// bookingPhone is the number the customer is told on: their first
// verified number (the one they signed up with).
func bookingPhone(v visitor) string {
	if len(v.Phones) > 0 {
		return v.Phones[0]
	}
	return ""
}

// bookingProblem maps the store's refusal of a booking (or of a change to
// one) to the step to show again and the text key saying why; key "" is
// an internal error.
func bookingProblem(err error) (step int, key string) {
	switch {
	case errors.Is(err, store.ErrSlotFull):
		return stepSlot, "bk_err_full"
	case errors.Is(err, store.ErrBookingPast):
		return stepSlot, "bk_err_past"
	case errors.Is(err, store.ErrBookingTooSoon):
		return stepSlot, "bk_err_too_soon"
	case errors.Is(err, store.ErrBookingTooFar):
		return stepSlot, "bk_err_too_far"
	case errors.Is(err, store.ErrBookingHoliday):
		return stepSlot, "bk_err_holiday"
	case errors.Is(err, store.ErrBookingOutsideHours):
		return stepSlot, "bk_err_outside_hours"
	case errors.Is(err, store.ErrNoCapacity):
		return stepServices, "bk_err_no_capacity"
	case errors.Is(err, store.ErrUnknownService):
		return stepServices, "bk_err_unknown_service"
	case errors.Is(err, store.ErrTooLateToChange):
		return stepSlot, "bk_too_late"
	case errors.Is(err, store.ErrBookingClosed):
		return stepSlot, "bk_err_closed"
	case errors.Is(err, store.ErrBookingKeyReused):
		return stepConfirm, "bk_err_stale"
	}
	if f, ok := store.IsInvalidField(err); ok {
		switch f.Field {
		case "vehicle":
			return stepVehicle, "bk_err_too_long"
		case "services", "note":
			if f.Problem == hub.ProblemTooLong {
				return stepServices, "bk_err_too_long"
			}
			return stepServices, "bk_err_services"
		case "starts_at":
			return stepSlot, "bk_err_slot"
		}
		return stepConfirm, "bk_err_stale"
	}
	return 0, ""
}

// when is a slot start on the branch's clock (t carries the zone), with
// the weekday.
func (h *Handler) when(locale string, t time.Time) string {
	return h.t(locale, "bk_wd_"+strconv.Itoa((int(t.Weekday())+6)%7+1)) + ", " + templates.DateTime(locale, t)
}

// byteStrings copies fasthttp's values.
func byteStrings(in [][]byte) []string {
	out := make([]string, len(in))
	for i, b := range in {
		out[i] = string(b)
	}
	return out
}

// sortedKeys are a form's field names in a stable order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// joinNonEmpty joins the parts that are not empty.
func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}
