package inbox

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word of the SLA list exists in each language, with the same blanks.
func TestEverySLALanguageHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, slaTexts, func(accept string) string { return staffpage.PickLocale(accept, slaTexts) })
}
