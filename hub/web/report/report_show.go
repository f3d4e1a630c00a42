package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

const (
	dateLayout  = "2006-01-02"
	defaultDays = 30
	maxDays     = 366 // the longest period one page reads
)

// reportView is what report.html shows.
type reportView struct {
	Frame    staffpage.Frame
	From, To string // as typed, for the form
	Error    string // set instead of the figures when the period is bad
	Branches []row
	Advisors []row
	Chart    template.HTML
	Online   []shareRow // the online-payment share per branch
}

// row is one line of a table, formatted.
type row struct {
	Label                       string
	ResponseCount               int
	ResponseMedian, ResponseP90 string
	ApprovalCount               int
	ApprovalMedian              string
}

// show is GET /reports?from=YYYY-MM-DD&to=YYYY-MM-DD: the period's figures
// of the user's branches. Both dates are inclusive calendar days in UTC;
// without them, the last 30 days up to today.
func (h *Handler) show(c *fiber.Ctx) error {
	s, _ := staff.Current(c)
	v := reportView{Frame: h.Frame(c, "en", "Report")}
	from, to, err := period(c.Query("from"), c.Query("to"), h.Now())
	v.From, v.To = cmp.Or(c.Query("from"), from.Format(dateLayout)), cmp.Or(c.Query("to"), to.AddDate(0, 0, -1).Format(dateLayout))
	if err != nil {
		v.Error = err.Error()
		return h.Render(c, fiber.StatusBadRequest, "report.html", v)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
	defer cancel()
	r, err := h.store.Report(ctx, store.ReportQuery{BranchIDs: s.BranchIDs, From: from, To: to})
	if err != nil {
		return h.Internal(c, "report", err)
	}
	for _, b := range r.Branches {
		v.Branches = append(v.Branches, format(b.BranchCode, b))
	}
	for _, a := range r.Advisors {
		v.Advisors = append(v.Advisors, format(a.Advisor, a))
	}
	v.Chart = chart(r.Advisors)
	if v.Online, err = h.onlineShare(ctx, s.BranchIDs, from, to); err != nil {
		return h.Internal(c, "online payment share", err)
	}
	return h.Render(c, fiber.StatusOK, "report.html", v)
}

// period parses the inclusive dates into [from, to) in UTC.
func period(fromText, toText string, now time.Time) (time.Time, time.Time, error) {
	today := now.UTC().Truncate(24 * time.Hour)
	to := today.AddDate(0, 0, 1)
	from := to.AddDate(0, 0, -defaultDays)
	if toText != "" {
		d, err := time.Parse(dateLayout, toText)
		if err != nil {
			return from, to, fmt.Errorf("“to” must be a date as YYYY-MM-DD, not %q", toText)
		}
		to = d.AddDate(0, 0, 1)
		if fromText == "" {
			from = to.AddDate(0, 0, -defaultDays)
		}
	}
	if fromText != "" {
		d, err := time.Parse(dateLayout, fromText)
		if err != nil {
			return from, to, fmt.Errorf("“from” must be a date as YYYY-MM-DD, not %q", fromText)
		}
		from = d
	}
	switch {
	case !from.Before(to):
		return from, to, errors.New("“from” must not be after “to”")
	case to.Sub(from) > maxDays*24*time.Hour:
		return from, to, fmt.Errorf("the period may be at most %d days", maxDays)
	}
	return from, to, nil
}

func format(label string, r store.ReportRow) row {
	out := row{Label: label, ResponseCount: r.ResponseCount, ApprovalCount: r.ApprovalCount, ResponseMedian: "—", ResponseP90: "—", ApprovalMedian: "—"}
	if r.ResponseCount > 0 {
		out.ResponseMedian, out.ResponseP90 = duration(r.ResponseMedian), duration(r.ResponseP90)
	}
	if r.ApprovalCount > 0 {
		out.ApprovalMedian = duration(r.ApprovalMedian)
	}
	return out
}

// duration is d for people: "45s", "12m", "3h 05m", "2d 4h".
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
}
