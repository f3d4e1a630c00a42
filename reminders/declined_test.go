package reminders_test

import (
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/reminders"
	"naryad/templates"
)

// declinedAt makes a customer's vehicle with a work order whose
// inspection found the front pads red, and declines their line at at.
func (r *rig) declinedAt(locale string, at time.Time) (int64, hub.Thread) {
	r.t.Helper()
	ctx := r.t.Context()
	cust, phone := r.customer(locale)
	w, th := r.order(cust, phone)
	vehicle, err := r.st.UpsertVehicle(ctx, store.VehicleData{NodeID: r.node.ID, ExternalID: "V" + w.Number, CustomerID: &cust,
		Plate: "WA 12345", Make: "Škoda", Model: "Octavia"})
	if err != nil {
		r.t.Fatal(err)
	}
	w.VehicleID, w.Version = &vehicle, 2
	if _, err := r.st.SaveWorkOrder(ctx, &w); err != nil {
		r.t.Fatal(err)
	}
	insp, err := r.st.StartInspection(ctx, th, "Jan")
	if err != nil {
		r.t.Fatal(err)
	}
	items, err := r.st.InspectionItems(ctx, insp.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	red := hub.ItemRed
	for _, it := range items {
		if it.Code == "pads_front" {
			if _, err := r.st.EditInspectionItem(ctx, insp.ID, it.ID, store.ItemEdit{State: &red, By: "Jan"}); err != nil {
				r.t.Fatal(err)
			}
		}
	}
	if _, err := r.st.SendInspection(ctx, insp.ID, "Anna"); err != nil {
		r.t.Fatal(err)
	}
	if err := r.st.ReplaceLines(ctx, w.ID, []hub.WorkOrderLine{{ExternalID: "1", Position: 1, Kind: hub.LinePart, Name: "Pads",
		QtyMilli: 1000, UnitPriceMinor: 40000, TotalMinor: 40000, NeedsApproval: true, InspectionItem: "pads_front"}}); err != nil {
		r.t.Fatal(err)
	}
	lines, err := r.st.Lines(ctx, w.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.st.DecideLines(ctx, w, th, []store.Decision{{LineID: lines[0].ID, Decision: hub.DecisionDeclined}},
		store.Evidence{By: "customer", At: at}); err != nil {
		r.t.Fatal(err)
	}
	return cust, th
}

// TestDeclinedWorkIsOfferedOnceAfterTheBranchDays: the declined pads are
// offered after the branch's declined_offer_days, not before, once (a
// later scan sends nothing), in the customer's language, not in the quiet
// hours, and never to a customer who opted out.
func TestDeclinedWorkIsOfferedOnceAfterTheBranchDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, "Europe/Warsaw")
		r.settings(func(rs *store.ReminderSettings) {
			rs.QuietFrom, rs.QuietUntil, rs.DeclinedOfferDays = "21:00", "09:00", 60
		})
		declined := time.Date(2026, 1, 10, 11, 0, 0, 0, time.UTC)
		cust, _ := r.declinedAt("pl", declined)
		stopped, stoppedThread := r.declinedAt("ru", declined)
		if _, err := s.SetOptOut(t.Context(), stoppedThread, true); err != nil {
			t.Fatal(err)
		}
		run := r.runner(reminders.DefaultRules()...)

		r.setNow(declined.AddDate(0, 0, 59))
		if res := r.scan(run); res.Sent != 0 || len(r.sent(cust)) != 0 {
			t.Fatalf("a day early: %+v", res)
		}
		r.setNow(time.Date(2026, 3, 11, 21, 30, 0, 0, time.UTC)) // 22:30 in Warsaw, 60 days on
		if res := r.scan(run); res.Sent != 0 || res.Held != 1 || res.OptedOut != 1 {
			t.Fatalf("in the quiet hours: %+v, want one held and one opted out", res)
		}
		r.setNow(time.Date(2026, 3, 12, 8, 5, 0, 0, time.UTC)) // 09:05 in Warsaw
		if res := r.scan(run); res.Sent != 1 {
			t.Fatalf("after the quiet hours: %+v, want one sent", res)
		}
		msgs := r.sent(cust)
		if len(msgs) != 1 || msgs[0].TemplateKey != templates.KeyReminderDeclinedWork ||
			!strings.Contains(msgs[0].Body, "zaleciliśmy") || !strings.Contains(msgs[0].Body, "Brake pads front") ||
			!strings.Contains(msgs[0].Body, "https://hub.test/account/book?vehicle=") ||
			!strings.HasSuffix(msgs[0].Body, "&branch="+r.branch.Code) {
			t.Fatalf("sent %+v", msgs)
		}
		if n := len(r.sent(stopped)); n != 0 {
			t.Fatalf("the opted-out customer got %d reminders", n)
		}
		r.setNow(time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC))
		if res := r.scan(run); res.Sent != 0 || len(r.sent(cust)) != 1 {
			t.Fatalf("weeks later: %+v, %d sent in all; want it offered once", res, len(r.sent(cust)))
		}
		due, err := s.DeclinedWorkDue(t.Context(), r.branch.ID, declined, r.clock())
		if err != nil || len(due) != 1 || due[0].CustomerID != stopped {
			t.Fatalf("still due: %+v %v; want only the opted-out customer's row", due, err)
		}
		// Back in after weeks: too late for an offer.
		if _, err := s.SetOptOut(t.Context(), stoppedThread, false); err != nil {
			t.Fatal(err)
		}
		if res := r.scan(run); res.Sent != 0 || len(r.sent(stopped)) != 0 {
			t.Fatalf("an offer %v late went out: %+v", r.clock().Sub(declined.AddDate(0, 0, 60)), res)
		}
	})
}
