package render

import "testing"

func TestAcceptLanguageTakesTheFirstLanguageSpoken(t *testing.T) {
	speaks := func(l string) bool { return l == "ru" || l == "pl" }
	for header, want := range map[string]string{
		"pl-PL,pl;q=0.9,en;q=0.8": "pl", "de-DE, ru_RU;q=0.5": "ru", "EN, PL": "pl",
		"de-DE": "", "": "", ",;q=1": "", "ru;q=0.1,pl": "ru", // the header's order, not its weights
	} {
		if got := AcceptLanguage(header, speaks); got != want {
			t.Errorf("AcceptLanguage(%q) = %q, want %q", header, got, want)
		}
	}
}
