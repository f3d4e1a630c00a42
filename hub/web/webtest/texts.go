package webtest

import (
	"strings"
	"testing"
)

// EveryLanguageHasEveryText checks a surface's words: ru, pl and en each
// have a text for every key, with as many blanks (%s) as the English one,
// and pick (the surface's Accept-Language choice) takes a browser's first
// language it speaks, else English.
func EveryLanguageHasEveryText(t *testing.T, texts map[string]map[string]string, pick func(acceptLanguage string) string) {
	t.Helper()
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
		if got := pick(accept); got != want {
			t.Errorf("pick(%q) = %q, want %q", accept, got, want)
		}
	}
}
