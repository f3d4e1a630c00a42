package hub_test

import (
	"errors"
	"strings"
	"testing"

	"naryad/hub"
)

func TestParseMeasurement(t *testing.T) {
	good := map[string]string{"4,5": "4.5", " 7 ": "7", "007.50": "7.5", "0.125": "0.125", "": "", "0": "0", "99999": "99999"}
	for in, want := range good {
		if got, err := hub.ParseMeasurement(in); err != nil || got != want {
			t.Errorf("%q → %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"-1", "1e3", "4.5555", "abc", ".5", "100000", "4,5,6", "NaN", "１２"} {
		if got, err := hub.ParseMeasurement(in); !errors.Is(err, hub.ErrItemInput) {
			t.Errorf("%q accepted as %q", in, got)
		}
	}
}

func TestCleanItemText(t *testing.T) {
	if got, err := hub.CleanItemText("note", "  Износ 80%\r\nменять  ", 100); err != nil || got != "Износ 80%\nменять" {
		t.Fatalf("%q %v", got, err)
	}
	for _, in := range []string{"a\x00b", "\xff\xfe", strings.Repeat("я", 101), "bell\a"} {
		if _, err := hub.CleanItemText("note", in, 100); !errors.Is(err, hub.ErrItemInput) {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestItemNameFollowsTheChecklistsLanguage(t *testing.T) {
	list := hub.DefaultChecklist()
	it := hub.InspectionItem{Code: "pads_front", Name: "Тормозные колодки передние"}
	if got := hub.ItemName(it, list, "pl"); got != "Klocki hamulcowe przednie" {
		t.Errorf("pl: %q", got)
	}
	free := hub.InspectionItem{Code: "free-1", Name: "Сколы на капоте"}
	if got := hub.ItemName(free, list, "pl"); got != "Сколы на капоте" {
		t.Errorf("a free item keeps its name: %q", got)
	}
	if (hub.InspectionItem{State: hub.ItemRed, Hidden: true}).Reported() || (hub.InspectionItem{}).Reported() ||
		!(hub.InspectionItem{State: hub.ItemGreen}).Reported() {
		t.Error("Reported: hidden or unchecked items are not reported, checked ones are")
	}
}
