package staff

import (
	"testing"

	"naryad/hub/web/webtest"
)

// Every word the staff sign-in shows exists in each language it speaks, with the
// same number of blanks (%s) to fill.
func TestEveryLanguageHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, texts, pickLocale)
}
