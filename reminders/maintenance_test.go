package reminders_test

import (
	"testing"
	"time"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/reminders"
	"naryad/templates"
)

func TestMaintenanceLeadsAndCatchUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		c := w.customer(t)
		serviced := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
		plan := store.VehicleData{Make: "Škoda", Model: "Octavia", LastServiceAt: &serviced, LastServiceMileageKm: 30000, IntervalMonths: 12}
		// Today is 2026-05-18 in Moscow.
		in14 := w.vehicle(t, c, plan, "2026-06-01")
		in10 := w.vehicle(t, c, plan, "2026-05-28") // its 14-day scan was missed
		in4 := w.vehicle(t, c, plan, "2026-05-22")
		in3 := w.vehicle(t, c, plan, "2026-05-21")
		in0 := w.vehicle(t, c, plan, "2026-05-18")
		in15 := w.vehicle(t, c, plan, "2026-06-02") // 15 days: not yet
		w.vehicle(t, c, plan, "2026-05-17")         // yesterday: over
		w.vehicle(t, c, plan, "")                   // no prediction
		away := w.vehicle(t, c, plan, "2026-06-01") // another branch's
		w.order(t, w.other, c, away, serviced)
		w.setDue(t, away, "2026-06-01") // as the ingest does after the work order

		rule := reminders.NewMaintenance()
		if rule.Name() != "maintenance" {
			t.Fatalf("name %q", rule.Name())
		}
		scan := w.scan(t, w.home, "2026-05-18 10:00")
		got := w.due(t, rule, scan)
		same(t, "due on 2026-05-18", occasions(got), []string{
			subject(in14) + " 2026-06-01/14d",
			subject(in0) + " 2026-05-18/3d",
			subject(in3) + " 2026-05-21/3d",
			subject(in4) + " 2026-05-22/14d",
			subject(in10) + " 2026-05-28/14d",
		})
		msk := w.home.Location()
		for _, r := range got {
			if r.Rule != "maintenance" || r.Audience != reminders.ToCustomer || r.CustomerID != c || r.Template != templates.KeyReminderMaintenance || r.ThreadID != 0 {
				t.Fatalf("reminder %+v", r)
			}
			if r.VehicleID == 0 || subject(r.VehicleID) != r.Subject {
				t.Fatalf("reminder of %s names vehicle %d (its book link would choose the wrong car)", r.Subject, r.VehicleID)
			}
			if r.Subject == subject(in14) {
				if !r.Data.DueAt.Equal(time.Date(2026, 6, 1, 0, 0, 0, 0, msk)) || r.Data.Vehicle != "Škoda Octavia "+r.Data.Plate || r.Data.Plate == "" {
					t.Fatalf("data %+v", r.Data)
				}
				if !r.DueAt.Equal(time.Date(2026, 5, 18, 0, 0, 0, 0, msk)) {
					t.Fatalf("14-day reminder due at %s, want Moscow midnight of May 18", r.DueAt)
				}
			}
			if r.Subject == subject(in10) && !r.DueAt.Equal(time.Date(2026, 5, 14, 0, 0, 0, 0, msk)) {
				t.Fatalf("caught-up reminder due at %s, want May 14 (14 days before May 28)", r.DueAt)
			}
		}

		// Once sent, the next scans leave them out: the same day, and the
		// days after until the next lead.
		w.send(t, scan, got)
		if again := w.due(t, rule, scan); len(again) != 0 {
			t.Fatalf("re-run the same day: %q", occasions(again))
		}
		next := w.due(t, rule, w.scan(t, w.home, "2026-05-19 10:00"))
		same(t, "due on 2026-05-19", occasions(next), []string{subject(in4) + " 2026-05-22/3d", subject(in15) + " 2026-06-02/14d"})

		// The hub was down from May 19 to May 28: on the 29th the 3-day
		// reminder of June 1 goes, late, and only it.
		w.send(t, scan, next)
		same(t, "due on 2026-05-29", occasions(w.due(t, rule, w.scan(t, w.home, "2026-05-29 10:00"))), []string{subject(in14) + " 2026-06-01/3d"})
	})
}

func TestMaintenanceStopsAtANewWorkOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		c := w.customer(t)
		serviced := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC) // 12:00 in Moscow
		plan := store.VehicleData{LastServiceAt: &serviced, LastServiceMileageKm: 30000, IntervalMonths: 12}
		back := w.vehicle(t, c, plan, "2026-06-01")
		sameDay := w.vehicle(t, c, plan, "2026-06-01")
		earlier := w.vehicle(t, c, plan, "2026-06-01")
		// The customer came back: a work order on a later day stops the
		// reminders. The one that recorded the service (opened that morning)
		// and one before it do not.
		w.order(t, w.home, c, back, time.Date(2026, 5, 10, 7, 0, 0, 0, time.UTC))
		w.order(t, w.home, c, sameDay, time.Date(2025, 6, 1, 5, 0, 0, 0, time.UTC))
		w.order(t, w.home, c, earlier, time.Date(2025, 5, 20, 5, 0, 0, 0, time.UTC))
		// Without a last service date, a work order since the reminders
		// began (14 days before) stops them, an older one does not.
		mileageOnly := store.VehicleData{IntervalKm: 15000}
		dateless := w.vehicle(t, c, mileageOnly, "2026-06-01")
		w.order(t, w.home, c, dateless, time.Date(2026, 5, 18, 6, 0, 0, 0, time.UTC))
		datelessOld := w.vehicle(t, c, mileageOnly, "2026-06-01")
		w.order(t, w.home, c, datelessOld, time.Date(2026, 5, 17, 6, 0, 0, 0, time.UTC))

		got := w.due(t, reminders.NewMaintenance(), w.scan(t, w.home, "2026-05-20 10:00"))
		same(t, "reminded", occasions(got), []string{
			subject(sameDay) + " 2026-06-01/14d",
			subject(earlier) + " 2026-06-01/14d",
			subject(datelessOld) + " 2026-06-01/14d",
		})
	})
}

func TestMaintenanceOptionsAndDrift(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		c := w.customer(t)
		car := w.vehicle(t, c, store.VehicleData{IntervalKm: 15000}, "2026-06-01")
		scan := w.scan(t, w.home, "2026-05-25 10:00")

		weekAndDay := &reminders.Maintenance{LeadDays: []int{0, 7, 7, -2}}
		got := w.due(t, weekAndDay, scan)
		same(t, "7-day lead", occasions(got), []string{subject(car) + " 2026-06-01/7d"})
		w.send(t, scan, got)

		// A new odometer reading moved the date a day: the 7-day reminder
		// that went out counts.
		w.setDue(t, car, "2026-06-02")
		if got := w.due(t, weekAndDay, w.scan(t, w.home, "2026-05-26 10:00")); len(got) != 0 {
			t.Fatalf("after the date moved: %q", occasions(got))
		}
		same(t, "on the day", occasions(w.due(t, weekAndDay, w.scan(t, w.home, "2026-06-02 10:00"))), []string{subject(car) + " 2026-06-02/0d"})
		if got := w.due(t, &reminders.Maintenance{}, scan); got != nil {
			t.Fatalf("no leads: %q", occasions(got))
		}
	})
}
