package store_test

import (
	"context"
	"testing"

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
