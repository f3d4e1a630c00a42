package adminpage

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word of the reminders page exists in each language, with the same blanks.
func TestEveryRemindersPageLanguageHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, settingsTexts, func(accept string) string { return staffpage.PickLocale(accept, settingsTexts) })
}
