package unsubscribe

import (
	"strings"
	"testing"

	"naryad/hub/store"
)

// Every language has every word, with the same blanks, and names every
// purpose a token may carry.
func TestEveryLanguageHasEveryText(t *testing.T) {
	for _, locale := range []string{"ru", "pl", "en"} {
		if len(texts[locale]) != len(texts["en"]) {
			t.Errorf("%s has %d texts, en %d", locale, len(texts[locale]), len(texts["en"]))
		}
		for key, en := range texts["en"] {
			got := texts[locale][key]
			if got == "" || strings.Count(got, "%s") != strings.Count(en, "%s") {
				t.Errorf("%s %q = %q", locale, key, got)
			}
		}
		for _, p := range store.ConsentPurposes {
			if texts[locale]["what_"+p] == "" {
				t.Errorf("%s lacks what_%s", locale, p)
			}
		}
	}
}
