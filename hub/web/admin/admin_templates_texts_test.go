package admin

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// The preview's sample words exist in each language, with the same blanks.
func TestEveryPreviewLanguageHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, previewTexts, func(accept string) string { return staffpage.PickLocale(accept, previewTexts) })
}
