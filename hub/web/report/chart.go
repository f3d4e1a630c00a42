package report

import (
	"fmt"
	"html/template"
	"strings"
)

// Chart geometry, in SVG user units.
const (
	chartWidth = 640
	labelWidth = 160
	valueWidth = 100
	barHeight  = 22
	barGap     = 8
)

// bar is one bar of a chart: its label, its length and the value written
// beside it, and a class that colours it ("bar" and maybe one more word).
type bar struct {
	Label, Value string
	Amount       float64
	Class        string
}

// barChart draws horizontal bars scaled to the longest, as an accessible
// image: role="img" named by its <title> and described by its <desc>
// (screen readers read both), each bar with its own <title>. No script, no
// style attribute (the pages' CSP allows only the stylesheet); every text
// is escaped. id must be unique on the page.
func barChart(id, title, desc string, bars []bar) template.HTML {
	return scaledBarChart(id, title, desc, bars, 0)
}

// scaledBarChart is barChart with a full-length bar of full (e.g. 100 for
// percentages, so 50 % is half a bar however long the others are); with
// full 0 the longest bar is the full length.
func scaledBarChart(id, title, desc string, bars []bar, full float64) template.HTML {
	if len(bars) == 0 {
		return ""
	}
	longest := full
	for _, b := range bars {
		longest = max(longest, b.Amount)
	}
	span := float64(chartWidth - labelWidth - valueWidth)
	height := len(bars)*(barHeight+barGap) + barGap
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-title %s-desc">`,
		id, chartWidth, height, chartWidth, height, id, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(title), id, esc(desc))
	for i, x := range bars {
		y := barGap + i*(barHeight+barGap)
		w := 1.0
		if longest > 0 {
			w = max(1, span*x.Amount/longest)
		}
		label, value := esc(x.Label), esc(x.Value)
		fmt.Fprintf(&b, `<text class="label" x="%d" y="%d" text-anchor="end">%s</text>`, labelWidth-8, y+barHeight-6, label)
		fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%d" width="%.1f" height="%d"><title>%s: %s</title></rect>`,
			esc(x.Class), labelWidth, y, w, barHeight, label, value)
		fmt.Fprintf(&b, `<text class="value" x="%.1f" y="%d">%s</text>`, float64(labelWidth)+w+6, y+barHeight-6, value)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built here from escaped texts and numbers
}
