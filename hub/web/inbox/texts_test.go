package inbox

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word the inbox shows exists in each language it speaks, with the
// same number of blanks (%s) to fill.
func TestEveryLanguageHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, texts, func(accept string) string { return staffpage.PickLocale(accept, texts) })
}

// Every word of the team page and the assignment line exists in each
// language, with the same blanks to fill.
func TestTeamHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, teamTexts, func(accept string) string { return staffpage.PickLocale(accept, teamTexts) })
}
