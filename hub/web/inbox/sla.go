package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// SLAPath is the breach list: running SLA clocks of the user's branches
// past their due time (store.SLABreaches), the longest overdue first.
const SLAPath = "/inbox/sla"

// slaRow is one breach as the page shows it.
type slaRow struct {
	store.SLABreach
	URL      string
	KindText string
	Over     string // how long past due, in the branch's working hours
	Due      string // due time in the branch's zone
	Started  string
}

// slaList is GET /inbox/sla.
func (h *Handler) slaList(c *fiber.Ctx) error {
	s, _ := staff.Current(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	now := h.Now()
	breaches, err := h.store.SLABreaches(ctx, s.BranchIDs, now, 500)
	if err != nil {
		return h.Internal(c, "SLA breaches", err)
	}
	_, zones, hours, err := h.branches(ctx, s.BranchIDs)
	if err != nil {
		return h.Internal(c, "load branches", err)
	}
	locale := staffpage.Locale(c, slaTexts)
	t := slaTexts[locale]
	rows := make([]slaRow, len(breaches))
	for i, b := range breaches {
		loc := zones[b.BranchID]
		rows[i] = slaRow{SLABreach: b, URL: threadURL(b.ThreadID), KindText: t["k_"+b.Kind],
			Over:    duration(overdue(b.DueAt, now, hours[b.BranchID], loc), t),
			Due:     b.DueAt.In(loc).Format("02.01 15:04"),
			Started: b.StartedAt.In(loc).Format("02.01 15:04")}
	}
	frame := h.Frame(c, locale, t["title"])
	frame.Back = &staffpage.Link{URL: "/inbox", Label: t["back"]}
	frame.Styles = append(frame.Styles[:len(frame.Styles):len(frame.Styles)], "sla.css")
	return h.Render(c, fiber.StatusOK, "sla.html", map[string]any{"Frame": frame, "T": t, "Rows": rows})
}

// overdue is how long past due now is, in the branch's working hours (the
// deadline was set in them); wall-clock time when the hours do not parse.
func overdue(due, now time.Time, hours *hub.Hours, loc *time.Location) time.Duration {
	if hours == nil {
		return max(now.Sub(due), 0)
	}
	return hours.Elapsed(due, now, loc)
}

// duration writes "7 min" or "2 h 5 min" in the page's words.
func duration(d time.Duration, t map[string]string) string {
	minutes := int(d / time.Minute)
	if minutes < 60 {
		return fmt.Sprintf("%d %s", minutes, t["min"])
	}
	return fmt.Sprintf("%d %s %d %s", minutes/60, t["h"], minutes%60, t["min"])
}

// slaBadge is the list row's SLA mark: set once the thread's earliest
// running clock is past due (store keeps it on the thread row).
type slaBadge struct {
	Late  bool
	Label string // "SLA"
	Title string // what is late, e.g. "SLA due time passed: first response"
}

func newSLABadge(th store.InboxThread, now time.Time, locale string) slaBadge {
	if th.SLADueAt == nil || !now.After(*th.SLADueAt) {
		return slaBadge{}
	}
	t := slaTexts[locale]
	if t == nil {
		t = slaTexts["en"]
	}
	return slaBadge{Late: true, Label: t["badge"], Title: fmt.Sprintf(t["badge_title"], t["k_"+th.SLAKind])}
}
