package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// reportAt is the report fixture's base time.
var reportAt = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

func addAt(t *testing.T, s *store.Store, th hub.Thread, dir, author, key string, at time.Duration) {
	t.Helper()
	m := hub.Message{ThreadID: th.ID, Direction: dir, Author: author, TemplateKey: key,
		CreatedAt: reportAt.Add(at), UpdatedAt: reportAt.Add(at)}
	if err := s.Gorm(context.Background()).Create(&m).Error; err != nil {
		t.Fatal(err)
	}
}

func addDecidedLine(t *testing.T, s *store.Store, orderID int64, ext string, at time.Duration) {
	t.Helper()
	d := reportAt.Add(at)
	l := hub.WorkOrderLine{WorkOrderID: orderID, ExternalID: ext, Kind: "labour", Name: ext, NeedsApproval: true,
		Decision: "approved", DecidedAt: &d}
	if err := s.Gorm(context.Background()).Create(&l).Error; err != nil {
		t.Fatal(err)
	}
}

func TestReportMediansPerBranchAndAdvisor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newInboxWorld(t, s)
		msk, spb := w.msk.Thread, w.spb.Thread
		const in, out, note = hub.DirectionIn, hub.DirectionOut, hub.DirectionNote
		// msk thread: the first wait answered in 10 min (Анна), then next
		// waits of 30 min (Борис) and 20 min (Анна).
		addAt(t, s, msk, in, "", "", 0)
		addAt(t, s, msk, in, "", "", 5*time.Minute) // same wait: not a new start
		addAt(t, s, msk, out, "", "status.ready", 7*time.Minute)
		addAt(t, s, msk, note, "Борис", "", 8*time.Minute)
		addAt(t, s, msk, out, "Анна", "", 10*time.Minute)
		addAt(t, s, msk, in, "", "", time.Hour)
		addAt(t, s, msk, out, "Борис", "", time.Hour+30*time.Minute)
		addAt(t, s, msk, out, "Анна", "", time.Hour+40*time.Minute) // no wait open
		addAt(t, s, msk, in, "", "", 2*time.Hour)
		addAt(t, s, msk, out, "Анна", "", 2*time.Hour+20*time.Minute)
		addAt(t, s, msk, in, "", "", 3*time.Hour) // still unanswered
		// A wait started before the period is not counted.
		addAt(t, s, w.other, in, "", "", -48*time.Hour)
		addAt(t, s, w.other, out, "Анна", "", 0)
		// spb: another branch, Олег answers in 5 min.
		addAt(t, s, spb, in, "", "", 0)
		addAt(t, s, spb, out, "Олег", "", 5*time.Minute)

		// Approvals in msk: estimate at 0, decisions at +1h and +3h; the
		// thread is assigned to Борис.
		boris := store.User{Login: "boris", Name: "Борис", Role: store.RoleAdvisor, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &boris, []int64{w.msk.Branch.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.AssignThread(ctx, msk.ID, &boris.ID); err != nil {
			t.Fatal(err)
		}
		addAt(t, s, msk, out, "", "estimate.request", 30*time.Second)
		addDecidedLine(t, s, w.msk.Order.ID, "l1", time.Hour+30*time.Second)
		addDecidedLine(t, s, w.msk.Order.ID, "l2", 3*time.Hour+30*time.Second)
		addDecidedLine(t, s, w.msk.Order.ID, "l3", 40*24*time.Hour) // outside the period

		q := store.ReportQuery{BranchIDs: []int64{w.msk.Branch.ID}, From: reportAt.Add(-time.Hour), To: reportAt.Add(30 * 24 * time.Hour)}
		r, err := s.Report(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Branches) != 1 || r.Branches[0].BranchCode != "msk1" {
			t.Fatalf("branches %+v", r.Branches)
		}
		b := r.Branches[0]
		// First: {10m}. Next: {30m, 20m}: median 25m, p90 20m + 0.9×10m = 29m.
		want := store.ReportRow{BranchID: w.msk.Branch.ID, BranchCode: "msk1", ResponseCount: 1, ResponseMedian: 10 * time.Minute,
			ResponseP90: 10 * time.Minute, NextCount: 2, NextMedian: 25 * time.Minute, NextP90: 29 * time.Minute,
			ApprovalCount: 2, ApprovalMedian: 2 * time.Hour}
		if b != want {
			t.Errorf("branch\n got %+v\nwant %+v", b, want)
		}
		if len(r.Advisors) != 2 {
			t.Fatalf("advisors %+v", r.Advisors)
		}
		anna, bor := r.Advisors[0], r.Advisors[1]
		if anna.Advisor != "Анна" || anna.ResponseCount != 1 || anna.ResponseMedian != 10*time.Minute ||
			anna.NextCount != 1 || anna.NextMedian != 20*time.Minute || anna.ApprovalCount != 0 {
			t.Errorf("Анна %+v", anna)
		}
		if bor.Advisor != "Борис" || bor.ResponseCount != 0 || bor.NextCount != 1 || bor.NextMedian != 30*time.Minute ||
			bor.ApprovalCount != 2 || bor.ApprovalMedian != 2*time.Hour {
			t.Errorf("Борис %+v", bor)
		}

		if len(r.Regions) != 1 || r.Regions[0].Region != "" || r.Regions[0].ResponseCount != 1 || r.Regions[0].NextCount != 2 {
			t.Errorf("regions without any set: %+v", r.Regions)
		}

		setRegion(t, s, w.msk.Branch.ID, "  Центр ")
		setRegion(t, s, w.spb.Branch.ID, "Северо-Запад")
		both, err := s.Report(ctx, store.ReportQuery{BranchIDs: []int64{w.msk.Branch.ID, w.spb.Branch.ID}, From: q.From, To: q.To})
		if err != nil {
			t.Fatal(err)
		}
		if len(both.Branches) != 2 || both.Branches[1].BranchCode != "spb1" || both.Branches[1].ResponseMedian != 5*time.Minute ||
			both.Branches[0].Region != "Центр" {
			t.Errorf("both branches %+v", both.Branches)
		}
		// Regions by name: Северо-Запад (spb: one first response of 5m),
		// Центр (msk as above).
		if len(both.Regions) != 2 || both.Regions[0].Region != "Северо-Запад" || both.Regions[0].ResponseCount != 1 ||
			both.Regions[0].ResponseMedian != 5*time.Minute || both.Regions[1].Region != "Центр" ||
			both.Regions[1].NextMedian != 25*time.Minute || both.Regions[1].ApprovalCount != 2 {
			t.Errorf("regions %+v", both.Regions)
		}
	})
}

func TestPercentile(t *testing.T) {
	m := time.Minute
	for _, c := range []struct {
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 50, 0},
		{[]time.Duration{5 * m}, 90, 5 * m},
		{[]time.Duration{30 * m, 10 * m}, 50, 20 * m},
		{[]time.Duration{10 * m, 30 * m, 20 * m}, 90, 28 * m},
	} {
		if got := store.Percentile(c.in, c.p); got != c.want {
			t.Errorf("Percentile(%v, %v) = %v, want %v", c.in, c.p, got, c.want)
		}
	}
}

func setRegion(t *testing.T, s *store.Store, branchID int64, region string) {
	t.Helper()
	if err := s.SetBranchRegion(context.Background(), branchID, region); err != nil {
		t.Fatal(err)
	}
}

func TestBranchRegions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		setRegion(t, s, f.Branch.ID, " Mazowsze ")
		got, err := s.BranchRegions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got[f.Branch.ID] != "Mazowsze" {
			t.Errorf("regions %v", got)
		}
		if err := s.SetBranchRegion(ctx, f.Branch.ID+100, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown branch: %v", err)
		}
		if err := s.SetBranchRegion(ctx, f.Branch.ID, strings.Repeat("ж", store.MaxRegionLength+1)); err == nil {
			t.Error("a too long region was stored")
		}
		if got, _ := s.BranchRegions(ctx); got[f.Branch.ID] != "Mazowsze" {
			t.Errorf("a refused region changed the stored one: %v", got)
		}
	})
}
