package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// dueWorld is a branch with a DMS node serving it and a second branch,
// for the reminder scans to choose between.
type dueWorld struct {
	s            *store.Store
	home, other  hub.Branch
	node, shared hub.DMSNode // node serves home; shared serves every branch
	seq          int
}

func newDueWorld(t *testing.T, s *store.Store) *dueWorld {
	t.Helper()
	ctx := t.Context()
	w := &dueWorld{s: s,
		home:  hub.Branch{Code: "msk1", Name: "Москва", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"},
		other: hub.Branch{Code: "waw1", Name: "Warszawa", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"},
	}
	for _, b := range []*hub.Branch{&w.home, &w.other} {
		if err := s.CreateBranch(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	w.node = hub.DMSNode{Name: "msk", TokenHash: "due-node", BranchID: &w.home.ID}
	w.shared = hub.DMSNode{Name: "all", TokenHash: "due-shared"}
	for _, n := range []*hub.DMSNode{&w.node, &w.shared} {
		if err := s.CreateNode(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w *dueWorld) next() string { w.seq++; return fmt.Sprint(w.seq) }

func (w *dueWorld) customer(t *testing.T, node hub.DMSNode, phones ...string) int64 {
	t.Helper()
	id, err := w.s.UpsertCustomer(t.Context(), store.CustomerData{NodeID: node.ID, ExternalID: "C" + w.next(), Name: "Иван " + fmt.Sprint(w.seq), Phones: phones})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *dueWorld) vehicle(t *testing.T, node hub.DMSNode, customer *int64, v store.VehicleData) int64 {
	t.Helper()
	v.NodeID, v.ExternalID, v.CustomerID, v.HasService = node.ID, "V"+w.next(), customer, true
	id, err := w.s.UpsertVehicle(t.Context(), v)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *dueWorld) order(t *testing.T, branch hub.Branch, customer, vehicle *int64, opened time.Time) {
	t.Helper()
	wo := hub.WorkOrder{NodeID: w.node.ID, BranchID: branch.ID, Number: "ЗН-" + w.next(), Version: 1,
		CustomerID: customer, VehicleID: vehicle, OpenedAt: opened.UTC()}
	if _, err := w.s.SaveWorkOrder(t.Context(), &wo); err != nil {
		t.Fatal(err)
	}
}

// setDue stores a vehicle's home branch (as the store works it out) and
// the given due date, as the DMS ingest does after a write.
func (w *dueWorld) setDue(t *testing.T, vehicleID int64, due string) store.VehicleService {
	t.Helper()
	v, err := w.s.VehicleService(t.Context(), vehicleID)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.s.SetVehicleDue(t.Context(), v, &due); err != nil {
		t.Fatal(err)
	}
	return v
}

func (w *dueWorld) sent(t *testing.T, customer int64, rule, subject, occasion, localDate string) {
	t.Helper()
	_, claimed, err := w.s.ClaimReminder(t.Context(), store.LedgerEntry{
		LedgerKey: store.LedgerKey{CustomerID: customer, Rule: rule, Subject: subject, Occasion: occasion},
		BranchID:  w.home.ID, DueAt: time.Now(), LocalDate: localDate,
	})
	if err != nil || !claimed {
		t.Fatalf("ledger %s %s: claimed %v, %v", subject, occasion, claimed, err)
	}
}

func TestVehicleServiceHomeBranchAndReadings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		w := newDueWorld(t, s)
		c := w.customer(t, w.node)
		serviced := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
		car := w.vehicle(t, w.node, &c, store.VehicleData{LastServiceAt: &serviced, LastServiceMileageKm: 30000, IntervalMonths: 12, IntervalKm: 15000})

		// Without a work order, the node's branch is home.
		v, err := s.VehicleService(ctx, car)
		if err != nil {
			t.Fatal(err)
		}
		if v.HomeBranchID == nil || *v.HomeBranchID != w.home.ID || v.TimeZone != "Europe/Moscow" {
			t.Fatalf("home before any work order = %v %q, want branch %d in Europe/Moscow", v.HomeBranchID, v.TimeZone, w.home.ID)
		}
		if v.BranchID != nil || v.ServiceDueOn != nil {
			t.Fatalf("stored before the first refresh: branch %v, due %v", v.BranchID, v.ServiceDueOn)
		}
		if !v.LastServiceAt.Equal(serviced) || v.LastServiceMileageKm != 30000 || v.IntervalMonths != 12 || v.IntervalKm != 15000 {
			t.Fatalf("service plan = %+v", v)
		}

		// The latest work order's branch wins over the node's, and over an
		// older work order's.
		w.order(t, w.other, &c, &car, serviced.AddDate(0, 1, 0))
		w.order(t, w.home, &c, &car, serviced.AddDate(0, 0, 5))
		if v, _ = s.VehicleService(ctx, car); v.HomeBranchID == nil || *v.HomeBranchID != w.other.ID || v.TimeZone != "Europe/Warsaw" {
			t.Fatalf("home = %v %q, want the latest work order's branch %d", v.HomeBranchID, v.TimeZone, w.other.ID)
		}
		v = w.setDue(t, car, "2027-01-10")
		if v, _ = s.VehicleService(ctx, car); v.BranchID == nil || *v.BranchID != w.other.ID || v.ServiceDueOn == nil || *v.ServiceDueOn != "2027-01-10" {
			t.Fatalf("stored branch %v, due %v", v.BranchID, v.ServiceDueOn)
		}
		if err := s.SetVehicleDue(ctx, v, nil); err != nil {
			t.Fatal(err)
		}
		if v, _ = s.VehicleService(ctx, car); v.ServiceDueOn != nil {
			t.Fatalf("due after clearing = %q", *v.ServiceDueOn)
		}

		// A vehicle of a node serving every branch, never in a work order,
		// has no home.
		stray := w.vehicle(t, w.shared, nil, store.VehicleData{IntervalMonths: 12})
		if v, _ = s.VehicleService(ctx, stray); v.HomeBranchID != nil || v.TimeZone != "" {
			t.Fatalf("home of a stray vehicle = %v %q", v.HomeBranchID, v.TimeZone)
		}
		if v.Readings != nil {
			t.Fatalf("readings loaded without a km interval: %v", v.Readings)
		}

		// Readings: the stored ones, and inside a transaction those it
		// has not written yet.
		if err := s.AddMileage(ctx, car, 31000, serviced.AddDate(0, 1, 0)); err != nil {
			t.Fatal(err)
		}
		err = s.Tx(ctx, func(tx *store.Store) error {
			if err := tx.AddMileage(ctx, car, 33000, serviced.AddDate(0, 3, 0)); err != nil {
				return err
			}
			v, err := tx.VehicleService(ctx, car)
			if err != nil {
				return err
			}
			var km []int
			for _, r := range v.Readings {
				km = append(km, r.MileageKm)
			}
			if !slices.Equal(km, []int{31000, 33000}) {
				return fmt.Errorf("readings inside the transaction = %v, want [31000 33000]", km)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.VehicleService(ctx, 987654); err == nil {
			t.Fatal("an unknown vehicle loaded")
		}
	})
}

func TestVehiclesDueService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		w := newDueWorld(t, s)
		serviced := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
		plan := store.VehicleData{Make: "Škoda", Model: "Octavia", Plate: "А123ВС77", LastServiceAt: &serviced, LastServiceMileageKm: 30000, IntervalMonths: 12}
		c1, c2 := w.customer(t, w.node), w.customer(t, w.node)
		due14 := w.vehicle(t, w.node, &c1, plan)
		w.setDue(t, due14, "2026-06-15")
		due3 := w.vehicle(t, w.node, &c2, plan)
		w.setDue(t, due3, "2026-06-04")
		ownerless := w.vehicle(t, w.node, nil, plan)
		w.setDue(t, ownerless, "2026-06-15")
		later := w.vehicle(t, w.node, &c1, plan)
		w.setDue(t, later, "2026-06-16")
		elsewhere := w.vehicle(t, w.node, &c2, plan)
		w.order(t, w.other, &c2, &elsewhere, serviced.AddDate(0, 1, 0))
		w.setDue(t, elsewhere, "2026-06-15")
		reminded := w.vehicle(t, w.node, &c2, plan)
		w.setDue(t, reminded, "2026-06-15")
		w.sent(t, c2, "maintenance", store.VehicleSubject(reminded), "2026-06-14/14d", "2026-05-31") // the date moved a day since
		w.order(t, w.home, &c1, &due14, time.Date(2026, 5, 20, 8, 0, 0, 0, time.UTC))

		dates := []store.ServiceDueDate{
			{DueOn: "2026-06-15", Lead: "14d", SentSince: "2026-05-18"},
			{DueOn: "2026-06-04", Lead: "3d", SentSince: "2026-05-29"},
		}
		got, err := s.VehiclesDueService(ctx, w.home.ID, "maintenance", dates)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, v := range got {
			ids = append(ids, v.VehicleID)
		}
		if want := []int64{due3, due14}; !slices.Equal(ids, want) {
			t.Fatalf("due vehicles = %v, want %v (3-day first: by date)", ids, want)
		}
		v := got[1]
		if v.CustomerID != c1 || v.Lead != "14d" || v.ServiceDueOn != "2026-06-15" || v.Plate != "А123ВС77" || v.Make != "Škoda" {
			t.Fatalf("vehicle row = %+v", v)
		}
		if v.LastServiceAt == nil || !v.LastServiceAt.Equal(serviced) {
			t.Fatalf("last service = %v, want %v", v.LastServiceAt, serviced)
		}
		if v.LatestOrderAt == nil || !v.LatestOrderAt.Equal(time.Date(2026, 5, 20, 8, 0, 0, 0, time.UTC)) {
			t.Fatalf("latest work order = %v", v.LatestOrderAt)
		}
		if got[0].LatestOrderAt != nil || got[0].Lead != "3d" {
			t.Fatalf("3-day row = %+v", got[0])
		}

		// A reminder of the lead before SentSince is last cycle's.
		dates[0].SentSince = "2026-06-01"
		if got, _ = s.VehiclesDueService(ctx, w.home.ID, "maintenance", dates); len(got) != 3 {
			t.Fatalf("with the ledger row older than SentSince: %d vehicles, want 3", len(got))
		}
		// Another lead's reminder does not count, nor another rule's.
		dates[0].Lead = "4d"
		if got, _ = s.VehiclesDueService(ctx, w.home.ID, "maintenance", dates[:1]); len(got) != 2 {
			t.Fatalf("another lead: %d vehicles, want 2", len(got))
		}
		if got, _ = s.VehiclesDueService(ctx, w.other.ID, "maintenance", nil); got != nil {
			t.Fatalf("no dates: %v", got)
		}
	})
}

func TestVehiclesOnTyres(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		w := newDueWorld(t, s)
		now := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
		c1, c2 := w.customer(t, w.node), w.customer(t, w.node)
		onSummer := w.vehicle(t, w.node, &c1, store.VehicleData{Plate: "S1", TyreSeason: "summer"})
		onWinter := w.vehicle(t, w.node, &c1, store.VehicleData{Plate: "W1", TyreSeason: "winter"})
		justIn := w.vehicle(t, w.node, &c2, store.VehicleData{Plate: "S2", TyreSeason: "summer"})
		w.order(t, w.home, &c2, &justIn, now.AddDate(0, 0, -3))
		inLongAgo := w.vehicle(t, w.node, &c2, store.VehicleData{Plate: "S3", TyreSeason: "summer"})
		w.order(t, w.home, &c2, &inLongAgo, now.AddDate(0, -3, 0))
		reminded := w.vehicle(t, w.node, &c2, store.VehicleData{Plate: "S4", TyreSeason: "summer"})
		w.sent(t, c2, "tyres", store.VehicleSubject(reminded), "2026-autumn", "2026-10-02")
		remindedLastYear := w.vehicle(t, w.node, &c2, store.VehicleData{Plate: "S5", TyreSeason: "summer"})
		w.sent(t, c2, "tyres", store.VehicleSubject(remindedLastYear), "2025-autumn", "2025-10-02")
		ownerless := w.vehicle(t, w.node, nil, store.VehicleData{Plate: "S6", TyreSeason: "summer"})
		for _, id := range []int64{onSummer, onWinter, justIn, inLongAgo, reminded, remindedLastYear, ownerless} {
			w.setDue(t, id, "2027-01-01")
		}
		elsewhere := w.vehicle(t, w.node, &c1, store.VehicleData{Plate: "S7", TyreSeason: "summer"})
		w.order(t, w.other, &c1, &elsewhere, now.AddDate(-1, 0, 0))
		w.setDue(t, elsewhere, "2027-01-01")

		got, err := s.VehiclesOnTyres(ctx, store.TyreScan{BranchID: w.home.ID, Season: "summer", NoOrderSince: now.AddDate(0, 0, -30), Rule: "tyres", Occasion: "2026-autumn"})
		if err != nil {
			t.Fatal(err)
		}
		var plates []string
		for _, v := range got {
			plates = append(plates, v.Plate)
		}
		if want := []string{"S1", "S3", "S5"}; !slices.Equal(plates, want) {
			t.Fatalf("on summer tyres = %v, want %v", plates, want)
		}
		if got[0].VehicleID != onSummer || got[0].CustomerID != c1 {
			t.Fatalf("first row = %+v", got[0])
		}
	})
}

func TestExpiringItemsOfBranch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		w := newDueWorld(t, s)
		item := func(node hub.DMSNode, customer int64, title, ends string) {
			t.Helper()
			err := s.UpsertExpiringItem(ctx, store.ExpiringItemData{NodeID: node.ID, ExternalID: "E" + w.next(), CustomerID: customer, Kind: "insurance", Title: title, ExpiresOn: ends})
			if err != nil {
				t.Fatal(err)
			}
		}
		local := w.customer(t, w.node, "+79161234567", "+79160000000")
		item(w.node, local, "ОСАГО", "2026-05-11")
		item(w.node, local, "КАСКО", "2026-05-01")
		item(w.node, local, "Гарантия", "2026-05-20") // after the range
		moved := w.customer(t, w.node)
		w.order(t, w.home, &moved, nil, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
		w.order(t, w.other, &moved, nil, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		item(w.node, moved, "OC", "2026-05-05") // its latest work order is at the other branch
		came := w.customer(t, w.shared)
		w.order(t, w.home, &came, nil, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
		item(w.shared, came, "Plan serwisowy", "2026-05-02") // a shared node's customer, at home by their work order
		stray := w.customer(t, w.shared)
		item(w.shared, stray, "GPS", "2026-05-03") // no work order, a node of every branch: no branch

		got, err := s.ExpiringItemsOfBranch(ctx, w.home.ID, "2026-05-01", "2026-05-16")
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, it := range got {
			titles = append(titles, it.Title)
		}
		if want := []string{"КАСКО", "ОСАГО", "Plan serwisowy"}; !slices.Equal(titles, want) {
			t.Fatalf("items of home = %v, want %v", titles, want)
		}
		if it := got[0]; it.CustomerID != local || it.Phone != "+79161234567" || it.Kind != "insurance" || it.ExpiresOn != "2026-05-01" || it.CustomerName == "" {
			t.Fatalf("first item = %+v", it)
		}
		if got[2].Phone != "" {
			t.Fatalf("phone of a customer without one = %q", got[2].Phone)
		}
		if got, _ = s.ExpiringItemsOfBranch(ctx, w.other.ID, "2026-05-01", "2026-05-16"); len(got) != 1 || got[0].Title != "OC" {
			t.Fatalf("items of the other branch = %+v", got)
		}
	})
}

func TestSentOccasions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newDueWorld(t, s)
		c1, c2, c3 := w.customer(t, w.node), w.customer(t, w.node), w.customer(t, w.node)
		w.sent(t, c1, "expiring", "items", "2026-05-01/3,4", "2026-05-01")
		w.sent(t, c1, "expiring", "items", "2026-04-01/2", "2026-04-01") // too old
		w.sent(t, c2, "expiring", "items", "2026-05-02/7", "2026-05-02")
		w.sent(t, c2, "maintenance", "vehicle:1", "2026-05-02/3d", "2026-05-02") // another rule
		w.sent(t, c3, "expiring", "items", "2026-05-02/9", "2026-05-02")         // not asked about
		got, err := s.SentOccasions(context.Background(), "expiring", []int64{c2, c1, c2}, "2026-04-20")
		if err != nil {
			t.Fatal(err)
		}
		want := []store.SentOccasion{{CustomerID: c1, Occasion: "2026-05-01/3,4", LocalDate: "2026-05-01"}, {CustomerID: c2, Occasion: "2026-05-02/7", LocalDate: "2026-05-02"}}
		if !slices.Equal(got, want) {
			t.Fatalf("sent = %+v, want %+v", got, want)
		}
		if got, _ = s.SentOccasions(context.Background(), "expiring", nil, "2026-04-20"); got != nil {
			t.Fatalf("no customers: %v", got)
		}
	})
}
