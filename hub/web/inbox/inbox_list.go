package inbox

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

const pageSize = 50

// row is one thread as the list shows it.
type row struct {
	store.InboxThread
	Waiting string // "7 min" while a customer message is unanswered
	Late    bool   // waiting longer than the branch's first-response target
	At      string // last activity in the branch's time zone
	Status  string // the work order's status in the viewer's language
}

// filterLink is one filter tab.
type filterLink struct {
	Label, URL string
	Active     bool
}

// list is GET /inbox?f=<filter>&q=<search>&before=<cursor>.
func (h *Handler) list(c *fiber.Ctx) error {
	s, _ := staff.Current(c)
	filter, search := c.Query("f"), strings.TrimSpace(c.Query("q"))
	if !slices.Contains(store.InboxFilters, filter) {
		filter = store.FilterActive
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	threads, err := h.store.InboxThreads(ctx, store.InboxQuery{
		UserID: s.User.ID, BranchIDs: s.BranchIDs, Filter: filter, Search: search,
		Before: parseCursor(c.Query("before")), Limit: pageSize,
	})
	if err != nil {
		return h.Internal(c, "list threads", err)
	}
	codes, zones, hours, err := h.branches(ctx, s.BranchIDs)
	if err != nil {
		return h.Internal(c, "load branches", err)
	}
	locale := staffpage.Locale(c, texts)
	t := texts[locale]
	alerts, err := h.whatsAppAlerts(ctx, s.BranchIDs, t, zones)
	if err != nil {
		return h.Internal(c, "whatsapp accounts", err)
	}
	now := h.Now()
	rows := make([]row, len(threads))
	for i, th := range threads {
		rows[i] = badge(th, now, t, hours[th.BranchID], zones[th.BranchID])
		rows[i].At = th.LastActivityAt.In(zones[th.BranchID]).Format("02.01 15:04")
		rows[i].Status = t["s_"+th.WorkOrderStatus]
	}
	next := ""
	if len(threads) == pageSize {
		next = listURL(filter, search, formatCursor(threads[len(threads)-1].Cursor()))
	}
	filters := make([]filterLink, len(store.InboxFilters))
	for i, f := range store.InboxFilters {
		filters[i] = filterLink{Label: t["f_"+f], URL: listURL(f, search, ""), Active: f == filter}
	}
	frame := h.Frame(c, locale, t["inbox"])
	frame.Scripts, frame.Events, frame.Branches = []string{"inbox.js"}, eventsURL(c), strings.Join(codes, ", ")
	return h.Render(c, fiber.StatusOK, "inbox.html", map[string]any{
		"Frame": frame, "T": t, "CSRF": s.CSRF, "Rows": rows, "Filters": filters, "Filter": filter, "Search": search,
		"Next": next, "Paged": c.Query("before") != "", "First": listURL(filter, search, ""), "Alerts": alerts,
		"SearchShort": store.SearchTooShort(search), // the list is whole: say why
	})
}

// badge works out the first-response badge of a thread.
//
// NOTE (business hours): the wait counts only the branch's opening hours
// (hub.Hours.Elapsed in the branch's zone), so a message that arrived after
// closing starts the clock at the next opening. hours is nil when the
// branch's free-text WorkingHours could not be parsed (hub.ParseHours); the
// wait is then counted in wall-clock time. Empty WorkingHours means 24/7.
func badge(th store.InboxThread, now time.Time, t map[string]string, hours *hub.Hours, loc *time.Location) row {
	r := row{InboxThread: th}
	if th.AwaitingSince == nil {
		return r
	}
	wait := max(now.Sub(*th.AwaitingSince), 0)
	if hours != nil {
		wait = hours.Elapsed(*th.AwaitingSince, now, loc)
	}
	target := time.Duration(th.FirstResponseMinutes) * time.Minute
	if target <= 0 {
		target = 5 * time.Minute
	}
	r.Late = wait > target
	minutes := int(wait / time.Minute)
	if minutes < 60 {
		r.Waiting = fmt.Sprintf("%d %s", minutes, t["min"])
	} else {
		r.Waiting = fmt.Sprintf("%d %s %d %s", minutes/60, t["h"], minutes%60, t["min"])
	}
	return r
}

// branches loads the codes, time zones and opening hours of the user's
// branches; a branch whose WorkingHours do not parse has no entry in hours
// (its badge falls back to wall-clock time).
func (h *Handler) branches(ctx context.Context, ids []int64) ([]string, map[int64]*time.Location, map[int64]*hub.Hours, error) {
	codes := make([]string, 0, len(ids))
	zones := make(map[int64]*time.Location, len(ids))
	hours := make(map[int64]*hub.Hours, len(ids))
	for _, id := range ids {
		b, err := h.store.Branch(ctx, id)
		if err != nil {
			return nil, nil, nil, err
		}
		codes, zones[id] = append(codes, b.Code), b.Location()
		if hh, err := hub.ParseHours(b.WorkingHours); err == nil {
			hours[id] = &hh
		}
	}
	return codes, zones, hours, nil
}

func listURL(filter, search, before string) string {
	v := url.Values{}
	if filter != "" {
		v.Set("f", filter)
	}
	if search != "" {
		v.Set("q", search)
	}
	if before != "" {
		v.Set("before", before)
	}
	if len(v) == 0 {
		return "/inbox"
	}
	return "/inbox?" + v.Encode()
}

// formatCursor writes a cursor as "<unix microseconds>.<thread id>".
func formatCursor(c store.InboxCursor) string {
	return strconv.FormatInt(c.At.UnixMicro(), 10) + "." + strconv.FormatInt(c.ID, 10)
}

// parseCursor reads formatCursor's output; anything else is the first page.
func parseCursor(s string) *store.InboxCursor {
	at, id, ok := strings.Cut(s, ".")
	if !ok {
		return nil
	}
	micros, err1 := strconv.ParseInt(at, 10, 64)
	threadID, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil {
		return nil
	}
	return &store.InboxCursor{At: time.UnixMicro(micros).UTC(), ID: threadID}
}
