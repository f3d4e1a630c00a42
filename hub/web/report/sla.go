package report

import (
	"html/template"

	"naryad/hub/store"
)

// The SLA part of the report: store.SLAReport's clocks due in the period,
// per branch and per advisor, one row per kind (first response, next
// response, resolution), and a chart of the advisors' first-response met %.

// slaTables builds the "sla" (per branch) and "sla_advisors" tables.
func slaTables(t map[string]string, locale string, r store.SLAReport) (branches, advisors *table) {
	head := []string{t["sla_kind"], t["sla_due"], t["sla_met"], t["sla_breached"], t["sla_running"], t["sla_met_pct"]}
	figures := func(r store.SLAReportRow) []cell {
		return []cell{plain(t["sla_"+r.Kind]), count(r.Due), count(r.Met), count(r.Breached), count(r.Running),
			metPercent(locale, r)}
	}
	branches = &table{Name: "sla", Head: append([]string{t["branch"]}, head...), Empty: t["no_sla"]}
	for _, x := range r.Branches {
		branches.Rows = append(branches.Rows, append([]cell{plain(x.BranchCode)}, figures(x)...))
	}
	advisors = &table{Name: "sla_advisors", Head: append([]string{t["advisor"]}, head...), Empty: t["no_sla_advisors"]}
	for _, x := range r.Advisors {
		advisors.Rows = append(advisors.Rows, append([]cell{plain(x.Advisor)}, figures(x)...))
	}
	return branches, advisors
}

// metPercent is the row's met % with one decimal ("66,7 %"); "—" (empty in
// the CSV) while no clock of the row is decided.
func metPercent(locale string, r store.SLAReportRow) cell {
	pct, ok := r.MetPercent()
	if !ok {
		return cell{Text: "—"}
	}
	s := decimal(locale, pct)
	return cell{Text: s + "\u00a0%", CSV: s}
}

// slaChart draws each advisor's first-response met % (the wait customers
// feel most); "" when no advisor has a decided first-response clock.
func slaChart(t map[string]string, locale string, r store.SLAReport) template.HTML {
	var bars []bar
	for _, x := range r.Advisors {
		pct, ok := x.MetPercent()
		if x.Kind != store.SLAFirst || !ok {
			continue
		}
		bars = append(bars, bar{Label: x.Advisor, Value: metPercent(locale, x).Text, Amount: pct, Class: "bar sla"})
	}
	return scaledBarChart("chart-sla", t["chart_sla"], t["chart_sla_desc"], bars, 100)
}
