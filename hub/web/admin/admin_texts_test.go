package admin

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// The admin pages' words exist in every language the staff pages speak.
func TestEveryLanguageHasTheAdminWords(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, texts, func(accept string) string { return staffpage.PickLocale(accept, texts) })
}
