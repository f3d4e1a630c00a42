package admin

import (
	"testing"

	"naryad/hub"
	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

// Every word of the fleet page exists in each language, and every fuel,
// state, identity method and problem the store can name has a word.
func TestEveryLoanerLanguageHasEveryText(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, loanerTexts, func(accept string) string { return staffpage.PickLocale(accept, loanerTexts) })
	var keys []string
	for _, f := range hub.CarFuels() {
		keys = append(keys, "fuel_"+f)
	}
	for _, s := range append(hub.CarStates(), "retired") {
		keys = append(keys, "state_"+s)
	}
	for _, m := range hub.IdentityMethods() {
		keys = append(keys, "identity_"+m)
	}
	for _, p := range []string{hub.ProblemRequired, hub.ProblemTooLong, hub.ProblemRange, hub.ProblemFormat, hub.ProblemTaken} {
		keys = append(keys, "p_"+p)
	}
	for _, f := range []string{"plate", "vin", "model", "fuel", "note", "state", "identity_method", "photo_retention_days", "deposit", "deposit_currency", "terms"} {
		keys = append(keys, "f_"+f)
	}
	for _, k := range keys {
		if loanerTexts["en"][k] == "" {
			t.Errorf("no word for %s", k)
		}
	}
}
