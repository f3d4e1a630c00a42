package inbox

import (
	"context"
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

// listPane is the thread list: the whole /inbox page on a phone, the left
// pane of /inbox and of every thread page at desktop width.
type listPane struct {
	T       map[string]string
	Rows    []row
	Filters []filterLink
	Filter  string
	Search  string
	Next    string // the next page, "" on the last
	Paged   bool   // not the first page: offer a way back to it
	First   string
	Alerts  []string
	Current int64  // the thread open beside the list; 0 on /inbox
	Query   string // "?f=…&q=…" carried by each row's link, so the list stays as it was
	// SearchShort: the query is too short to search, so the list is whole;
	// the page says why.
	SearchShort bool
}

// loadListPane reads the list as the request asks (?f, ?q, ?before) with
// each filter's count; current marks the open thread.
func (h *Handler) loadListPane(ctx context.Context, c *fiber.Ctx, s staff.Staff, locale string, current int64) (listPane, error) {
	t := texts[locale]
	filter, search := c.Query("f"), strings.TrimSpace(c.Query("q"))
	if !slices.Contains(store.InboxFilters, filter) {
		filter = store.FilterActive
	}
	p := listPane{T: t, Filter: filter, Search: search, Current: current, Paged: c.Query("before") != "", First: listURL(filter, search, ""),
		SearchShort: store.SearchTooShort(search)}
	if q := strings.TrimPrefix(listURL(filter, search, ""), "/inbox"); q != "" {
		p.Query = q
	}
	threads, err := h.store.InboxThreads(ctx, store.InboxQuery{
		UserID: s.User.ID, BranchIDs: s.BranchIDs, Filter: filter, Search: search,
		Before: parseCursor(c.Query("before")), Limit: pageSize,
	})
	if err != nil {
		return p, err
	}
	counts, err := h.store.InboxCounts(ctx, s.User.ID, s.BranchIDs)
	if err != nil {
		return p, err
	}
	_, zones, hours, err := h.branches(ctx, s.BranchIDs)
	if err != nil {
		return p, err
	}
	if p.Alerts, err = h.whatsAppAlerts(ctx, s.BranchIDs, t, zones); err != nil {
		return p, err
	}
	now := h.Now()
	p.Rows = make([]row, len(threads))
	for i, th := range threads {
		r := badge(th, now, t, hours[th.BranchID], zones[th.BranchID])
		r.At = listTime(locale, th.LastActivityAt.In(zones[th.BranchID]), now.In(zones[th.BranchID]))
		r.Status = t["s_"+th.WorkOrderStatus]
		r.PhoneText = hub.DisplayPhone(th.Phone)
		r.Mine = th.Following || (th.AssigneeID != nil && *th.AssigneeID == s.User.ID)
		r.SLA = newSLABadge(th, now, locale)
		r.LastMessage = th.LastText(locale)
		p.Rows[i] = r
	}
	if len(threads) == pageSize {
		p.Next = listURL(filter, search, formatCursor(threads[len(threads)-1].Cursor()))
	}
	p.Filters = make([]filterLink, len(store.InboxFilters))
	for i, f := range store.InboxFilters {
		p.Filters[i] = filterLink{Label: t["f_"+f], URL: listURL(f, search, ""), Active: f == filter, Count: strconv.Itoa(counts[f])}
	}
	return p, nil
}

// listTime is a row's last activity: the time alone today, else the date
// and time as the viewer's locale writes them.
func listTime(locale string, at, now time.Time) string {
	if y, m, d := at.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return at.Format("15:04")
	}
	return templates.DateTime(locale, at)
}
