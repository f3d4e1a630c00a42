package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// declinedWorld is a fixture whose work order has a customer, a vehicle,
// an inspection with the front pads red, the wipers yellow and the battery
// green, and four lines to approve pricing them (two for the pads).
type declinedWorld struct {
	storetest.Fixture
	customer, vehicle int64
	lines             map[string]hub.WorkOrderLine // by external id
}

func newDeclinedWorld(t *testing.T, s *store.Store) declinedWorld {
	t.Helper()
	ctx := context.Background()
	w := declinedWorld{Fixture: storetest.NewFixture(t, s), lines: map[string]hub.WorkOrderLine{}}
	var err error
	if w.customer, err = s.UpsertCustomer(ctx, store.CustomerData{NodeID: w.Node.ID, ExternalID: "c1", Name: "Иван",
		Phones: []string{"+79161234567"}}); err != nil {
		t.Fatal(err)
	}
	if w.vehicle, err = s.UpsertVehicle(ctx, store.VehicleData{NodeID: w.Node.ID, ExternalID: "v1", CustomerID: &w.customer,
		Plate: "А123ВС77", Make: "Škoda", Model: "Octavia"}); err != nil {
		t.Fatal(err)
	}
	w.Order.CustomerID, w.Order.VehicleID, w.Order.Version, w.Order.Currency = &w.customer, &w.vehicle, 2, "RUB"
	if saved, err := s.SaveWorkOrder(ctx, &w.Order); err != nil || !saved {
		t.Fatalf("save order: %v %v", saved, err)
	}
	insp, err := s.StartInspection(ctx, w.Thread, "Ivan")
	if err != nil {
		t.Fatal(err)
	}
	items, err := s.InspectionItems(ctx, insp.ID)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{"pads_front": hub.ItemRed, "wipers": hub.ItemYellow, "battery": hub.ItemGreen}
	for _, it := range items {
		if st, ok := states[it.Code]; ok {
			note := "note " + it.Code
			if _, err := s.EditInspectionItem(ctx, insp.ID, it.ID, store.ItemEdit{State: &st, Note: &note, By: "Ivan"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := s.SendInspection(ctx, insp.ID, "Anna"); err != nil {
		t.Fatal(err)
	}
	lines := []hub.WorkOrderLine{
		{ExternalID: "pads-part", Position: 1, Kind: hub.LinePart, Name: "Колодки", QtyMilli: 1000, UnitPriceMinor: 500000, TotalMinor: 500000, NeedsApproval: true, InspectionItem: "pads_front"},
		{ExternalID: "pads-labour", Position: 2, Kind: hub.LineLabor, Name: "Замена колодок", QtyMilli: 1000, UnitPriceMinor: 150000, TotalMinor: 150000, NeedsApproval: true, InspectionItem: "pads_front"},
		{ExternalID: "wipers", Position: 3, Kind: hub.LinePart, Name: "Щётки", QtyMilli: 1000, UnitPriceMinor: 120000, TotalMinor: 120000, NeedsApproval: true, InspectionItem: "wipers"},
		{ExternalID: "battery", Position: 4, Kind: hub.LinePart, Name: "АКБ", QtyMilli: 1000, UnitPriceMinor: 900000, TotalMinor: 900000, NeedsApproval: true, InspectionItem: "battery"},
	}
	if err := s.ReplaceLines(ctx, w.Order.ID, lines); err != nil {
		t.Fatal(err)
	}
	stored, err := s.Lines(ctx, w.Order.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range stored {
		w.lines[l.ExternalID] = l
	}
	return w
}

func (w declinedWorld) decide(t *testing.T, s *store.Store, decision string, externalIDs ...string) error {
	t.Helper()
	var ds []store.Decision
	for _, id := range externalIDs {
		ds = append(ds, store.Decision{LineID: w.lines[id].ID, Decision: decision})
	}
	_, err := s.DecideLines(context.Background(), w.Order, w.Thread, ds, store.Evidence{By: "customer", At: time.Now()})
	return err
}

func declined(t *testing.T, s *store.Store, vehicle int64) map[string]hub.DeclinedWork {
	t.Helper()
	rows, err := s.DeclinedWorkOfVehicle(context.Background(), vehicle)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]hub.DeclinedWork{}
	for _, r := range rows {
		if _, twice := out[r.ItemCode]; twice {
			t.Fatalf("item %s remembered twice: %+v", r.ItemCode, rows)
		}
		out[r.ItemCode] = r
	}
	return out
}

// TestDeclinedRedAndYellowItemsAreRememberedOnce: declining the red pads
// (both their lines, fifteen times at once) and the yellow wipers makes
// one row each, offered after the branch's days; the declined green
// battery and the approved lines make none.
func TestDeclinedRedAndYellowItemsAreRememberedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newDeclinedWorld(t, s)
		set, err := s.BranchReminderSettings(context.Background(), w.Branch.ID)
		if err != nil || set.DeclinedOfferDays != store.DefaultDeclinedOfferDays {
			t.Fatalf("default offer days %d (%v)", set.DeclinedOfferDays, err)
		}
		set.DeclinedOfferDays = 30
		if err := s.SetBranchReminderSettings(context.Background(), w.Branch.ID, set); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 15 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = w.decide(t, s, hub.DecisionDeclined, "pads-part", "pads-labour", "battery")
			}()
		}
		wg.Wait()
		if err := w.decide(t, s, hub.DecisionDeclined, "wipers"); err != nil {
			t.Fatal(err)
		}
		got := declined(t, s, w.vehicle)
		if len(got) != 2 {
			t.Fatalf("remembered %v, want pads_front and wipers", got)
		}
		pads := got["pads_front"]
		if pads.State != hub.ItemRed || pads.TotalMinor != 650000 || pads.Currency != "RUB" || pads.Note != "note pads_front" ||
			pads.WorkOrderID != w.Order.ID || pads.BranchID != w.Branch.ID || pads.OfferedAt != nil || pads.ClosedAt != nil {
			t.Fatalf("pads row %+v", pads)
		}
		if d := pads.OfferAfter.Sub(pads.DeclinedAt); d != 30*24*time.Hour {
			t.Fatalf("offered %v after the decline, want 30 days", d)
		}
		if got["wipers"].State != hub.ItemYellow || got["wipers"].TotalMinor != 120000 {
			t.Fatalf("wipers row %+v", got["wipers"])
		}
	})
}

// TestApprovedWorkIsNotRemembered: approving one line of an item makes no
// row even when its other line is declined.
func TestApprovedWorkIsNotRemembered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newDeclinedWorld(t, s)
		if err := w.decide(t, s, hub.DecisionApproved, "pads-part", "wipers"); err != nil {
			t.Fatal(err)
		}
		if err := w.decide(t, s, hub.DecisionDeclined, "pads-labour"); err != nil {
			t.Fatal(err)
		}
		if got := declined(t, s, w.vehicle); len(got) != 0 {
			t.Fatalf("remembered %v", got)
		}
	})
}

// TestLaterWorkOrderClosesDeclinedWork: a later work order of the vehicle
// with a line for the same item, done without approval, closes the row;
// the DMS re-sending the declining order itself closes nothing.
func TestLaterWorkOrderClosesDeclinedWork(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newDeclinedWorld(t, s)
		if err := w.decide(t, s, hub.DecisionDeclined, "pads-part", "wipers"); err != nil {
			t.Fatal(err)
		}
		// The DMS sends the order again with the pads as plain lines.
		same := []hub.WorkOrderLine{{ExternalID: "pads-x", Position: 9, Kind: hub.LinePart, Name: "Колодки", QtyMilli: 1000, InspectionItem: "pads_front"}}
		if err := s.UpsertLines(ctx, w.Order.ID, same); err != nil {
			t.Fatal(err)
		}
		if got := declined(t, s, w.vehicle); got["pads_front"].ClosedAt != nil {
			t.Fatalf("the declining order closed its own row: %+v", got["pads_front"])
		}
		later := hub.WorkOrder{NodeID: w.Node.ID, BranchID: w.Branch.ID, Number: "ЗН-0002000", Version: 1,
			OpenedAt: time.Now().UTC(), CustomerID: &w.customer, VehicleID: &w.vehicle}
		if _, err := s.SaveWorkOrder(ctx, &later); err != nil {
			t.Fatal(err)
		}
		if err := s.ReplaceLines(ctx, later.ID, same); err != nil {
			t.Fatal(err)
		}
		got := declined(t, s, w.vehicle)
		if got["pads_front"].ClosedAt == nil || got["wipers"].ClosedAt != nil {
			t.Fatalf("after the later order: pads %+v, wipers %+v", got["pads_front"], got["wipers"])
		}
		due, err := s.DeclinedWorkDue(ctx, w.Branch.ID, time.Now(), time.Now().AddDate(1, 0, 0))
		if err != nil || len(due) != 1 || len(due[0].Items) != 1 || due[0].Items[0].ItemCode != "wipers" || due[0].CustomerID != w.customer {
			t.Fatalf("due a year on: %+v %v", due, err)
		}
	})
}
