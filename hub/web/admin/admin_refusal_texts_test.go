package admin

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every refusal of the admin forms exists in each language, with the same blanks.
func TestEveryRefusalLanguageHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, refusalTexts, func(accept string) string { return staffpage.PickLocale(accept, refusalTexts) })
}
