package report

import (
	"cmp"
	"html/template"
	"net/url"

	"naryad/hub/store"
	"naryad/templates"
)

// table is one table of the report, the same on the page and in its CSV
// export (?format=csv&table=Name).
type table struct {
	Name  string
	Head  []string
	Rows  [][]cell
	Foot  [][]cell // the totals, after the rows
	CSV   string   // the export's address
	Link  string   // the export link's words
	Empty string   // said instead of an empty table
}

// figures is everything the store computed for the period.
type figures struct {
	times  store.Report
	nps    store.NPS
	leads  store.LeadConversion
	online []store.OnlineShare
	sla    store.SLAReport
}

// groupings are the ways the conversion table can be grouped (?by=),
// with the word of its first column.
var groupings = map[string]string{"branch": "branch", "region": "region", "customer": "customer", "make": "make"}

// tables builds every table of the report in locale; query is the page's
// own query (period and grouping) the CSV links repeat.
func tables(t map[string]string, locale, by string, f figures, query url.Values) []*table {
	timesHead := []string{t["first_count"], t["first_median"], t["first_p90"], t["next_count"], t["next_median"], t["next_p90"],
		t["approvals"], t["approval_median"]}
	times := func(r store.ReportRow) []cell {
		return []cell{count(r.ResponseCount), wait(t, locale, r.ResponseCount, r.ResponseMedian), wait(t, locale, r.ResponseCount, r.ResponseP90),
			count(r.NextCount), wait(t, locale, r.NextCount, r.NextMedian), wait(t, locale, r.NextCount, r.NextP90),
			count(r.ApprovalCount), wait(t, locale, r.ApprovalCount, r.ApprovalMedian)}
	}
	region := func(r string) cell { return cell{Text: cmp.Or(r, t["no_region"]), CSV: r} }

	branches := &table{Name: "branches", Head: append([]string{t["branch"], t["region"]}, timesHead...)}
	for _, r := range f.times.Branches {
		branches.Rows = append(branches.Rows, append([]cell{plain(r.BranchCode), region(r.Region)}, times(r)...))
	}
	regions := &table{Name: "regions", Head: append([]string{t["region"]}, timesHead...)}
	for _, r := range f.times.Regions {
		regions.Rows = append(regions.Rows, append([]cell{region(r.Region)}, times(r)...))
	}
	advisors := &table{Name: "advisors", Head: append([]string{t["advisor"]}, timesHead...), Empty: t["no_advisors"]}
	for _, r := range f.times.Advisors {
		advisors.Rows = append(advisors.Rows, append([]cell{plain(r.Advisor)}, times(r)...))
	}

	npsHead := []string{t["scores"], t["promoters"], t["passives"], t["detractors"], t["nps_score"]}
	nps := func(r store.NPSRow) []cell {
		score := signed(r.Score())
		if r.Count == 0 {
			score = cell{Text: "—"}
		}
		return []cell{count(r.Count), count(r.Promoters), count(r.Passives), count(r.Detractors), score}
	}
	npsBranches := &table{Name: "nps", Head: append([]string{t["branch"], t["region"]}, npsHead...)}
	for _, r := range f.nps.Branches {
		npsBranches.Rows = append(npsBranches.Rows, append([]cell{plain(r.BranchCode), region(r.Region)}, nps(r)...))
	}
	npsBranches.Foot = [][]cell{append([]cell{plain(t["all"]), plain("")}, nps(f.nps.Total)...)}
	npsRegions := &table{Name: "nps_regions", Head: append([]string{t["region"]}, npsHead...)}
	for _, r := range f.nps.Regions {
		npsRegions.Rows = append(npsRegions.Rows, append([]cell{region(r.Region)}, nps(r)...))
	}
	comments := &table{Name: "comments", Head: []string{t["date"], t["branch"], t["work_order"], t["customer"], t["score"], t["comment"]},
		Empty: t["no_comments"]}
	for _, c := range f.nps.Comments {
		comments.Rows = append(comments.Rows, []cell{plain(templates.DateTime(locale, c.At.UTC())), plain(c.BranchCode), plain(c.WorkOrderNumber),
			plain(c.Customer), count(c.Score), plain(c.Comment)})
	}

	conversion := &table{Name: "conversion", Head: []string{t[groupings[by]], t["leads"], t["visits"], t["orders"], t["revenue"],
		t["paid_online"], t["online_share"]}, Empty: t["no_leads"]}
	lead := func(r store.LeadRow) []cell {
		return []cell{count(r.Leads), count(r.Visits), count(r.Orders), sums(locale, r.Revenue), count(r.PaidOnline),
			share(locale, r.OnlinePermille(), r.Orders)}
	}
	rows := map[string][]store.LeadRow{"branch": f.leads.ByBranch, "region": f.leads.ByRegion, "customer": f.leads.ByCustomer, "make": f.leads.ByMake}[by]
	for _, r := range rows {
		key := plain(r.Key)
		switch {
		case by == "region":
			key = region(r.Key)
		case by == "make" && r.Key == "":
			key = cell{Text: t["unknown_make"]}
		}
		conversion.Rows = append(conversion.Rows, append([]cell{key}, lead(r)...))
	}
	if len(rows) > 0 {
		conversion.Foot = [][]cell{append([]cell{plain(t["all"])}, lead(f.leads.Total)...)}
	}

	online := &table{Name: "online", Head: []string{t["branch"], t["handed_over"], t["paid_online"], t["share"], t["paid_sum"]}}
	for _, s := range f.online {
		online.Rows = append(online.Rows, []cell{plain(s.BranchCode), count(s.HandedOver), count(s.PaidOnline),
			share(locale, s.SharePermille(), s.HandedOver), sums(locale, s.Paid)})
	}

	sla, slaAdvisors := slaTables(t, locale, f.sla)

	all := []*table{branches, regions, advisors, sla, slaAdvisors, npsBranches, npsRegions, comments, conversion, online}
	for _, x := range all {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("format", "csv")
		q.Set("table", x.Name)
		x.CSV, x.Link = "/reports?"+q.Encode(), t["csv"]
	}
	return all
}

// charts draws the report's pictures: the advisors' median first
// response, the leads' funnel and the NPS groups ("" when there is nothing
// to draw).
func charts(t map[string]string, f figures) (response, funnel, scores template.HTML) {
	var bars []bar
	for _, a := range f.times.Advisors {
		if a.ResponseCount > 0 {
			bars = append(bars, bar{Label: a.Advisor, Value: duration(t, a.ResponseMedian), Amount: float64(a.ResponseMedian), Class: "bar"})
		}
	}
	response = (barChart("chart-response", t["chart_response"], t["chart_response_desc"], bars))
	if l := f.leads.Total; l.Leads > 0 {
		funnel = (barChart("chart-funnel", t["chart_funnel"], t["chart_funnel_desc"], []bar{
			{Label: t["leads"], Value: itoa(l.Leads), Amount: float64(l.Leads), Class: "bar funnel"},
			{Label: t["visits"], Value: itoa(l.Visits), Amount: float64(l.Visits), Class: "bar funnel"},
			{Label: t["orders"], Value: itoa(l.Orders), Amount: float64(l.Orders), Class: "bar funnel"},
			{Label: t["paid_online"], Value: itoa(l.PaidOnline), Amount: float64(l.PaidOnline), Class: "bar funnel"},
		}))
	}
	if n := f.nps.Total; n.Count > 0 {
		scores = (barChart("chart-nps", t["chart_nps"], t["chart_nps_desc"], []bar{
			{Label: t["promoters"], Value: itoa(n.Promoters), Amount: float64(n.Promoters), Class: "bar promoters"},
			{Label: t["passives"], Value: itoa(n.Passives), Amount: float64(n.Passives), Class: "bar passives"},
			{Label: t["detractors"], Value: itoa(n.Detractors), Amount: float64(n.Detractors), Class: "bar detractors"},
		}))
	}
	return response, funnel, scores
}

func itoa(n int) string { return count(n).Text }
