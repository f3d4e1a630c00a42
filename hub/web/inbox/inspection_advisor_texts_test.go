package inbox

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word of the inspection card exists in each language, with the
// same blanks to fill.
func TestInspectionCardHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, inspTexts, func(accept string) string { return staffpage.PickLocale(accept, inspTexts) })
}
