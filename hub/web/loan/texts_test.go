package loan

import (
	"testing"

	"naryad/hub/web/webtest"
)

func TestEveryLanguageHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, texts, neutralLocale)
}

// The page speaks the loan's language whatever the browser asks, as the
// agreement does: ru, pl, en, English for anything else.
func TestLoanLocale(t *testing.T) {
	for locale, want := range map[string]string{"ru": "ru", "PL": "pl", "pl-PL": "pl", "en": "en", "de": "en", "": "en"} {
		if got := loanLocale(locale); got != want {
			t.Errorf("loanLocale(%q) = %q, want %q", locale, got, want)
		}
	}
}
