package inbox

import (
	"cmp"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// The mechanic page: a phone-friendly search for an open work order of the
// user's branches by number or plate, and per order a form that puts photos
// or a short video into the order's thread as an internal message. An
// advisor then forwards it to the customer from the thread page.

// mechanicPage is what /mechanic and /mechanic/orders/<id> show.
type mechanicPage struct {
	Frame     staffpage.Frame
	CSRF      string
	T         map[string]string
	Query     string
	Orders    []mechanicRow
	Order     *orderCard // the chosen order, on /mechanic/orders/<id>
	URL       string     // /mechanic/orders/<id>
	ThreadURL string     // the advisors' thread page (not for mechanics)
	Error, OK string
}

type mechanicRow struct {
	URL, Number, Status, Vehicle string
}

func mechanicURL(threadID int64) string { return fmt.Sprintf("/mechanic/orders/%d", threadID) }

// mechanicSearch is GET /mechanic?q=: open work orders matching q.
func (h *Handler) mechanicSearch(c *fiber.Ctx) error {
	s, _ := staff.Current(c)
	locale := staffpage.Locale(c, texts)
	t := texts[locale]
	p := mechanicPage{Frame: h.Frame(c, locale, t["mechanic"]), T: t, CSRF: s.CSRF, Query: c.Query("q")}
	// The QR code on the job card holds the number exactly: its inspection
	// at once, looked up by itself (a prefix search lists newer ЗН-1x first).
	if o, ok, err := h.store.MechanicOrderByNumber(c.UserContext(), s.BranchIDs, p.Query); err != nil {
		return h.Internal(c, "mechanic order by number", err)
	} else if ok {
		return c.Redirect(inspectionURL(o.ThreadID), fiber.StatusSeeOther)
	}
	orders, err := h.store.MechanicOrders(c.UserContext(), s.BranchIDs, p.Query, 30)
	if err != nil {
		return h.Internal(c, "mechanic orders", err)
	}
	for _, o := range orders {
		v := hub.Vehicle{Make: o.Make, Model: o.Model, Plate: o.Plate}
		p.Orders = append(p.Orders, mechanicRow{URL: mechanicURL(o.ThreadID), Number: o.Number,
			Status: cmp.Or(t["s_"+o.Status], o.Status), Vehicle: v.Title()})
	}
	return h.Render(c, fiber.StatusOK, "mechanic.html", p)
}

// mechanicOrder is GET /mechanic/orders/<thread id>: the order and the
// upload form. A thread without a work order is not the mechanic's.
func (h *Handler) mechanicOrder(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	if th.WorkOrderID == nil {
		return notFound(c)
	}
	ctx := c.UserContext()
	locale := staffpage.Locale(c, texts)
	t := texts[locale]
	branch, err := h.store.Branch(ctx, th.BranchID)
	if err != nil {
		return h.Internal(c, "load branch", err)
	}
	card, err := h.orderCard(ctx, *th.WorkOrderID, locale, branch.Location())
	if err != nil {
		return h.Internal(c, "load work order", err)
	}
	p := mechanicPage{Frame: h.Frame(c, locale, card.Number+" · "+t["mechanic"]), T: t, CSRF: s.CSRF, Order: &card,
		URL: mechanicURL(th.ID), Error: t["err_"+c.Query("err")]}
	if c.Query("ok") != "" {
		p.OK = t["m_uploaded"]
	}
	p.Frame.Back = &staffpage.Link{URL: "/mechanic", Label: t["m_all"]}
	if s.User.Role != store.RoleMechanic {
		p.ThreadURL = threadURL(th.ID)
	}
	return h.Render(c, fiber.StatusOK, "mechanic_order.html", p)
}
