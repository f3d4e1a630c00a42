package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// lead is a thread without a work order begun at reportAt+at.
func lead(t *testing.T, s *store.Store, branchID int64, phone string, customerID *int64, at time.Duration) {
	t.Helper()
	ctx := context.Background()
	th := hub.Thread{BranchID: branchID, CustomerID: customerID, Phone: phone, Channel: hub.ChannelWhatsApp}
	if err := s.CreateThread(ctx, &th); err != nil {
		t.Fatal(err)
	}
	if err := s.Gorm(ctx).Exec(`UPDATE threads SET created_at = ? WHERE id = ?`, reportAt.Add(at), th.ID).Error; err != nil {
		t.Fatal(err)
	}
}

// visitOrder is a work order of a new customer (name, phone) with a car of
// make, opened at reportAt+opened; change adjusts it before it is saved.
func visitOrder(t *testing.T, s *store.Store, f storetest.Fixture, branchID int64, number, name, phone, make string, opened time.Duration, change func(*hub.WorkOrder)) (hub.WorkOrder, int64) {
	t.Helper()
	ctx := context.Background()
	cid, err := s.UpsertCustomer(ctx, store.CustomerData{NodeID: f.Node.ID, ExternalID: "c-" + number, Name: name, Phones: []string{phone}})
	if err != nil {
		t.Fatal(err)
	}
	vid, err := s.UpsertVehicle(ctx, store.VehicleData{NodeID: f.Node.ID, ExternalID: "v-" + number, CustomerID: &cid, Make: make, Plate: "P" + number})
	if err != nil {
		t.Fatal(err)
	}
	w := hub.WorkOrder{NodeID: f.Node.ID, BranchID: branchID, Number: number, Version: 1, CustomerID: &cid, VehicleID: &vid,
		Currency: "RUB", OpenedAt: reportAt.Add(opened)}
	if change != nil {
		change(&w)
	}
	if _, err := s.SaveWorkOrder(ctx, &w); err != nil {
		t.Fatal(err)
	}
	return w, cid
}

func TestLeadConversionReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newInboxWorld(t, s)
		setRegion(t, s, w.msk.Branch.ID, "Центр")
		setRegion(t, s, w.spb.Branch.ID, "Северо-Запад")
		msk, spb := w.msk.Branch.ID, w.spb.Branch.ID
		day := 24 * time.Hour

		// L1: an unknown number; later a customer with that number opens
		// WO1 (Lada), approves a line and pays online: visit, order, online.
		lead(t, s, msk, "+79990000001", nil, time.Hour)
		wo1, _ := visitOrder(t, s, w.msk, msk, "WO1", "Сидоров", "+79990000001", "Lada", 2*day, func(o *hub.WorkOrder) { o.TotalMinor = 1_500_000 })
		addDecidedLine(t, s, wo1.ID, "wo1-l1", 2*day+time.Hour)
		p := hub.Payment{BranchID: msk, WorkOrderID: wo1.ID, Kind: hub.PaymentForWorkOrder, AmountMinor: 1_500_000, Currency: "RUB",
			Provider: hub.ProviderYooKassa, IdempotencyKey: "wo1", Status: hub.PaymentSucceeded, PaidMinor: 1_500_000}
		if err := s.CreatePayment(ctx, &p); err != nil {
			t.Fatal(err)
		}
		// L2: a known customer's lead; WO2 (Kia) opened, nothing approved,
		// not paid, not handed over: a visit, not an order.
		_, petrova := visitOrder(t, s, w.msk, msk, "WO2", "Петрова", "+79990000002", "Kia", 1*day, func(o *hub.WorkOrder) { o.TotalMinor = 999 })
		lead(t, s, msk, "+79990000002", &petrova, 2*time.Hour)
		// L3: nobody came.
		lead(t, s, msk, "+79990000003", nil, 3*time.Hour)
		// L6: the customer's only work order is older than the lead.
		_, kim := visitOrder(t, s, w.msk, msk, "WO4", "Ким", "+79990000006", "Lada", -5*day, nil)
		lead(t, s, msk, "+79990000006", &kim, 4*time.Hour)
		// L4 at spb: WO3 (Kia) handed over, paid at the counter.
		lead(t, s, spb, "+79990000005", nil, 5*time.Hour)
		visitOrder(t, s, w.msk, spb, "WO3", "Орлов", "+79990000005", "Kia", 3*day, func(o *hub.WorkOrder) {
			o.TotalMinor, o.Status = 800_000, hub.StatusDelivered
			at := reportAt.Add(4 * day)
			o.HandedOverAt = &at
		})
		// L5: before the period.
		lead(t, s, msk, "+79990000007", nil, -10*day)

		q := store.ReportQuery{BranchIDs: []int64{msk, spb}, From: reportAt.Add(-time.Hour), To: reportAt.Add(30 * day)}
		r, err := s.LeadConversionReport(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		rub := func(minor int64) []store.CurrencyAmount {
			return []store.CurrencyAmount{{Currency: "RUB", Minor: minor}}
		}
		mskRow := store.LeadRow{Leads: 4, Visits: 2, Orders: 1, PaidOnline: 1, Revenue: rub(1_500_000)}
		spbRow := store.LeadRow{Leads: 1, Visits: 1, Orders: 1, Revenue: rub(800_000)}
		check := func(name string, got []store.LeadRow, want []store.LeadRow) {
			t.Helper()
			if !slices.EqualFunc(got, want, sameLeadRow) {
				t.Errorf("%s\n got %+v\nwant %+v", name, got, want)
			}
		}
		check("by branch", r.ByBranch, []store.LeadRow{withKey(mskRow, "msk1"), withKey(spbRow, "spb1")})
		check("by region", r.ByRegion, []store.LeadRow{withKey(spbRow, "Северо-Запад"), withKey(mskRow, "Центр")})
		check("by customer", r.ByCustomer, []store.LeadRow{
			{Key: "+79990000003", Leads: 1},
			{Key: "Ким", Leads: 1},
			{Key: "Орлов", Leads: 1, Visits: 1, Orders: 1, Revenue: rub(800_000)},
			{Key: "Петрова", Leads: 1, Visits: 1},
			{Key: "Сидоров", Leads: 1, Visits: 1, Orders: 1, PaidOnline: 1, Revenue: rub(1_500_000)},
		})
		check("by make", r.ByMake, []store.LeadRow{
			{Key: "", Leads: 2},
			{Key: "Kia", Leads: 2, Visits: 2, Orders: 1, Revenue: rub(800_000)},
			{Key: "Lada", Leads: 1, Visits: 1, Orders: 1, PaidOnline: 1, Revenue: rub(1_500_000)},
		})
		check("total", []store.LeadRow{r.Total}, []store.LeadRow{{Leads: 5, Visits: 3, Orders: 2, PaidOnline: 1, Revenue: rub(2_300_000)}})
		if got := r.Total.OnlinePermille(); got != 500 {
			t.Errorf("online share %d‰, want 500", got)
		}

		// spb alone: its visit is counted only at an asked branch.
		only, err := s.LeadConversionReport(ctx, store.ReportQuery{BranchIDs: []int64{spb}, From: q.From, To: q.To})
		if err != nil {
			t.Fatal(err)
		}
		check("spb only", only.ByBranch, []store.LeadRow{withKey(spbRow, "spb1")})
	})
}

func withKey(r store.LeadRow, key string) store.LeadRow { r.Key = key; return r }

func sameLeadRow(a, b store.LeadRow) bool {
	return a.Key == b.Key && a.Leads == b.Leads && a.Visits == b.Visits && a.Orders == b.Orders &&
		a.PaidOnline == b.PaidOnline && slices.Equal(a.Revenue, b.Revenue)
}
