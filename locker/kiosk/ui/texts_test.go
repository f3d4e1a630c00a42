package ui

import (
	"testing"

	"naryad/locker/kiosk"
	"naryad/lockerwire"
)

// TestTextsComplete: every word exists in every language, every problem
// and every compartment state has words.
func TestTextsComplete(t *testing.T) {
	for _, l := range languages {
		if texts[l.Code] == nil {
			t.Errorf("language %s has no texts", l.Code)
		}
	}
	if len(texts) != len(languages) {
		t.Errorf("texts has %d languages, the switch %d", len(texts), len(languages))
	}
	keys := map[string]bool{}
	for _, words := range texts {
		for k := range words {
			keys[k] = true
		}
	}
	for locale, words := range texts {
		for k := range keys {
			if words[k] == "" {
				t.Errorf("%s has no text for %q", locale, k)
			}
		}
	}
	problems := []string{kiosk.ProblemWrongCode, kiosk.ProblemNotPaid, kiosk.ProblemNotReady, kiosk.ProblemUsePIN,
		kiosk.ProblemAlreadyIn, kiosk.ProblemNoFreeBox, kiosk.ProblemBadFormat, kiosk.ProblemBoardFailed, kiosk.ProblemUnknownOrder}
	for _, p := range problems {
		if key := problemTexts[p]; !keys[key] {
			t.Errorf("problem %q has no words (key %q)", p, key)
		}
	}
	states := []string{lockerwire.StateFree, lockerwire.StateOpen, lockerwire.StateHeld, lockerwire.StateWithStaff, lockerwire.StateReady,
		lockerwire.StateAttention, lockerwire.StateBroken}
	for _, s := range states {
		if key := stateTexts[s]; !keys[key] {
			t.Errorf("state %q has no words (key %q)", s, key)
		}
	}
	for _, mode := range []kiosk.Mode{kiosk.ModeDropOff, kiosk.ModePickup, kiosk.ModeStaff} {
		for _, prefix := range []string{"entry_", "code_", "door_open_", "done_"} {
			if !keys[prefix+string(mode)] {
				t.Errorf("mode %s has no %s text", mode, prefix)
			}
		}
	}
}
