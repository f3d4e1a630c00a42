package inbox

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word of the Payments card exists in each language, with the same
// blanks to fill.
func TestPaymentsCardHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, payTexts, func(accept string) string { return staffpage.PickLocale(accept, payTexts) })
}
