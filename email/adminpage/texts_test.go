package adminpage

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word of the e-mail page exists in each language, with the same blanks.
func TestEveryEmailPageLanguageHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, texts, func(accept string) string { return staffpage.PickLocale(accept, texts) })
}
