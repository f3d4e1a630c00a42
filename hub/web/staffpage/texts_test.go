package staffpage

import (
	"testing"

	"naryad/hub/web/webtest"
)

// The layout's words exist in every language the staff pages speak.
func TestEveryLanguageHasTheLayoutsWords(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, texts, func(accept string) string { return PickLocale(accept, texts) })
}
