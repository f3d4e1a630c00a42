package templates

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// maxAmountWholeDigits bounds an amount staff type: a car service's work
// order or deposit is far below a trillion in any currency, and the bound
// keeps the arithmetic far from int64's end.
const maxAmountWholeDigits = 12

// ErrNotAnAmount is what ParseAmount answers to text that is no amount.
var ErrNotAnAmount = errors.New("not an amount")

// ParseAmount reads an amount as people type it in a form — "1 250,50",
// "1250.5", "1 250", "1'250" — into minor units of currency, without
// floating point: spaces (also no-break ones) and apostrophes group
// thousands, one comma or point marks the decimals, and there may be no
// more decimals than the currency has. Zero is an amount; the caller says
// whether it is allowed.
func ParseAmount(text, currency string) (int64, error) {
	scale, err := MinorDigits(currency)
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
		return 0, ErrNotAnAmount
	}
	whole, frac, _ := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	if whole == "" || len(whole) > maxAmountWholeDigits || len(frac) > scale || !allDigits(whole) || !allDigits(frac) {
		return 0, ErrNotAnAmount
	}
	v, err := strconv.ParseInt(whole+frac+strings.Repeat("0", scale-len(frac)), 10, 64)
	if err != nil {
		return 0, ErrNotAnAmount
	}
	return v, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// AmountInput writes minor units of currency for a form field as
// ParseAmount reads them back: no grouping, the locale's decimal mark
// ("1250,50" in ru and pl, "1250.50" in en); "" for nothing (zero or
// less, or an unknown currency).
func AmountInput(locale string, minor int64, currency string) string {
	scale, err := MinorDigits(currency)
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
	if locale == LocaleEN {
		mark = "."
	}
	return s[:len(s)-scale] + mark + s[len(s)-scale:]
}
