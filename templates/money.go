package templates

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// MinorDigits reports how many decimal digits the minor unit of an ISO 4217
// currency has (RUB, PLN, EUR 2; JPY 0; KWD 3), as money assumes it when it
// splits TotalMinor. Code that turns a DMS decimal sum into minor units
// should use it too, so both sides agree on the scale. The figure is CLDR's
// standard rounding as shipped in golang.org/x/text; for a few currencies
// (IQD, RSD, …) it differs from the ISO 4217 table.
func MinorDigits(code string) (int, error) {
	unit, err := currency.ParseISO(code)
	if err != nil {
		return 0, fmt.Errorf("templates: currency %q: %w", code, err)
	}
	scale, _ := currency.Standard.Rounding(unit)
	return scale, nil
}

// formatMoney writes minor units of a currency the way locale writes money:
//
//	ru  1 500,50 ₽     -1 500,50 ₽
//	pl  1 500,50 zł    -1 500,50 zł
//	en  RUB 1,500.50   €1,500.50   -€1,500.50
//
// Grouping and the gap before a trailing symbol are a plain space (U+0020),
// not the no-break space CLDR prescribes: U+00A0 and U+202F are outside
// GSM-7 and would turn a short Latin-script SMS into UCS-2, halving what fits
// in one part. The symbol comes from CLDR via x/text; the number is built with
// integer arithmetic only, because float64 cannot hold every int64 amount.
func formatMoney(locale string, minor int64, code string) (string, error) {
	unit, err := currency.ParseISO(code)
	if err != nil {
		return "", fmt.Errorf("templates: money: currency %q: %w", code, err)
	}
	scale, _ := currency.Standard.Rounding(unit)
	sym := currencySymbol(locale, unit)
	sign := ""
	if minor < 0 {
		sign = "-"
	}
	if locale == LocaleEN {
		num := formatDecimal(minor, scale, ",", ".")
		if endsWithLetter(sym) {
			return sign + sym + " " + num, nil
		}
		return sign + sym + num, nil
	}
	return sign + formatDecimal(minor, scale, " ", ",") + " " + sym, nil
}

// formatDecimal writes |minor| / 10^scale with grouped thousands. The sign is
// left to the caller because its place depends on the locale.
func formatDecimal(minor int64, scale int, group, point string) string {
	// Negating in uint64 is exact even for math.MinInt64, whose absolute
	// value does not fit in an int64.
	abs := uint64(minor)
	if minor < 0 {
		abs = -abs
	}
	pow := uint64(1)
	for range scale {
		pow *= 10
	}
	whole := groupDigits(strconv.FormatUint(abs/pow, 10), group)
	if scale == 0 {
		return whole
	}
	frac := strconv.FormatUint(abs%pow, 10)
	return whole + point + strings.Repeat("0", scale-len(frac)) + frac
}

// groupDigits inserts sep between every three digits from the right.
func groupDigits(digits, sep string) string {
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// currencySymbol is CLDR's symbol for unit in locale: "₽" for RUB in ru but
// "RUB" in en and pl, where the ruble sign is not widely recognised.
func currencySymbol(locale string, unit currency.Unit) string {
	p := message.NewPrinter(language.Make(locale))
	return p.Sprint(currency.Symbol(unit))
}

// endsWithLetter tells a code-like symbol ("RUB", "zł"), which needs a space
// before the number, from a sign ("€", "CA$"), which does not.
func endsWithLetter(s string) bool {
	r := []rune(s)
	return len(r) > 0 && unicode.IsLetter(r[len(r)-1])
}
