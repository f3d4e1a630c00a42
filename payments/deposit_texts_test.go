package payments

import (
	"strings"
	"testing"

	"naryad/templates"
)

// Every refusal of the deposit button and every message of a settled
// deposit has words in each language, with the same blanks.
func TestDepositTextsInEveryLanguage(t *testing.T) {
	for p := depositNotAsked; p <= depositNotOnline; p++ {
		for _, l := range templates.Locales() {
			if depositProblemTexts[p][l] == "" {
				t.Errorf("deposit problem %d has no %s words", p, l)
			}
		}
	}
	for key, words := range depositMessages {
		en := strings.Count(words[templates.LocaleEN], "%s")
		for _, l := range templates.Locales() {
			if words[l] == "" || strings.Count(words[l], "%s") != en {
				t.Errorf("message %s in %s: %q", key, l, words[l])
			}
		}
	}
	if got := depositMessage("pl", "Warszawa", "WA 1", 100000, 25000, "PLN"); !strings.Contains(got, "pobrano 250,00") || !strings.HasPrefix(got, "Warszawa: ") {
		t.Errorf("taken in part, pl: %q", got)
	}
	if got := depositMessage("de", "Branch", "WA 1", 100000, 0, "EUR"); !strings.Contains(got, "is released") {
		t.Errorf("released, unknown language: %q", got)
	}
}
