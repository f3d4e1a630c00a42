package report

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"net/url"
	"slices"
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
	Frame     staffpage.Frame
	T         map[string]string
	From, To  string // as typed, for the form
	By        string // the conversion's grouping
	Groupings []string
	Error     string // set instead of the figures when the request is bad
	Tables    map[string]*table
	Charts    struct{ Response, Funnel, Scores, SLA template.HTML }
}

// show is GET /reports?from=YYYY-MM-DD&to=YYYY-MM-DD&by=branch: the
// period's figures of the user's branches, in the user's language. Both
// dates are inclusive calendar days in UTC; without them, the last 30 days
// up to today. With format=csv&table=<name>, that one table as a CSV file
// (csv.go) instead of the page.
func (h *Handler) show(c *fiber.Ctx) error {
	s, _ := staff.Current(c)
	locale := staffpage.Locale(c, texts)
	t := texts[locale]
	v := reportView{Frame: h.Frame(c, locale, t["title"]), T: t, By: cmp.Or(c.Query("by"), "branch"),
		Groupings: []string{"branch", "region", "customer", "make"}}
	from, to, err := period(t, c.Query("from"), c.Query("to"), h.Now())
	v.From, v.To = cmp.Or(c.Query("from"), from.Format(dateLayout)), cmp.Or(c.Query("to"), to.AddDate(0, 0, -1).Format(dateLayout))
	if err == nil && groupings[v.By] == "" {
		err = fmt.Errorf("%s", t["err_by"])
	}
	if err != nil {
		v.Error = err.Error()
		return h.Render(c, fiber.StatusBadRequest, "report.html", v)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
	defer cancel()
	f, err := h.figures(ctx, store.ReportQuery{BranchIDs: s.BranchIDs, From: from, To: to}, h.Now())
	if err != nil {
		return h.Internal(c, "report", err)
	}
	query := url.Values{"from": {v.From}, "to": {v.To}, "by": {v.By}}
	all := tables(t, locale, v.By, f, query)
	v.Tables = make(map[string]*table, len(all))
	for _, x := range all {
		v.Tables[x.Name] = x
	}
	if c.Query("format") == "csv" {
		i := slices.IndexFunc(all, func(x *table) bool { return x.Name == c.Query("table") })
		if i < 0 {
			v.Error, v.Tables = t["err_table"], nil
			return h.Render(c, fiber.StatusBadRequest, "report.html", v)
		}
		return writeCSV(c, all[i], v.From, v.To)
	}
	v.Charts.Response, v.Charts.Funnel, v.Charts.Scores = charts(t, f)
	v.Charts.SLA = slaChart(t, locale, f.sla)
	return h.Render(c, fiber.StatusOK, "report.html", v)
}

// figures asks the store for every figure of q; now tells the SLA clocks
// still running from those already breached.
func (h *Handler) figures(ctx context.Context, q store.ReportQuery, now time.Time) (figures, error) {
	var f figures
	var err error
	if f.times, err = h.store.Report(ctx, q); err != nil {
		return f, err
	}
	if f.nps, err = h.store.NPSReport(ctx, q); err != nil {
		return f, err
	}
	if f.leads, err = h.store.LeadConversionReport(ctx, q); err != nil {
		return f, err
	}
	if f.online, err = h.store.OnlinePaymentShare(ctx, q.BranchIDs, q.From, q.To); err != nil {
		return f, err
	}
	if f.sla, err = h.store.SLAReport(ctx, q, now); err != nil {
		return f, err
	}
	return f, nil
}

// period parses the inclusive dates into [from, to) in UTC; an error is
// in the words of t.
func period(t map[string]string, fromText, toText string, now time.Time) (time.Time, time.Time, error) {
	today := now.UTC().Truncate(24 * time.Hour)
	to := today.AddDate(0, 0, 1)
	from := to.AddDate(0, 0, -defaultDays)
	if toText != "" {
		d, err := time.Parse(dateLayout, toText)
		if err != nil {
			return from, to, fmt.Errorf(t["err_to"], fmt.Sprintf("«%s»", toText))
		}
		to = d.AddDate(0, 0, 1)
		if fromText == "" {
			from = to.AddDate(0, 0, -defaultDays)
		}
	}
	if fromText != "" {
		d, err := time.Parse(dateLayout, fromText)
		if err != nil {
			return from, to, fmt.Errorf(t["err_from"], fmt.Sprintf("«%s»", fromText))
		}
		from = d
	}
	switch {
	case !from.Before(to):
		return from, to, fmt.Errorf("%s", t["err_order"])
	case to.Sub(from) > maxDays*24*time.Hour:
		return from, to, fmt.Errorf("%s", t["err_long"])
	}
	return from, to, nil
}
