package inbox

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"naryad/templates"
)

// maxAmountWholeDigits bounds an amount an advisor types: a work order of
// a car service is far below a trillion in any currency, and the bound
// keeps the arithmetic far from int64's end.
const maxAmountWholeDigits = 12

var errAmount = errors.New("not an amount")

// parseAmount reads an amount as people type it — "1 250,50", "1250.5",
// "1 250" — into minor units of currency, without floating point. It must
// be above zero and have no more decimals than the currency has.
func parseAmount(text, currency string) (int64, error) {
	scale, err := templates.MinorDigits(currency)
	if err != nil {
		return 0, fmt.Errorf("amount in %q: %w", currency, err)
	}
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\'' {
			return -1 // thousands separators
		}
		return r
	}, text)
	if strings.Count(s, ",")+strings.Count(s, ".") > 1 {
		return 0, errAmount
	}
	whole, frac, _ := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	if whole == "" || len(whole) > maxAmountWholeDigits || len(frac) > scale || !digits(whole) || !digits(frac) {
		return 0, errAmount
	}
	frac += strings.Repeat("0", scale-len(frac))
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || v <= 0 {
		return 0, errAmount
	}
	return v, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// amountInput writes minor units of currency for a form field, as
// parseAmount reads them back: no grouping, the locale's decimal mark
// ("1250,50" in ru and pl, "1250.50" in en).
func amountInput(locale string, minor int64, currency string) string {
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
	mark := ","
	if locale == templates.LocaleEN {
		mark = "."
	}
	return s[:len(s)-scale] + mark + s[len(s)-scale:]
}
