package admin

import (
	"testing"

	"naryad/hub"
	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word of the booking settings page exists in each language, and
// every kind and problem the store can name has a word.
func TestEveryBookingLanguageHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, bookingTexts, func(accept string) string { return staffpage.PickLocale(accept, bookingTexts) })
	for _, k := range hub.BookingKinds() {
		if bookingTexts["en"]["kind_"+k] == "" {
			t.Errorf("no word for kind %s", k)
		}
	}
	for _, p := range []string{hub.ProblemRequired, hub.ProblemTooLong, hub.ProblemRange, hub.ProblemFormat} {
		if bookingTexts["en"]["p_"+p] == "" {
			t.Errorf("no word for problem %s", p)
		}
	}
}
