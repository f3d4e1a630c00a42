package store_test

import (
	"context"
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
		// msk thread: waits of 10 min (Анна), 30 min (Борис), 20 min (Анна).
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
		want := store.ReportRow{BranchID: w.msk.Branch.ID, BranchCode: "msk1", ResponseCount: 3, ResponseMedian: 20 * time.Minute,
			ResponseP90: 28 * time.Minute, ApprovalCount: 2, ApprovalMedian: 2 * time.Hour}
		if b != want {
			t.Errorf("branch\n got %+v\nwant %+v", b, want)
		}
		if len(r.Advisors) != 2 {
			t.Fatalf("advisors %+v", r.Advisors)
		}
		anna, bor := r.Advisors[0], r.Advisors[1]
		if anna.Advisor != "Анна" || anna.ResponseCount != 2 || anna.ResponseMedian != 15*time.Minute || anna.ApprovalCount != 0 {
			t.Errorf("Анна %+v", anna)
		}
		if bor.Advisor != "Борис" || bor.ResponseCount != 1 || bor.ResponseMedian != 30*time.Minute ||
			bor.ApprovalCount != 2 || bor.ApprovalMedian != 2*time.Hour {
			t.Errorf("Борис %+v", bor)
		}

		both, err := s.Report(ctx, store.ReportQuery{BranchIDs: []int64{w.msk.Branch.ID, w.spb.Branch.ID}, From: q.From, To: q.To})
		if err != nil {
			t.Fatal(err)
		}
		if len(both.Branches) != 2 || both.Branches[1].BranchCode != "spb1" || both.Branches[1].ResponseMedian != 5*time.Minute {
			t.Errorf("both branches %+v", both.Branches)
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
