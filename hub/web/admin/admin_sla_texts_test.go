package admin

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word of the SLA targets page exists in each language, with the
// same blanks.
func TestEverySLATargetsLanguageHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, slaTexts, func(accept string) string { return staffpage.PickLocale(accept, slaTexts) })
}
