package payments

import (
	"testing"

	"naryad/templates"
)

func TestEveryCustomerProblemSpeaksEveryLanguage(t *testing.T) {
	for p := problemNotOffered; p <= problemTryAgain; p++ {
		seen := map[string]bool{}
		for _, l := range templates.Locales() {
			text := p.in(l)
			if text == "" || seen[text] && l != templates.LocaleEN {
				t.Errorf("problem %d in %s: %q", p, l, text)
			}
			seen[text] = true
		}
	}
}
