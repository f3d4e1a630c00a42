package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestGarageAcrossNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := storetest.NewGarageWorld(t, s)

		cars, err := s.Garage(ctx, []string{w.Phone})
		if err != nil {
			t.Fatal(err)
		}
		if len(cars) != 2 {
			t.Fatalf("want the Škoda (two nodes, one car) and the Kia, got %+v", cars)
		}
		skoda, kia := cars[0], cars[1] // the latest visit first; the Kia has none
		if !slices.Equal(skoda.VehicleIDs, []int64{w.SharedAlfa, w.SharedBeta}) || skoda.ID != w.SharedAlfa {
			t.Fatalf("same VIN at two nodes is one car: %+v", skoda)
		}
		if skoda.LastVisit == nil || !skoda.LastVisit.Equal(w.OpenedSpb) {
			t.Fatalf("last visit: %v, want the Petersburg one %v", skoda.LastVisit, w.OpenedSpb)
		}
		if skoda.ServiceDueOn != w.SharedDueOn || skoda.OpenDeclined != 1 || skoda.VINTail() != "…123456" {
			t.Fatalf("car card: due %q, declined %d, VIN %q", skoda.ServiceDueOn, skoda.OpenDeclined, skoda.VINTail())
		}
		if kia.VehicleIDs[0] != w.Kia || kia.LastVisit != nil || kia.Title() != "Kia Rio М777ММ78" {
			t.Fatalf("kia: %+v", kia)
		}

		other, err := s.Garage(ctx, []string{w.OtherPhone})
		if err != nil || len(other) != 1 || other[0].ID != w.Stranger {
			t.Fatalf("the other phone's garage: %+v %v", other, err)
		}
		if none, err := s.Garage(ctx, nil); err != nil || len(none) != 0 {
			t.Fatalf("no phones: %+v %v", none, err)
		}
		if none, err := s.Garage(ctx, []string{"+48500100200"}); err != nil || len(none) != 0 {
			t.Fatalf("an unknown phone: %+v %v", none, err)
		}
	})
}

func TestVehicleHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := storetest.NewGarageWorld(t, s)
		phones := []string{w.Phone}

		// Either node's vehicle id opens the same car.
		for _, id := range []int64{w.SharedAlfa, w.SharedBeta} {
			h, err := s.VehicleHistory(ctx, phones, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Orders) != 2 || h.Orders[0].ID != w.OrderSpb.ID || h.Orders[1].ID != w.OrderMsk.ID {
				t.Fatalf("orders of both branches, newest first: %+v", h.Orders)
			}
			if h.Orders[0].BranchName != w.Spb.Name || h.Orders[1].BranchName != w.Msk.Name {
				t.Fatalf("branch names: %q %q", h.Orders[0].BranchName, h.Orders[1].BranchName)
			}
		}
		h, err := s.VehicleHistory(ctx, phones, w.SharedBeta)
		if err != nil {
			t.Fatal(err)
		}
		msk := h.Orders[1]
		if len(msk.Lines) != 2 || msk.Lines[0].Decision != hub.DecisionApproved || msk.Lines[1].Decision != hub.DecisionDeclined {
			t.Fatalf("lines and decisions: %+v", msk.Lines)
		}
		if msk.MileageKm != w.MskMileageKm || h.Orders[0].MileageKm != 0 {
			t.Fatalf("mileage: %d, %d", msk.MileageKm, h.Orders[0].MileageKm)
		}
		if len(msk.Findings) != 1 || msk.Findings[0].State != hub.ItemRed || msk.Findings[0].Note != "2 мм" {
			t.Fatalf("findings: %+v", msk.Findings)
		}
		if len(msk.Documents) != 1 || msk.Documents[0].ID != w.MskDoc.ID {
			t.Fatalf("documents (not the chat photo): %+v", msk.Documents)
		}
		if len(h.Declined) != 1 || h.Declined[0].ItemCode != "pads_front" {
			t.Fatalf("open declined work: %+v", h.Declined)
		}
		if len(h.Expiring) != 1 || h.Expiring[0].Title != w.ExpiringTitle {
			t.Fatalf("expiring items (own, not the stranger's): %+v", h.Expiring)
		}

		for _, id := range []int64{w.Stranger, 0, -5, 1 << 40} {
			if _, err := s.VehicleHistory(ctx, phones, id); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("vehicle %d of nobody's garage: %v", id, err)
			}
		}
		if _, err := s.VehicleHistory(ctx, []string{w.OtherPhone}, w.SharedAlfa); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another phone's car: %v", err)
		}

		if o, err := s.AccountWorkOrder(ctx, phones, w.OrderMsk.ID); err != nil || len(o.Lines) != 2 || o.Number != w.OrderMsk.Number {
			t.Fatalf("own work order: %+v %v", o, err)
		}
		if _, err := s.AccountWorkOrder(ctx, phones, w.OrderStranger.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another's work order: %v", err)
		}
	})
}

func TestAccountDocument(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := storetest.NewGarageWorld(t, s)
		if a, err := s.AccountDocument(ctx, []string{w.Phone}, w.MskDoc.ID); err != nil || a.SHA256 != w.MskDoc.SHA256 {
			t.Fatalf("own document: %+v %v", a, err)
		}
		for name, id := range map[string]int64{"another's document": w.StrangerDoc.ID, "a chat photo": w.MskChatPhoto.ID, "no file": 1 << 40} {
			if _, err := s.AccountDocument(ctx, []string{w.Phone}, id); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if _, err := s.AccountDocument(ctx, nil, w.MskDoc.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no phones: %v", err)
		}
	})
}

func TestGarageCompanyRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := storetest.NewFleetWorld(t, s)
		carIDs := func(phone string) []int64 {
			t.Helper()
			cars, err := s.Garage(ctx, []string{phone})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range cars {
				ids = append(ids, c.ID)
			}
			slices.Sort(ids)
			return ids
		}
		if got := carIDs(w.Manager); !slices.Equal(got, w.Cars[:]) {
			t.Fatalf("the manager sees the fleet, each car apart: %v, want %v", got, w.Cars)
		}
		if got := carIDs(w.Driver1); !slices.Equal(got, w.Cars[:1]) {
			t.Fatalf("driver 1 sees the car they brought: %v", got)
		}
		if got := carIDs(w.Driver2); !slices.Equal(got, w.Cars[:2]) {
			t.Fatalf("driver 2 sees the two cars they brought: %v", got)
		}

		orders := func(phone string, car int64) []string {
			t.Helper()
			h, err := s.VehicleHistory(ctx, []string{phone}, car)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range h.Orders {
				out = append(out, o.Number)
			}
			return out
		}
		if got := orders(w.Manager, w.Cars[0]); !slices.Equal(got, []string{"FV/2", "FV/1"}) {
			t.Fatalf("the manager sees every visit: %v", got)
		}
		if got := orders(w.Driver1, w.Cars[0]); !slices.Equal(got, []string{"FV/1"}) {
			t.Fatalf("a driver sees their own visits only: %v", got)
		}
		if _, err := s.VehicleHistory(ctx, []string{w.Driver1}, w.Cars[1]); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a driver's other fleet car: %v", err)
		}
		if _, err := s.AccountWorkOrder(ctx, []string{w.Driver1}, w.Visit2.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another driver's visit of the same car: %v", err)
		}
		if _, err := s.AccountWorkOrder(ctx, []string{w.Manager}, w.Visit2.ID); err != nil {
			t.Fatalf("the manager opens a driver's visit: %v", err)
		}
	})
}
