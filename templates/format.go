package templates

import "time"

// Money formats minor units of a currency for a locale, as message texts
// do ("1 500,50 ₽"); pages use it so a sum reads the same in the SMS and on
// the page.
func Money(locale string, minor int64, currency string) (string, error) {
	return formatMoney(NormalizeLocale(locale), minor, currency)
}

// DateTime formats a time for a locale in the time's own zone; "" for zero.
func DateTime(locale string, t time.Time) string {
	return formatDateTime(NormalizeLocale(locale), t)
}
