package templates

import (
	"errors"
	"math"
	"text/template"
	"time"
)

// funcs returns the helpers a template may call, bound to locale. Each
// locale gets its own map because text/template fixes functions at parse
// time and a template is parsed per locale anyway.
func funcs(locale string) template.FuncMap {
	return template.FuncMap{
		"money": func(minor int64, code string) (string, error) {
			return formatMoney(locale, minor, code)
		},
		"date": func(t time.Time) string {
			return formatDate(locale, t)
		},
		"datetime": func(t time.Time) string {
			return formatDateTime(locale, t)
		},
		"sum": sumLines,
	}
}

// sumLines totals lines in minor units. An overflow is an error rather than
// a wrapped-around amount nobody would notice in an SMS.
func sumLines(lines []Line) (int64, error) {
	var total int64
	for _, l := range lines {
		if (l.TotalMinor > 0 && total > math.MaxInt64-l.TotalMinor) ||
			(l.TotalMinor < 0 && total < math.MinInt64-l.TotalMinor) {
			return 0, errors.New("templates: sum: total overflows int64")
		}
		total += l.TotalMinor
	}
	return total, nil
}
