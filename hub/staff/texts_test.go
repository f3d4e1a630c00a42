package staff

import (
	"strings"
	"testing"
)

// Every word the staff sign-in shows exists in each language it speaks, with the
// same number of blanks (%s) to fill.
func TestEveryLanguageHasEveryText(t *testing.T) {
	for _, locale := range []string{"ru", "pl", "en"} {
		if texts[locale] == nil {
			t.Fatalf("no %s texts", locale)
		}
		if len(texts[locale]) != len(texts["en"]) {
			t.Errorf("%s has %d texts, en %d", locale, len(texts[locale]), len(texts["en"]))
		}
		for key, en := range texts["en"] {
			got := texts[locale][key]
			if got == "" {
				t.Errorf("%s has no text for %q", locale, key)
			}
			if strings.Count(got, "%s") != strings.Count(en, "%s") {
				t.Errorf("%s %q has %d blanks, en %d", locale, key, strings.Count(got, "%s"), strings.Count(en, "%s"))
			}
		}
	}
	for accept, want := range map[string]string{"pl-PL,pl;q=0.9,en;q=0.8": "pl", "ru": "ru", "de-DE": "en", "": "en"} {
		if got := pickLocale(accept); got != want {
			t.Errorf("pickLocale(%q) = %q, want %q", accept, got, want)
		}
	}
}
