package profile

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// The profile page's words exist in every language the staff pages speak.
func TestEveryLanguageHasTheProfilesWords(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, texts, func(accept string) string { return staffpage.PickLocale(accept, texts) })
}
