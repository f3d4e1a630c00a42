package admin

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// The branch's booking settings, /admin/branches/<id>/booking (issue 19):
// what the customer's branch directory shows (city, address, brands), the
// booking rules (cancel hours, horizon, lead), the service catalogue, the
// capacity per kind and the holidays. Each form saves one thing, with its
// audit row, in one transaction; a refused form shows the page again with
// the problem in the admin's language and nothing stored.

// bookingView is what booking.html shows.
type bookingView struct {
	T          map[string]string
	Branch     hub.Branch
	Rules      hub.BranchBooking
	Services   []hub.Service
	Capacities []bookingCapacityRow
	Holidays   []hub.Holiday
	Kinds      []string
}

// bookingCapacityRow is one kind's capacity form; Set false when the
// branch has none for it yet.
type bookingCapacityRow struct {
	Kind                 string
	SlotMinutes, PerSlot int
	Set                  bool
}

func bookingPath(branchID int64) string { return fmt.Sprintf("/admin/branches/%d/booking", branchID) }

// registerBooking adds the booking settings' routes to the admin group.
func (h *Handler) registerBooking(admin staffpage.Group) {
	admin.Get("/admin/branches/:id/booking", h.bookingShow)
	admin.Post("/admin/branches/:id/booking", h.bookingRulesSave)
	admin.Post("/admin/branches/:id/booking/services", h.bookingServiceSave)
	admin.Post("/admin/branches/:id/booking/services/deactivate", h.bookingServiceDeactivate)
	admin.Post("/admin/branches/:id/booking/capacity", h.bookingCapacitySave)
	admin.Post("/admin/branches/:id/booking/holidays", h.bookingHolidayAdd)
	admin.Post("/admin/branches/:id/booking/holidays/remove", h.bookingHolidayRemove)
}

// bookingWords are the page's words in the staff member's language.
func bookingWords(c *fiber.Ctx) map[string]string {
	return bookingTexts[staffpage.Locale(c, bookingTexts)]
}

// bookingShow is GET /admin/branches/<id>/booking.
func (h *Handler) bookingShow(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	v, err := h.bookingView(c, b)
	if err != nil {
		return h.Internal(c, "booking settings", err)
	}
	p := h.newPage(c, v)
	if d := c.Query("done"); d != "" {
		p.Done = v.T["done_"+d]
	}
	return h.Render(c, fiber.StatusOK, "booking.html", p)
}

// bookingView loads everything the page shows.
func (h *Handler) bookingView(c *fiber.Ctx, b hub.Branch) (bookingView, error) {
	ctx := c.UserContext()
	v := bookingView{T: bookingWords(c), Branch: b, Kinds: hub.BookingKinds()}
	var err error
	if v.Rules, err = h.store.BranchBooking(ctx, b.ID); err != nil {
		return v, err
	}
	if v.Services, err = h.store.ServiceCatalogue(ctx, b.ID); err != nil {
		return v, err
	}
	if v.Holidays, err = h.store.Holidays(ctx, b.ID); err != nil {
		return v, err
	}
	caps, err := h.store.Capacities(ctx, b.ID)
	if err != nil {
		return v, err
	}
	for _, k := range hub.BookingKinds() {
		row := bookingCapacityRow{Kind: k, SlotMinutes: 60}
		for _, cp := range caps {
			if cp.Kind == k {
				row.SlotMinutes, row.PerSlot, row.Set = cp.SlotMinutes, cp.PerSlot, true
			}
		}
		v.Capacities = append(v.Capacities, row)
	}
	return v, nil
}

// formInt reads a whole number field; a wrong one is an InvalidField.
func formInt(c *fiber.Ctx, field string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(field)))
	if err != nil {
		return 0, &hub.InvalidField{Field: field, Problem: hub.ProblemRange}
	}
	return n, nil
}

// bookingSave runs change with its audit row in one transaction and
// redirects to the page with the notice done; a refused input shows the
// page again with the problem (400), anything else is a 500.
func (h *Handler) bookingSave(c *fiber.Ctx, b hub.Branch, done, audit string, change func(tx *store.Store) error) error {
	err := h.store.Tx(c.UserContext(), func(tx *store.Store) error {
		if err := change(tx); err != nil {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "branch "+b.Code, audit)
	})
	if f, ok := store.IsInvalidField(err); ok {
		return h.bookingRefuse(c, b, f)
	}
	if errors.Is(err, store.ErrNotFound) {
		return c.Status(fiber.StatusNotFound).SendString(bookingWords(c)["err_not_found"])
	}
	if err != nil {
		return h.Internal(c, "save booking settings", err)
	}
	return c.Redirect(bookingPath(b.ID)+"?done="+done, fiber.StatusSeeOther)
}

// bookingRefuse shows the page again naming the field and its problem.
func (h *Handler) bookingRefuse(c *fiber.Ctx, b hub.Branch, f *hub.InvalidField) error {
	v, err := h.bookingView(c, b)
	if err != nil {
		return h.Internal(c, "booking settings", err)
	}
	label := v.T["f_"+f.Field]
	if label == "" {
		label = f.Field
	}
	return h.refuse(c, "booking.html", v, strings.NewReplacer("{field}", label, "{problem}", v.T["p_"+f.Problem]).Replace(v.T["refused"]))
}

// bookingRulesSave is POST /admin/branches/<id>/booking: directory fields
// and rules.
func (h *Handler) bookingRulesSave(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	r := hub.BranchBooking{City: c.FormValue("city"), Address: c.FormValue("address"), Brands: []string{c.FormValue("brands")}}
	for field, dst := range map[string]*int{"cancel_hours": &r.CancelHours, "horizon_days": &r.HorizonDays, "lead_minutes": &r.LeadMinutes} {
		if *dst, err = formInt(c, field); err != nil {
			return h.bookingRefuse(c, b, err.(*hub.InvalidField))
		}
	}
	return h.bookingSave(c, b, "rules", "booking_rules_set", func(tx *store.Store) error {
		return tx.SetBranchBooking(c.UserContext(), b.ID, r)
	})
}

// bookingServiceSave is POST /admin/branches/<id>/booking/services: a
// service added, or changed by its code.
func (h *Handler) bookingServiceSave(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	svc := hub.Service{BranchID: b.ID, Code: c.FormValue("code"), Kind: c.FormValue("kind"),
		NameRU: c.FormValue("name_ru"), NamePL: c.FormValue("name_pl"), NameEN: c.FormValue("name_en")}
	if svc.Minutes, err = formInt(c, "minutes"); err != nil {
		return h.bookingRefuse(c, b, err.(*hub.InvalidField))
	}
	if strings.TrimSpace(c.FormValue("position")) != "" {
		if svc.Position, err = formInt(c, "position"); err != nil {
			return h.bookingRefuse(c, b, err.(*hub.InvalidField))
		}
	}
	return h.bookingSave(c, b, "service", "booking_service_saved code="+strings.TrimSpace(svc.Code), func(tx *store.Store) error {
		return tx.SaveService(c.UserContext(), &svc)
	})
}

// bookingServiceDeactivate is POST …/booking/services/deactivate (code).
func (h *Handler) bookingServiceDeactivate(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	code := c.FormValue("code")
	return h.bookingSave(c, b, "deactivated", "booking_service_deactivated code="+code, func(tx *store.Store) error {
		return tx.DeactivateService(c.UserContext(), b.ID, code)
	})
}

// bookingCapacitySave is POST …/booking/capacity (kind, slot_minutes,
// per_slot).
func (h *Handler) bookingCapacitySave(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	kind := c.FormValue("kind")
	var minutes, per int
	if minutes, err = formInt(c, "slot_minutes"); err == nil {
		per, err = formInt(c, "per_slot")
	}
	if err != nil {
		return h.bookingRefuse(c, b, err.(*hub.InvalidField))
	}
	return h.bookingSave(c, b, "capacity", fmt.Sprintf("booking_capacity_set kind=%s slot=%d per_slot=%d", kind, minutes, per),
		func(tx *store.Store) error { return tx.SetCapacity(c.UserContext(), b.ID, kind, minutes, per) })
}

// bookingHolidayAdd is POST …/booking/holidays (day, name).
func (h *Handler) bookingHolidayAdd(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	day := strings.TrimSpace(c.FormValue("day"))
	return h.bookingSave(c, b, "holiday", "booking_holiday_added day="+day, func(tx *store.Store) error {
		return tx.AddHoliday(c.UserContext(), b.ID, day, c.FormValue("name"))
	})
}

// bookingHolidayRemove is POST …/booking/holidays/remove (day).
func (h *Handler) bookingHolidayRemove(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	day := strings.TrimSpace(c.FormValue("day"))
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return h.bookingRefuse(c, b, &hub.InvalidField{Field: "day", Problem: hub.ProblemFormat})
	}
	return h.bookingSave(c, b, "holiday_removed", "booking_holiday_removed day="+day, func(tx *store.Store) error {
		return tx.RemoveHoliday(c.UserContext(), b.ID, day)
	})
}
