package inbox

import (
	"naryad/hub"
	"naryad/templates"
)

// The inspection's shared words (templates/inspection.go) as the inbox's
// pages use them, so the mechanic's buttons, the advisor's card, the
// customer's report and the PDF name a state and a unit the same way.

// inspStateWords maps each state a mechanic may set to its short word in
// locale, for the state buttons.
func inspStateWords(locale string) map[string]string {
	out := map[string]string{}
	for _, s := range hub.ItemStates() {
		out[s] = templates.StateWord(locale, s)
	}
	return out
}

// inspUnit is a measurement's unit as locale writes it ("mm" → "мм").
func inspUnit(locale, unit string) string { return templates.Unit(locale, unit) }
