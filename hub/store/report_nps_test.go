package store_test

import (
	"context"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// reportOrder is a work order with its thread at branch, for customer.
func reportOrder(t *testing.T, s *store.Store, f storetest.Fixture, branchID int64, number string, customerID *int64, opened time.Duration) (hub.WorkOrder, hub.Thread) {
	t.Helper()
	ctx := context.Background()
	w := hub.WorkOrder{NodeID: f.Node.ID, BranchID: branchID, Number: number, Version: 1, CustomerID: customerID, Currency: "RUB", OpenedAt: reportAt.Add(opened)}
	if _, err := s.SaveWorkOrder(ctx, &w); err != nil {
		t.Fatal(err)
	}
	th := hub.Thread{BranchID: branchID, WorkOrderID: &w.ID, CustomerID: customerID, Phone: "+7999" + number, Channel: hub.ChannelSMS}
	if err := s.CreateThread(ctx, &th); err != nil {
		t.Fatal(err)
	}
	return w, th
}

// message writes a message with a body at reportAt+at.
func message(t *testing.T, s *store.Store, threadID int64, dir, body string, at time.Duration) hub.Message {
	t.Helper()
	m := hub.Message{ThreadID: threadID, Direction: dir, Body: body, CreatedAt: reportAt.Add(at), UpdatedAt: reportAt.Add(at)}
	if err := s.Gorm(context.Background()).Create(&m).Error; err != nil {
		t.Fatal(err)
	}
	return m
}

// scored stores a score given at reportAt+at and, when comment is not
// empty, the customer's next message commentAfter later (an advisor's
// reply in between is not a comment).
func scored(t *testing.T, s *store.Store, w hub.WorkOrder, th hub.Thread, score int, at time.Duration, comment string, commentAfter time.Duration) {
	t.Helper()
	m := message(t, s, th.ID, hub.DirectionIn, "оценка", at)
	f := store.FeedbackScore{BranchID: w.BranchID, WorkOrderID: w.ID, ThreadID: th.ID, MessageID: m.ID, Score: score, CreatedAt: reportAt.Add(at)}
	if err := s.Gorm(context.Background()).Create(&f).Error; err != nil {
		t.Fatal(err)
	}
	message(t, s, th.ID, hub.DirectionOut, "Спасибо за оценку!", at+time.Minute)
	if comment != "" {
		message(t, s, th.ID, hub.DirectionIn, comment, at+commentAfter)
	}
}

func TestNPSReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newInboxWorld(t, s)
		setRegion(t, s, w.msk.Branch.ID, "Центр")
		setRegion(t, s, w.spb.Branch.ID, "Северо-Запад")
		cid := &w.customerID
		msk, spb := w.msk.Branch.ID, w.spb.Branch.ID
		h := time.Hour
		for _, c := range []struct {
			branch       int64
			number       string
			score        int
			at           time.Duration
			comment      string
			commentAfter time.Duration
		}{
			{msk, "N1", 10, 1 * h, "Всё отлично", h},
			{msk, "N2", 9, 2 * h, "", 0},
			{msk, "N3", 9, 3 * h, "поздно", 25 * h}, // after the window: no comment
			{msk, "N4", 8, 4 * h, "", 0},
			{msk, "N5", 6, 5 * h, "Долго ждал", 30 * time.Minute},
			{msk, "N6", 0, -40 * 24 * h, "", 0}, // before the period
			{spb, "N7", 2, 6 * h, "Плохо", 10 * time.Minute},
		} {
			order, th := reportOrder(t, s, w.msk, c.branch, c.number, cid, 0)
			scored(t, s, order, th, c.score, c.at, c.comment, c.commentAfter)
		}
		q := store.ReportQuery{BranchIDs: []int64{msk, spb}, From: reportAt.Add(-h), To: reportAt.Add(30 * 24 * h)}
		r, err := s.NPSReport(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		// msk: 10, 9, 9 promoters; 8 passive; 6 detractor: (3−1)/5 = 40.
		// spb: one detractor: −100. All: (3−2)/6 = 16.67 → 17.
		wantBranches := []store.NPSRow{
			{BranchCode: "msk1", Region: "Центр", Count: 5, Promoters: 3, Passives: 1, Detractors: 1},
			{BranchCode: "spb1", Region: "Северо-Запад", Count: 1, Detractors: 1},
		}
		if len(r.Branches) != 2 || r.Branches[0] != wantBranches[0] || r.Branches[1] != wantBranches[1] {
			t.Errorf("branches\n got %+v\nwant %+v", r.Branches, wantBranches)
		}
		if s0, s1 := r.Branches[0].Score(), r.Branches[1].Score(); s0 != 40 || s1 != -100 {
			t.Errorf("scores %d %d, want 40 −100", s0, s1)
		}
		if r.Total.Count != 6 || r.Total.Score() != 17 {
			t.Errorf("total %+v score %d, want 6 scores, 17", r.Total, r.Total.Score())
		}
		if len(r.Regions) != 2 || r.Regions[0].Region != "Северо-Запад" || r.Regions[0].Score() != -100 ||
			r.Regions[1].Region != "Центр" || r.Regions[1].Score() != 40 {
			t.Errorf("regions %+v", r.Regions)
		}
		var got []string
		for _, c := range r.Comments {
			got = append(got, c.WorkOrderNumber+"|"+c.BranchCode+"|"+c.Customer+"|"+c.Comment)
		}
		want := []string{"N7|spb1|Иванов Пётр|Плохо", "N5|msk1|Иванов Пётр|Долго ждал", "N4|msk1|Иванов Пётр|",
			"N3|msk1|Иванов Пётр|", "N2|msk1|Иванов Пётр|", "N1|msk1|Иванов Пётр|Всё отлично"}
		if len(got) != len(want) {
			t.Fatalf("comments %q, want %q", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("comment %d = %q, want %q", i, got[i], want[i])
			}
		}
		if r.Comments[0].Score != 2 || !r.Comments[0].At.Equal(reportAt.Add(6*h)) {
			t.Errorf("newest comment %+v", r.Comments[0])
		}

		only, err := s.NPSReport(ctx, store.ReportQuery{BranchIDs: []int64{spb}, From: q.From, To: q.To})
		if err != nil {
			t.Fatal(err)
		}
		if only.Total.Count != 1 || len(only.Comments) != 1 || len(only.Branches) != 1 {
			t.Errorf("spb only: %+v", only)
		}
	})
}
