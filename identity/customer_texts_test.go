package identity

import (
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/templates"
)

// Every customer word exists in ru, pl and en, names the branch, and
// never a link (the hub cannot send the loan's link again).
func TestCustomerTextsInEveryLanguage(t *testing.T) {
	for _, locale := range templates.Locales() {
		for p, words := range problemTexts {
			if words[locale] == "" {
				t.Errorf("problem %d has no %s words", p, locale)
			}
		}
		for step, words := range verifiedTexts {
			if !strings.HasPrefix(words[locale], "%s: ") || strings.Count(words[locale], "%s") != 1 {
				t.Errorf("verified %s %s: %q", step, locale, words[locale])
			}
		}
		if strings.Count(failedTexts[locale], "%s") != 2 {
			t.Errorf("failed %s: %q", locale, failedTexts[locale])
		}
		for code, words := range reasonTexts {
			if words[locale] == "" {
				t.Errorf("reason %s has no %s words", code, locale)
			}
		}
	}
}

// The verified message names the step the loan waits for next; the
// failed one a reason it knows, and none it does not.
func TestCustomerMessagesNameWhatIsNext(t *testing.T) {
	now := time.Now()
	l := hub.Loan{Locale: "en-GB", DepositStatus: hub.DepositRequired}
	for _, c := range []struct {
		edit func(*hub.Loan)
		want string
	}{
		{func(*hub.Loan) {}, "sign the agreement"},
		{func(l *hub.Loan) { l.SignedAt = &now }, "leave the deposit"},
		{func(l *hub.Loan) { l.DepositStatus = hub.DepositHeld }, "to get the key"},
	} {
		c.edit(&l)
		if got := verifiedMessage(l, "Warszawa"); !strings.HasPrefix(got, "Warszawa: your identity is confirmed.") || !strings.Contains(got, c.want) {
			t.Errorf("verified %q, want %q", got, c.want)
		}
	}
	l.Locale = "pl"
	if got := failedMessage(l, "Warszawa", "document_expired"); got != "Warszawa: weryfikacja tożsamości nie powiodła się: dokument stracił ważność. Możesz spróbować ponownie: otwórz link do samochodu zastępczego, który Ci wysłaliśmy." {
		t.Errorf("failed %q", got)
	}
	if got := failedMessage(l, "Warszawa", "something_new"); !strings.HasPrefix(got, "Warszawa: weryfikacja tożsamości nie powiodła się. Możesz") {
		t.Errorf("failed with an unknown reason %q", got)
	}
}
