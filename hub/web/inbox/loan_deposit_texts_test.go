package inbox

import (
	"strings"
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
	"naryad/payments"
)

// Every word of the deposit form exists in each language, and every
// refusal the payments service makes of a deposit's settlement has words
// with the blanks it fills; none is left over.
func TestDepositFormHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, depositTexts, func(accept string) string { return staffpage.PickLocale(accept, depositTexts) })
	webtest.EveryLanguageHasEveryText(t, depositRefusalTexts, func(accept string) string { return staffpage.PickLocale(accept, depositRefusalTexts) })
	service := payments.DepositRefusals()
	for key, english := range service {
		said, ok := depositRefusalTexts["en"][key]
		if !ok {
			t.Errorf("no words for the service's refusal %q", key)
			continue
		}
		if strings.Count(said, "%s") != strings.Count(english, "%s") {
			t.Errorf("%q: %d blanks, the service fills %d", key, strings.Count(said, "%s"), strings.Count(english, "%s"))
		}
	}
	for key := range depositRefusalTexts["en"] {
		if _, ok := service[key]; !ok {
			t.Errorf("words for %q, which the service never refuses with", key)
		}
	}
}
