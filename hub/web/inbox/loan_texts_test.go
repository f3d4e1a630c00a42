package inbox

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word of the courtesy-car card exists in each language, with the
// same blanks to fill, and every state, check, deposit status and photo
// kind the card shows has its word.
func TestLoanCardHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, loanTexts, func(accept string) string { return staffpage.PickLocale(accept, loanTexts) })
	var keys []string
	for _, s := range hub.LoanStates() {
		keys = append(keys, "st_"+s)
	}
	for _, s := range []string{hub.IdentityPending, hub.IdentitySubmitted, hub.IdentityProcessing, hub.IdentityVerified, hub.IdentityRefused} {
		keys = append(keys, "id_"+s)
	}
	for _, s := range []string{hub.DepositNone, hub.DepositRequired, hub.DepositHeld, hub.DepositCaptured, hub.DepositReleased, hub.DepositFailed} {
		keys = append(keys, "dep_"+s)
	}
	for _, k := range hub.IDPhotoKinds() {
		keys = append(keys, "ph_"+k)
	}
	for _, k := range []string{"offered", "withdrawn", "approved", "refused", "out", "returned", "readings"} {
		keys = append(keys, "done_"+k)
	}
	for _, k := range keys {
		if loanTexts["en"][k] == "" {
			t.Errorf("no word for %q", k)
		}
	}
}

var place = regexp.MustCompile(`\{[a-z_]+\}`)

// The customer's messages say the same things in each language: the same
// places, and a link wherever the English one has it.
func TestLoanCustomerTextsHaveTheSamePlaces(t *testing.T) {
	for _, locale := range []string{"ru", "pl", "en"} {
		if len(loanCustomerTexts[locale]) != len(loanCustomerTexts["en"]) {
			t.Errorf("%s has %d messages, en %d", locale, len(loanCustomerTexts[locale]), len(loanCustomerTexts["en"]))
		}
		for key, en := range loanCustomerTexts["en"] {
			want, got := place.FindAllString(en, -1), place.FindAllString(loanCustomerTexts[locale][key], -1)
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(want, got) {
				t.Errorf("%s %q has places %v, en %v", locale, key, got, want)
			}
		}
	}
}

// A bracketed part goes only with all its values; other places are
// filled, empty or not, and nothing of the syntax is left.
func TestCustomerLine(t *testing.T) {
	args := map[string]string{"branch": "Сервис", "car": "Kia Rio A1", "reason": "нечитаемо"}
	got := customerLine("ru", "refused", args)
	if got != "Сервис: мы не можем выдать подменный автомобиль Kia Rio A1: нечитаемо. Вопросы — по телефону." {
		t.Errorf("without a phone: %q", got)
	}
	args["phone"] = "+74951234567"
	if got = customerLine("de", "refused", args); !strings.HasSuffix(got, "Questions: call us on +74951234567.") {
		t.Errorf("an unknown language, with a phone: %q", got)
	}
	for _, locale := range []string{"ru", "pl", "en"} {
		for key := range loanCustomerTexts[locale] {
			if line := customerLine(locale, key, map[string]string{}); strings.ContainsAny(line, "{}[]") {
				t.Errorf("%s %s: %q", locale, key, line)
			}
		}
	}
}
