package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"naryad/hub/store"
	"naryad/templates"
)

// cell is one value of a table: Text on the page, CSV in the export (a
// number Excel reads in the viewer's locale where the page writes words).
type cell struct{ Text, CSV string }

func plain(s string) cell { return cell{Text: s, CSV: s} }

func count(n int) cell { return plain(strconv.Itoa(n)) }

// decimalComma says whether locale writes 1,5 rather than 1.5 (ru and pl
// do, and so does their Excel).
func decimalComma(locale string) bool { return locale == "ru" || locale == "pl" }

// decimal writes x with one decimal place in locale.
func decimal(locale string, x float64) string {
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if decimalComma(locale) {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// wait is a duration cell: words on the page ("3 ч 05 мин"), minutes with
// one decimal in the CSV; "—" / empty when nothing was measured.
func wait(t map[string]string, locale string, n int, d time.Duration) cell {
	if n == 0 {
		return cell{Text: "—"}
	}
	return cell{Text: duration(t, d), CSV: decimal(locale, d.Minutes())}
}

// duration is d for people in the words of t: "45s", "12m", "3h 05m",
// "2d 4h" in English.
func duration(t map[string]string, d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf(t["dur_s"], int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf(t["dur_m"], int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf(t["dur_hm"], int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf(t["dur_dh"], int(d.Hours())/24, int(d.Hours())%24)
}

// share is a per-mille share as a percent ("33,3 %"); "—" when of is 0.
func share(locale string, permille, of int) cell {
	if of == 0 {
		return cell{Text: "—"}
	}
	s := decimal(locale, float64(permille)/10)
	return cell{Text: s + "\u00a0%", CSV: s}
}

// sums writes amounts in several currencies by locale, "—" for none; the
// page keeps each amount's digit groups together on a narrow screen.
func sums(locale string, amounts []store.CurrencyAmount) cell {
	if len(amounts) == 0 {
		return cell{Text: "—"}
	}
	parts := make([]string, len(amounts))
	for i, a := range amounts {
		parts[i] = templates.MoneyText(locale, a.Minor, a.Currency)
	}
	csv := strings.Join(parts, " + ")
	for i := range parts {
		parts[i] = strings.ReplaceAll(parts[i], " ", "\u00a0")
	}
	return cell{Text: strings.Join(parts, " · "), CSV: csv}
}

// signed writes an NPS with a true minus sign on the page.
func signed(n int) cell {
	s := strconv.Itoa(n)
	return cell{Text: strings.Replace(s, "-", "−", 1), CSV: s}
}
