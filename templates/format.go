package templates

import (
	"fmt"
	"time"
)

// Money formats minor units of a currency for a locale, as message texts
// do ("1 500,50 ₽"); pages use it so a sum reads the same in the SMS and on
// the page.
func Money(locale string, minor int64, currency string) (string, error) {
	return formatMoney(NormalizeLocale(locale), minor, currency)
}

// MoneyText is Money for a text that is written whatever the currency:
// a code the formatter does not know (the DMS sent it) gives the plain
// minor units and the code, "150050 XXX (minor units)", rather than an
// error that would stop a system line, a staff task or a report.
func MoneyText(locale string, minor int64, currency string) string {
	s, err := Money(locale, minor, currency)
	if err != nil {
		return fmt.Sprintf("%d %s (minor units)", minor, currency)
	}
	return s
}

// DateTime formats a time for a locale in the time's own zone; "" for zero.
func DateTime(locale string, t time.Time) string {
	return formatDateTime(NormalizeLocale(locale), t)
}

// Date formats a day for a locale in the time's own zone; "" for zero.
func Date(locale string, t time.Time) string {
	return formatDate(NormalizeLocale(locale), t)
}
