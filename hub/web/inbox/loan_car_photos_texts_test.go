package inbox

import (
	"testing"

	"naryad/hub"
	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word of the car photos' part exists in each language, with the
// same blanks, and every set and kind has its word.
func TestLoanCarPhotosHaveEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, loanCarPhotoTexts, func(accept string) string { return staffpage.PickLocale(accept, loanCarPhotoTexts) })
	var keys []string
	for _, s := range hub.CarPhotoSets() {
		keys = append(keys, "at_"+s)
	}
	for _, k := range hub.CarPhotoKinds() {
		keys = append(keys, "kind_"+k)
	}
	for _, k := range keys {
		if loanCarPhotoTexts["en"][k] == "" {
			t.Errorf("no word for %q", k)
		}
	}
}
