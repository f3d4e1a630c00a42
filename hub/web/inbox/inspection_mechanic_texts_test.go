package inbox

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word of the mechanic's inspection page exists in ru, pl and en,
// with the same blanks.
func TestInspectionTextsInEveryLanguage(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, inspectionTexts, func(accept string) string {
		return staffpage.PickLocale(accept, inspectionTexts)
	})
}
