package admin

import (
	"strconv"
	"strings"
	"unicode"

	"naryad/hub"
	"naryad/templates"
)

// maxDepositWholeDigits bounds a deposit an admin types, far above any
// car's excess and far from int64's end.
const maxDepositWholeDigits = 10

// parseDeposit reads a deposit as admins type it — "30 000", "300,50",
// "300.5", empty for none — into minor units of currency, without floating
// point. A wrong one is an InvalidField of "deposit".
func parseDeposit(text, currency string) (int64, error) {
	bad := &hub.InvalidField{Field: "deposit", Problem: hub.ProblemFormat}
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\'' {
			return -1 // thousands separators
		}
		return r
	}, text)
	if s == "" || s == "0" {
		return 0, nil
	}
	scale, err := templates.MinorDigits(strings.ToUpper(strings.TrimSpace(currency)))
	if err != nil {
		return 0, &hub.InvalidField{Field: "deposit_currency", Problem: hub.ProblemFormat}
	}
	whole, frac, _ := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	if whole == "" || len(whole) > maxDepositWholeDigits || len(frac) > scale || !onlyDigits(whole) || !onlyDigits(frac) {
		return 0, bad
	}
	v, err := strconv.ParseInt(whole+frac+strings.Repeat("0", scale-len(frac)), 10, 64)
	if err != nil {
		return 0, bad
	}
	return v, nil
}

func onlyDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// depositField writes minor units for the form field as parseDeposit
// reads them back: no grouping, "." before the minor units; "" for none.
func depositField(minor int64, currency string) string {
	scale, err := templates.MinorDigits(currency)
	if err != nil || minor <= 0 {
		return ""
	}
	s := strconv.FormatInt(minor, 10)
	if scale == 0 {
		return s
	}
	if len(s) <= scale {
		s = strings.Repeat("0", scale-len(s)+1) + s
	}
	return s[:len(s)-scale] + "." + s[len(s)-scale:]
}
