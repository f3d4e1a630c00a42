package panel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/lockerwire"
)

// offlineAfter is how long without a sync before the panel warns: the
// kiosk syncs every few seconds, so a minute means it is down or cut off.
const offlineAfter = time.Minute

// eventLogSize is how many events of each locker the page shows.
const eventLogSize = 100

// sitePanel is one locker as the page shows it.
type sitePanel struct {
	ID       int64
	Name     string
	Branch   string
	LastSync string // in the branch's zone; "" when never
	Offline  bool   // no sync for over offlineAfter, or never
	Boxes    []boxRow
	Alarms   []alarmRow
	Events   []eventRow
}

// boxRow is one compartment.
type boxRow struct {
	ID                       int64
	Label, Size, State, Word string
	Held                     string // "3 h 12 min" while not free
	Order                    *orderLink
}

// alarmRow is one open alarm.
type alarmRow struct {
	ID                int64
	Box, Kind, Raised string
}

// eventRow is one line of the event log.
type eventRow struct {
	Time, Box, Kind, Detail, Actor string
	Order                          *orderLink
}

// orderLink is a work order number linking to its thread in the inbox
// (URL is "" when the work order has no thread).
type orderLink struct{ Number, URL string }

// view is what lockers.html gets.
type view struct {
	Frame    staffpage.Frame
	T        map[string]string
	CSRF     string
	Admin    bool // sees the remote-open forms
	Sites    []sitePanel
	Done     string
	Error    string
	ErrorBox int64 // the compartment whose form was refused
	Reason   string
}

// show is GET /lockers.
func (h *Handler) show(c *fiber.Ctx) error {
	v, err := h.view(c)
	if err != nil {
		return h.Internal(c, "show lockers", err)
	}
	switch c.Query("done") {
	case "open":
		v.Done = v.T["done_open"]
	case "cleared":
		v.Done = v.T["done_cleared"]
	}
	return h.Render(c, fiber.StatusOK, "lockers.html", v)
}

// view loads every locker of the signed-in user's branches.
func (h *Handler) view(c *fiber.Ctx) (view, error) {
	s, _ := staff.Current(c)
	locale := staffpage.Locale(c, texts)
	t := texts[locale]
	v := view{Frame: h.Frame(c, locale, t["title"]), T: t, CSRF: s.CSRF, Admin: s.User.Role == store.RoleAdmin}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	sites, err := h.store.LockerSites(ctx, s.BranchIDs)
	if err != nil {
		return v, err
	}
	l := loader{store: h.store, t: t, now: h.Now(), branches: map[int64]hub.Branch{}, orders: map[int64]*orderLink{}, loans: map[int64]*orderLink{}}
	for _, site := range sites {
		p, err := l.site(ctx, site)
		if err != nil {
			return v, err
		}
		v.Sites = append(v.Sites, p)
	}
	return v, nil
}

// loader builds the panels of one page, remembering the branches and work
// orders it has already looked up.
type loader struct {
	store    *store.Store
	t        map[string]string
	now      time.Time
	branches map[int64]hub.Branch
	orders   map[int64]*orderLink
	loans    map[int64]*orderLink
}

func (l *loader) site(ctx context.Context, site hub.LockerSite) (sitePanel, error) {
	b, ok := l.branches[site.BranchID]
	if !ok {
		var err error
		if b, err = l.store.Branch(ctx, site.BranchID); err != nil {
			return sitePanel{}, err
		}
		l.branches[b.ID] = b
	}
	zone := b.Location()
	p := sitePanel{ID: site.ID, Name: site.Name, Branch: b.Code, Offline: true}
	if site.LastSyncAt != nil {
		p.LastSync = site.LastSyncAt.In(zone).Format("02.01.2006 15:04:05")
		p.Offline = l.now.Sub(*site.LastSyncAt) > offlineAfter
	}
	comps, err := l.store.LockerCompartments(ctx, site.ID)
	if err != nil {
		return p, err
	}
	labels := make(map[int64]string, len(comps))
	for _, c := range comps {
		labels[c.ID] = c.Label
		row := boxRow{ID: c.ID, Label: c.Label, Size: c.Size, State: c.State, Word: word(l.t, "s_"+c.State, c.State)}
		if c.State != lockerwire.StateFree {
			row.Held = l.held(l.now.Sub(c.StateSince))
		}
		if row.Order, err = l.order(ctx, c.WorkOrderID, c.LoanID); err != nil {
			return p, err
		}
		p.Boxes = append(p.Boxes, row)
	}
	alarms, err := l.store.LockerAlarms(ctx, []int64{site.ID}, true)
	if err != nil {
		return p, err
	}
	for _, a := range alarms {
		p.Alarms = append(p.Alarms, alarmRow{ID: a.ID, Box: label(labels, a.CompartmentID), Kind: word(l.t, "k_"+a.Kind, a.Kind),
			Raised: a.RaisedAt.In(zone).Format("02.01 15:04:05")})
	}
	events, err := l.store.LockerEvents(ctx, []int64{site.ID}, eventLogSize)
	if err != nil {
		return p, err
	}
	for _, e := range events {
		row := eventRow{Time: e.OccurredAt.In(zone).Format("02.01 15:04:05"), Box: label(labels, e.CompartmentID),
			Kind: word(l.t, "k_"+e.Kind, e.Kind), Detail: e.Detail, Actor: l.actor(e.Actor)}
		if row.Order, err = l.order(ctx, e.WorkOrderID, e.LoanID); err != nil {
			return p, err
		}
		p.Events = append(p.Events, row)
	}
	return p, nil
}

// order links a work order to its thread, or a courtesy car's loan (whose
// key the box holds) to the loan's thread; nil for neither.
func (l *loader) order(ctx context.Context, id, loanID *int64) (*orderLink, error) {
	if id == nil && loanID != nil {
		return l.loan(ctx, *loanID)
	}
	if id == nil {
		return nil, nil
	}
	if o, ok := l.orders[*id]; ok {
		return o, nil
	}
	wo, err := l.store.WorkOrder(ctx, *id)
	if err != nil {
		return nil, err
	}
	o := &orderLink{Number: wo.Number}
	th, err := l.store.ThreadByWorkOrder(ctx, wo.ID)
	switch {
	case err == nil:
		o.URL = fmt.Sprintf("/inbox/threads/%d", th.ID)
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	l.orders[*id] = o
	return o, nil
}

// loan names a courtesy car's loan by its car ("Courtesy car WA 12345"),
// linked to the loan's thread.
func (l *loader) loan(ctx context.Context, id int64) (*orderLink, error) {
	if o, ok := l.loans[id]; ok {
		return o, nil
	}
	ln, err := l.store.Loan(ctx, id)
	if err != nil {
		return nil, err
	}
	car, err := l.store.CourtesyCar(ctx, ln.BranchID, ln.CarID)
	if err != nil {
		return nil, err
	}
	o := &orderLink{Number: l.t["courtesy_car"] + " " + car.Plate, URL: fmt.Sprintf("/inbox/threads/%d", ln.ThreadID)}
	l.loans[id] = o
	return o, nil
}

// held says how long a box has been in its state: "12 min", "3 h 12 min".
func (l *loader) held(d time.Duration) string {
	minutes := int(max(d, 0) / time.Minute)
	if minutes < 60 {
		return fmt.Sprintf("%d %s", minutes, l.t["min"])
	}
	return fmt.Sprintf("%d %s %d %s", minutes/60, l.t["h"], minutes%60, l.t["min"])
}

// actor puts the kiosk's "customer" and "kiosk" into words; staff actors
// ("staff:anna", "admin:boss") show as they are, naming the login.
func (l *loader) actor(a string) string {
	if strings.Contains(a, ":") {
		return a
	}
	return word(l.t, "a_"+a, a)
}

func label(labels map[int64]string, id *int64) string {
	if id == nil {
		return ""
	}
	return labels[*id]
}
