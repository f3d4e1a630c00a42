package admin

import (
	"strings"
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
	"naryad/payments"
)

// Every refusal of a provider's settings the payments service makes has
// words in each language, with the blanks it fills; none is left over.
func TestEveryPaymentRefusalHasWords(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, payRefusalTexts, func(accept string) string { return staffpage.PickLocale(accept, payRefusalTexts) })
	service := payments.SetupRefusals()
	for key, english := range service {
		said, ok := payRefusalTexts["en"][key]
		if !ok {
			t.Errorf("no words for the service's refusal %q", key)
			continue
		}
		if strings.Count(said, "%s") != strings.Count(english, "%s") {
			t.Errorf("%q: %d blanks, the service fills %d", key, strings.Count(said, "%s"), strings.Count(english, "%s"))
		}
	}
	for key := range payRefusalTexts["en"] {
		if _, ok := service[key]; !ok {
			t.Errorf("words for %q, which the service never refuses with", key)
		}
	}
}
