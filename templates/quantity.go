package templates

import (
	"strconv"
	"strings"
)

// Quantity writes thousandths (a work-order line's qty) as a short decimal
// the way locale writes numbers: 1500 is "1,5" in ru and pl, "1.5" in en;
// 2000 is "2". The same figure on the customer's page and in the inbox.
func Quantity(locale string, milli int64) string {
	sign := ""
	abs := uint64(milli) // negating in uint64 is exact even for math.MinInt64
	if milli < 0 {
		sign, abs = "-", -abs
	}
	s := strconv.FormatUint(abs/1000, 10)
	if frac := abs % 1000; frac != 0 {
		point := ","
		if NormalizeLocale(locale) == LocaleEN {
			point = "."
		}
		digits := strconv.FormatUint(frac+1000, 10)[1:] // three digits, leading zeros kept
		s += point + strings.TrimRight(digits, "0")
	}
	return sign + s
}
