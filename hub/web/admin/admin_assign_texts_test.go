package admin

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word of the assignment settings page exists in each language.
func TestAdminAssignHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, assignTexts, func(accept string) string { return staffpage.PickLocale(accept, assignTexts) })
}
