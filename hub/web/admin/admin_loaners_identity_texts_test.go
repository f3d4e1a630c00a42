package admin

import (
	"strings"
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word of the identity section exists in each language, and each
// refusal has as many blanks in every language.
func TestEveryLoanIdentityLanguageHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, loanIdentityTexts, func(accept string) string { return staffpage.PickLocale(accept, loanIdentityTexts) })
	for key, en := range loanIdentityTexts["en"] {
		if !strings.HasPrefix(key, "identity_") {
			continue
		}
		for locale, words := range loanIdentityTexts {
			if strings.Count(words[key], "%s") != strings.Count(en, "%s") {
				t.Errorf("%s %s: blanks differ from English", locale, key)
			}
		}
	}
}
