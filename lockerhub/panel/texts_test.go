package panel

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/lockerwire"
)

// Every language has every word, and a word for every state a kiosk reports.
func TestTextsComplete(t *testing.T) {
	states := []string{lockerwire.StateFree, lockerwire.StateOpen, lockerwire.StateHeld, lockerwire.StateWithStaff, lockerwire.StateReady, lockerwire.StateAttention, lockerwire.StateBroken}
	for lang, words := range texts {
		for key := range texts["en"] {
			if words[key] == "" {
				t.Errorf("%s lacks %q", lang, key)
			}
		}
		if len(words) != len(texts["en"]) {
			t.Errorf("%s has %d words, en %d", lang, len(words), len(texts["en"]))
		}
		for _, s := range states {
			if words["s_"+s] == "" {
				t.Errorf("%s has no word for state %q", lang, s)
			}
		}
	}
	for header, want := range map[string]string{"pl-PL,pl;q=0.9": "pl", "ru": "ru", "de-DE, en;q=0.5": "en", "": "en"} {
		if got := staffpage.PickLocale(header, texts); got != want {
			t.Errorf("Accept-Language %q: %s, want %s", header, got, want)
		}
	}
}
