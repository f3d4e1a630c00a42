package reminders_test

import (
	"testing"
	"time"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/reminders"
	"naryad/templates"
)

func TestTyresSeasons(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		c := w.customer(t)
		summer := w.vehicle(t, c, store.VehicleData{Make: "Kia", Model: "Rio", TyreSeason: "summer"}, "")
		winter := w.vehicle(t, c, store.VehicleData{TyreSeason: "winter"}, "")
		w.vehicle(t, c, store.VehicleData{TyreSeason: "all_season"}, "")
		w.vehicle(t, c, store.VehicleData{}, "") // season unknown
		justIn := w.vehicle(t, c, store.VehicleData{TyreSeason: "summer"}, "")
		w.order(t, w.home, c, justIn, time.Date(2026, 9, 20, 9, 0, 0, 0, time.UTC)) // within 30 days of Oct 5
		w.setDue(t, justIn, "")
		rule := reminders.NewTyres()

		// Default dates: spring 04-01, autumn 10-15.
		autumn := w.scan(t, w.home, "2026-10-05 10:00")
		got := w.due(t, rule, autumn)
		same(t, "autumn", occasions(got), []string{subject(summer) + " 2026-autumn"})
		r := got[0]
		if r.Rule != "tyres" || r.CustomerID != c || r.Template != templates.KeyReminderTyres || r.Data.Season != "winter" || r.Data.Vehicle != "Kia Rio "+r.Data.Plate {
			t.Fatalf("reminder %+v", r)
		}
		if !r.DueAt.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, w.home.Location())) {
			t.Fatalf("due at %s, want the window's first day, Oct 1", r.DueAt)
		}
		w.send(t, autumn, got)
		if got := w.due(t, rule, w.scan(t, w.home, "2026-10-15 10:00")); len(got) != 0 {
			t.Fatalf("once per season: %q", occasions(got))
		}
		for _, day := range []string{"2026-09-30 10:00", "2026-10-16 10:00", "2026-07-01 10:00"} {
			if got := w.due(t, rule, w.scan(t, w.home, day)); len(got) != 0 {
				t.Fatalf("outside the window on %s: %q", day, occasions(got))
			}
		}
		spring := w.due(t, rule, w.scan(t, w.home, "2027-04-01 20:00"))
		same(t, "spring", occasions(spring), []string{subject(winter) + " 2027-spring"})
		if spring[0].Data.Season != "summer" {
			t.Fatalf("spring season = %q", spring[0].Data.Season)
		}
		// A year later the same car is reminded again.
		same(t, "next autumn", occasions(w.due(t, rule, w.scan(t, w.home, "2027-10-01 09:00"))),
			[]string{subject(summer) + " 2027-autumn", subject(justIn) + " 2027-autumn"})
	})
}

func TestTyresBranchDates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		c := w.customer(t)
		winter := w.vehicle(t, c, store.VehicleData{TyreSeason: "winter"}, "")
		settings, err := s.BranchReminderSettings(t.Context(), w.home.ID)
		if err != nil {
			t.Fatal(err)
		}
		// A southern branch changes to summer tyres early in January.
		settings.TyreSpringOn = "01-05"
		if err := s.SetBranchReminderSettings(t.Context(), w.home.ID, settings); err != nil {
			t.Fatal(err)
		}
		rule := &reminders.Tyres{LeadDays: 21, NoOrderDays: 30}
		same(t, "across the new year", occasions(w.due(t, rule, w.scan(t, w.home, "2026-12-20 10:00"))), []string{subject(winter) + " 2027-spring"})

		settings.TyreAutumnOn = "10/15"
		if err := s.SetBranchReminderSettings(t.Context(), w.home.ID, settings); err != nil {
			t.Fatal(err)
		}
		if _, err := rule.Due(t.Context(), s, w.scan(t, w.home, "2026-10-01 10:00")); err == nil {
			t.Fatal("a malformed change date went unnoticed")
		}
	})
}
