package templates

import (
	"testing"
	"time"
)

func TestDateTimeInBranchZone(t *testing.T) {
	warsaw := mustZone(t, "Europe/Warsaw")
	moscow := mustZone(t, "Europe/Moscow")
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatalf("parse %s: %v", s, err)
		}
		return v
	}
	tests := []struct {
		name         string
		at           time.Time
		zone         *time.Location
		locale       string
		wantDateTime string
		wantDate     string
	}{
		// Warsaw leaves summer time at 03:00 CEST on 2026-10-25: 02:00–03:00
		// happens twice, once at UTC+2 and once at UTC+1.
		{"warsaw before change", utc("2026-10-24T23:30:00Z"), warsaw, "pl", "25.10.2026 01:30", "25.10.2026"},
		{"warsaw first 02:30", utc("2026-10-25T00:30:00Z"), warsaw, "pl", "25.10.2026 02:30", "25.10.2026"},
		{"warsaw second 02:30", utc("2026-10-25T01:30:00Z"), warsaw, "pl", "25.10.2026 02:30", "25.10.2026"},
		{"warsaw after change", utc("2026-10-25T02:30:00Z"), warsaw, "pl", "25.10.2026 03:30", "25.10.2026"},
		{"warsaw winter en", utc("2026-11-23T13:30:00Z"), warsaw, "en", "23 Nov 2026, 14:30", "23 Nov 2026"},
		// Moscow keeps UTC+3 all year: the same instants move by exactly 3h.
		{"moscow same night", utc("2026-10-25T00:30:00Z"), moscow, "ru", "25.10.2026 03:30", "25.10.2026"},
		{"moscow an hour later", utc("2026-10-25T01:30:00Z"), moscow, "ru", "25.10.2026 04:30", "25.10.2026"},
		{"moscow crosses midnight", utc("2026-11-23T22:10:00Z"), moscow, "ru", "24.11.2026 01:10", "24.11.2026"},
		{"nil zone is UTC", utc("2026-11-23T14:30:00Z"), nil, "en", "23 Nov 2026, 14:30", "23 Nov 2026"},
		{"zero is unknown", time.Time{}, moscow, "ru", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := prepare(Data{PromisedAt: tt.at, Location: tt.zone, Locale: tt.locale})
			if got := formatDateTime(d.Locale, d.PromisedAt); got != tt.wantDateTime {
				t.Errorf("datetime = %q, want %q", got, tt.wantDateTime)
			}
			if got := formatDate(d.Locale, d.PromisedAt); got != tt.wantDate {
				t.Errorf("date = %q, want %q", got, tt.wantDate)
			}
		})
	}
}
