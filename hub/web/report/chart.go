package report

import (
	"fmt"
	"html/template"
	"strings"

	"naryad/hub/store"
)

// Chart geometry, in SVG user units.
const (
	chartWidth = 640
	labelWidth = 160
	valueWidth = 80
	barHeight  = 22
	barGap     = 8
)

// chart draws the median first-response time of each advisor with
// responses as a horizontal bar: one <rect class="bar"> per advisor, scaled
// to the slowest. No script, no style attribute (the pages' CSP allows only
// the stylesheet); names are escaped.
func chart(advisors []store.ReportRow) template.HTML {
	var rows []store.ReportRow
	var longest float64
	for _, a := range advisors {
		if a.ResponseCount > 0 {
			rows = append(rows, a)
			longest = max(longest, float64(a.ResponseMedian))
		}
	}
	if len(rows) == 0 {
		return ""
	}
	span := float64(chartWidth - labelWidth - valueWidth)
	height := len(rows)*(barHeight+barGap) + barGap
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="Median first-response time per advisor">`,
		chartWidth, height, chartWidth, height)
	for i, a := range rows {
		y := barGap + i*(barHeight+barGap)
		w := 1.0
		if longest > 0 {
			w = max(1, span*float64(a.ResponseMedian)/longest)
		}
		name := template.HTMLEscapeString(a.Advisor)
		fmt.Fprintf(&b, `<text class="label" x="%d" y="%d" text-anchor="end">%s</text>`, labelWidth-8, y+barHeight-6, name)
		fmt.Fprintf(&b, `<rect class="bar" x="%d" y="%d" width="%.1f" height="%d"><title>%s: %s</title></rect>`,
			labelWidth, y, w, barHeight, name, duration(a.ResponseMedian))
		fmt.Fprintf(&b, `<text class="value" x="%.1f" y="%d">%s</text>`, float64(labelWidth)+w+6, y+barHeight-6, duration(a.ResponseMedian))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built here from escaped names and numbers
}
