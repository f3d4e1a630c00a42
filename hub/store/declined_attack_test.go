package store_test

import (
	"context"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// The customer declines the pads at 5 000 + 1 500; the service discounts
// the part to 4 000 (a new version: the part's decision is cleared, it
// waits again) and the customer declines once more. The vehicle remembers
// 5 500 declined, what the declined lines now cost, not 5 000 + 1 500 +
// 4 000 counted again on every re-decline.
func TestARepricedLineDeclinedAgainIsNotCountedTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newDeclinedWorld(t, s)
		if err := w.decide(t, s, hub.DecisionDeclined, "pads-part", "pads-labour", "wipers", "battery"); err != nil {
			t.Fatal(err)
		}
		if got := declined(t, s, w.vehicle)["pads_front"].TotalMinor; got != 650000 {
			t.Fatalf("first decline: %d, want 650000", got)
		}
		w.Order.Version = 3
		if _, err := s.SaveWorkOrder(ctx, &w.Order); err != nil {
			t.Fatal(err)
		}
		part := w.lines["pads-part"]
		part.UnitPriceMinor, part.TotalMinor = 400000, 400000
		if err := s.UpsertLines(ctx, w.Order.ID, []hub.WorkOrderLine{part}); err != nil {
			t.Fatal(err)
		}
		if err := w.decide(t, s, hub.DecisionDeclined, "pads-part"); err != nil {
			t.Fatal(err)
		}
		got := declined(t, s, w.vehicle)
		if got["pads_front"].TotalMinor != 550000 || got["wipers"].TotalMinor != 120000 {
			t.Fatalf("after the re-decline: pads %d, wipers %d; want 550000 and 120000",
				got["pads_front"].TotalMinor, got["wipers"].TotalMinor)
		}
	})
}

// The car changes hands after its owner declined the pads: the new owner
// is not offered "the work we recommended on your last visit" (a visit
// that was not theirs, with its prices); the row stays for the advisor.
func TestDeclinedWorkIsNotOfferedToTheVehiclesNextOwner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newDeclinedWorld(t, s)
		if err := w.decide(t, s, hub.DecisionDeclined, "pads-part", "pads-labour", "wipers", "battery"); err != nil {
			t.Fatal(err)
		}
		buyer, err := s.UpsertCustomer(ctx, store.CustomerData{NodeID: w.Node.ID, ExternalID: "c2", Name: "Пётр",
			Phones: []string{"+79167654321"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertVehicle(ctx, store.VehicleData{NodeID: w.Node.ID, ExternalID: "v1", CustomerID: &buyer,
			Plate: "А123ВС77", Make: "Škoda", Model: "Octavia"}); err != nil {
			t.Fatal(err)
		}
		due, err := s.DeclinedWorkDue(ctx, w.Branch.ID, time.Now(), time.Now().AddDate(1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range due {
			if d.CustomerID == buyer {
				t.Fatalf("the next owner is offered %+v", d.Items)
			}
		}
		if open, err := s.OpenDeclinedWork(ctx, w.vehicle, 0); err != nil || len(open) != 2 {
			t.Fatalf("the advisor's rows: %d %v", len(open), err)
		}
	})
}

// A free item named with a direction override (U+202E), declined, is
// remembered without it: the reminder's SMS lists the name before the
// sums and the link, which the override would turn around on the phone.
func TestDeclinedWorkKeepsNoDirectionOverrides(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newDeclinedWorld(t, s)
		insp, err := s.InspectionOf(ctx, w.Order.ID)
		if err != nil {
			t.Fatal(err)
		}
		item, err := s.AddFreeItem(ctx, insp.ID, "Рулевая тяга\u202e 00,0004", "", "Ivan")
		if err != nil {
			t.Fatal(err)
		}
		red, note := hub.ItemRed, "Люфт\u2067 1"
		if _, err := s.EditInspectionItem(ctx, insp.ID, item.ID, store.ItemEdit{State: &red, Note: &note, By: "Ivan"}); err != nil {
			t.Fatal(err)
		}
		// Sent again: the customer declines what the advisor sent.
		if _, err := s.SendInspection(ctx, insp.ID, "Anna"); err != nil {
			t.Fatal(err)
		}
		line := hub.WorkOrderLine{ExternalID: "rod", Position: 5, Kind: hub.LinePart, Name: "Тяга", QtyMilli: 1000,
			UnitPriceMinor: 400000, TotalMinor: 400000, NeedsApproval: true, InspectionItem: item.Code}
		if err := s.UpsertLines(ctx, w.Order.ID, []hub.WorkOrderLine{line}); err != nil {
			t.Fatal(err)
		}
		stored, _ := s.Lines(ctx, w.Order.ID)
		for _, l := range stored {
			w.lines[l.ExternalID] = l
		}
		if err := w.decide(t, s, hub.DecisionDeclined, "pads-part", "pads-labour", "wipers", "battery", "rod"); err != nil {
			t.Fatal(err)
		}
		row := declined(t, s, w.vehicle)[item.Code]
		if row.Name != "Рулевая тяга 00,0004" || row.Note != "Люфт 1" {
			t.Fatalf("remembered %q / %q", row.Name, row.Note)
		}
	})
}
