package templates

import (
	"strings"
	"testing"
	"time"
)

// Reminder dates are calendar dates in the branch's zone: a due date given
// as an instant prints as the branch's date, and the caller's items are
// left as they were.
func TestReminderDatesInBranchZone(t *testing.T) {
	r := newRenderer(t, nil)
	warsaw := mustZone(t, "Europe/Warsaw")
	// 23:30 UTC on 30 Nov is already 1 Dec in Warsaw.
	late := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	items := []Item{{Title: "OC insurance", Kind: "insurance", ExpiresAt: late}}
	d := Data{BranchName: "Serwis", Locale: LocalePL, Location: warsaw, DueAt: late, Items: items, Link: "https://x/c/1"}

	got, err := r.Render(t.Context(), 1, KeyReminderMaintenance, d)
	if err != nil || !strings.Contains(got, "01.12.2026") {
		t.Errorf("maintenance = %q, %v; want the Warsaw date 01.12.2026", got, err)
	}
	got, err = r.Render(t.Context(), 1, KeyReminderExpiring, d)
	if err != nil || !strings.Contains(got, "OC insurance — 01.12.2026") {
		t.Errorf("expiring = %q, %v; want the item with its Warsaw date", got, err)
	}
	if items[0].ExpiresAt.Location() != time.UTC {
		t.Error("Render moved the caller's item into the branch zone")
	}
}

func TestReminderTyresSeason(t *testing.T) {
	r := newRenderer(t, nil)
	for season, want := range map[string]string{"winter": "winter tyres", "summer": "summer tyres"} {
		got, err := r.Render(t.Context(), 1, KeyReminderTyres, Data{BranchName: "Service", Season: season, Locale: LocaleEN})
		if err != nil || !strings.Contains(got, want) {
			t.Errorf("tyres(%s) = %q, %v; want %q", season, got, err, want)
		}
	}
}

// The declined-work row may come from any earlier visit (a later work order
// that did not do the work leaves it open): the reminder must not say it
// was the last one.
func TestReminderDeclinedWorkDoesNotClaimTheLastVisit(t *testing.T) {
	r := newRenderer(t, nil)
	for locale, want := range map[string]string{LocaleRU: "недавних визитов", LocalePL: "ostatnich wizyt", LocaleEN: "on a recent visit"} {
		d := Data{BranchName: "Сервис", Locale: locale, Lines: []Line{{Name: "Колодки"}}, Link: "https://x/c/1"}
		got, err := r.Render(t.Context(), 1, KeyReminderDeclinedWork, d)
		if err != nil || !strings.Contains(got, want) {
			t.Errorf("%s: %q, %v; want %q", locale, got, err, want)
		}
		for _, last := range []string{"прошлом визите", "ostatniej wizyty", "last visit"} {
			if strings.Contains(got, last) {
				t.Errorf("%s: %q still says %q", locale, got, last)
			}
		}
	}
}
