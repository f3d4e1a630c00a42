package store_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// TestInboxCountsMatchTheFilters checks each tab's count is the number of
// threads its filter lists, scoped to the branches asked for.
func TestInboxCountsMatchTheFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newInboxWorld(t, s)
		u := store.User{Login: "anna", Role: store.RoleAdvisor, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &u, []int64{w.msk.Branch.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddMessage(ctx, &hub.Message{ThreadID: w.other.ID, Direction: hub.DirectionIn, Body: "Когда?", Author: "customer"}); err != nil {
			t.Fatal(err)
		}
		if err := s.AssignThread(ctx, w.msk.Thread.ID, &u.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.SetThreadState(ctx, w.spb.Thread.ID, hub.ThreadResolved); err != nil {
			t.Fatal(err)
		}
		if err := s.FollowThread(ctx, w.spb.Thread.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.FollowThread(ctx, w.other.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		checkInboxCounts(t, s, u.ID, w)
		msk, err := s.InboxCounts(ctx, u.ID, []int64{w.msk.Branch.ID})
		if err != nil {
			t.Fatal(err)
		}
		if msk[store.FilterActive] != 2 || msk[store.FilterMine] != 1 || msk[store.FilterWaitingUs] != 1 || msk[store.FilterResolved] != 0 ||
			msk[store.FilterFollowing] != 1 {
			t.Errorf("msk counts %v, want 2 active, 1 mine, 1 following, 1 waiting for us, 0 resolved", msk)
		}
		if none, err := s.InboxCounts(ctx, u.ID, nil); err != nil || len(none) != 0 {
			t.Errorf("no branches: %v %v, want nothing counted", none, err)
		}
	})
}

// TestInboxCountsFollowEveryChange checks the counts (kept in
// thread_tallies by triggers) still match the lists after each kind of
// change a thread goes through: answered, set pending, reassigned,
// reopened, moved to another branch, deleted.
func TestInboxCountsFollowEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newInboxWorld(t, s)
		u := store.User{Login: "anna", Role: store.RoleAdvisor, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &u, []int64{w.msk.Branch.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.FollowThread(ctx, w.other.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		db := s.Gorm(ctx)
		steps := []struct {
			name string
			do   func() error
		}{
			{"customer writes", func() error {
				return s.AddMessage(ctx, &hub.Message{ThreadID: w.other.ID, Direction: hub.DirectionIn, Body: "Когда?", Author: "customer"})
			}},
			{"assigned", func() error { return s.AssignThread(ctx, w.other.ID, &u.ID) }},
			{"answered", func() error {
				return s.AddMessage(ctx, &hub.Message{ThreadID: w.other.ID, Direction: hub.DirectionOut, Body: "Завтра", Author: "anna"})
			}},
			{"pending", func() error { return s.SetThreadState(ctx, w.other.ID, hub.ThreadPending) }},
			{"resolved", func() error { return s.SetThreadState(ctx, w.msk.Thread.ID, hub.ThreadResolved) }},
			{"reopened", func() error { return s.SetThreadState(ctx, w.msk.Thread.ID, hub.ThreadOpen) }},
			{"unassigned", func() error { return s.AssignThread(ctx, w.other.ID, nil) }},
			{"moved", func() error {
				return db.Exec("UPDATE threads SET branch_id = ? WHERE id = ?", w.spb.Branch.ID, w.other.ID).Error
			}},
			{"deleted", func() error { return db.Exec("DELETE FROM threads WHERE id = ?", w.other.ID).Error }},
		}
		for _, step := range steps {
			if err := step.do(); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			t.Run(step.name, func(t *testing.T) { checkInboxCounts(t, s, u.ID, w) })
		}
	})
}

// checkInboxCounts compares each tab's count with the length of its list,
// for one branch, the other and both.
func checkInboxCounts(t *testing.T, s *store.Store, userID int64, w inboxWorld) {
	t.Helper()
	ctx := context.Background()
	for _, scope := range [][]int64{{w.msk.Branch.ID}, {w.msk.Branch.ID, w.spb.Branch.ID}, {w.spb.Branch.ID}} {
		got, err := s.InboxCounts(ctx, userID, scope)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{}
		for _, f := range store.InboxFilters {
			want[f] = len(inboxIDs(t, s, store.InboxQuery{UserID: userID, BranchIDs: scope, Filter: f, Limit: 200}))
		}
		if !maps.Equal(got, want) {
			t.Errorf("branches %v: counts %v, want %v", scope, got, want)
		}
	}
}

// TestCustomerPanel checks the side panel: phones, cars, the customer's
// work orders of the user's branches only, with their threads and scores.
func TestCustomerPanel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newInboxWorld(t, s)
		reply, err := s.AddCustomerMessage(ctx, w.msk.Thread, "9", "web", nil)
		if err != nil {
			t.Fatal(err)
		}
		order, err := s.WorkOrder(ctx, *w.msk.Thread.WorkOrderID)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := s.RecordFeedback(ctx, order, reply, 9); err != nil || !ok {
			t.Fatalf("record feedback: %v %v", ok, err)
		}
		p, err := s.CustomerPanelFor(ctx, []int64{w.msk.Branch.ID}, w.customerID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Customer.Name != "Иванов Пётр" || !slices.Equal(p.Phones, []string{"+79161234567"}) || p.Customer.OptedOutAt != nil {
			t.Errorf("customer %+v phones %v", p.Customer, p.Phones)
		}
		if len(p.Vehicles) != 1 || p.Vehicles[0].Plate != "А123ВС77" {
			t.Errorf("vehicles %+v", p.Vehicles)
		}
		if len(p.Orders) != 1 {
			t.Fatalf("orders %+v, want only the msk order (spb is not the user's)", p.Orders)
		}
		o := p.Orders[0]
		if o.Number != "ЗН-0001234" || o.BranchCode != "msk1" || o.ThreadID == nil || *o.ThreadID != w.msk.Thread.ID || o.Score == nil || *o.Score != 9 {
			t.Errorf("order %+v", o)
		}
		both, err := s.CustomerPanelFor(ctx, []int64{w.msk.Branch.ID, w.spb.Branch.ID}, w.customerID)
		if err != nil {
			t.Fatal(err)
		}
		if len(both.Orders) != 2 || both.Orders[0].Score != nil && both.Orders[1].Score != nil {
			t.Errorf("both branches: %+v, want two orders, one scored", both.Orders)
		}
		if _, err := s.CustomerPanelFor(ctx, []int64{w.msk.Branch.ID}, 987654); err == nil {
			t.Error("a missing customer gave a panel")
		}
	})
}
