package store_test

import (
	"errors"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// newWAGroupAccount stores a WhatsApp account of the fixture's branch.
func newWAGroupAccount(t *testing.T, s *store.Store, f storetest.Fixture) hub.WAAccount {
	t.Helper()
	acc := hub.WAAccount{BranchID: f.Branch.ID, Name: "groups-" + f.Branch.Code}
	if err := s.CreateWAAccount(t.Context(), &acc); err != nil {
		t.Fatal(err)
	}
	return acc
}

func TestWAGroupClaimIsTakenOncePerThread(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		acc := newWAGroupAccount(t, s, f)
		if _, err := s.WAGroupByThread(ctx, f.Thread.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("group of a fresh thread: %v, want ErrNotFound", err)
		}

		g := hub.WAGroup{ThreadID: f.Thread.ID, AccountID: acc.ID, Name: "ЗН-0001234 · А123ВС77"}
		claimed, err := s.ClaimWAGroup(ctx, &g)
		if err != nil || !claimed {
			t.Fatalf("first claim: %v %v", claimed, err)
		}
		if g.ID == 0 || g.State != hub.WAGroupActive || g.JID != "" || g.CreatedAt.IsZero() {
			t.Fatalf("claimed row not filled: %+v", g)
		}
		second := hub.WAGroup{ThreadID: f.Thread.ID, AccountID: acc.ID, Name: "other"}
		claimed, err = s.ClaimWAGroup(ctx, &second)
		if err != nil || claimed || second.ID != 0 {
			t.Fatalf("second claim: claimed %v id %d err %v, want refused", claimed, second.ID, err)
		}

		ok, err := s.SetWAGroupJID(ctx, g.ID, "120363000000000001@g.us")
		if err != nil || !ok {
			t.Fatalf("set JID: %v %v", ok, err)
		}
		got, err := s.WAGroupByThread(ctx, f.Thread.ID)
		if err != nil || got.JID != "120363000000000001@g.us" || got.Name != g.Name || got.State != hub.WAGroupActive {
			t.Fatalf("stored group: %+v %v", got, err)
		}
		// A created group is no claim any more: it neither fails nor takes another JID.
		if ok, err := s.FailWAGroup(ctx, g.ID, "late"); err != nil || ok {
			t.Fatalf("fail a created group: %v %v, want false", ok, err)
		}
		if ok, err := s.SetWAGroupJID(ctx, g.ID, "120363000000000002@g.us"); err != nil || ok {
			t.Fatalf("second JID: %v %v, want false", ok, err)
		}
	})
}

func TestWAGroupFailAndLeaveChangeStateOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		acc := newWAGroupAccount(t, s, f)
		g := hub.WAGroup{ThreadID: f.Thread.ID, AccountID: acc.ID, Name: "ЗН-0001234"}
		if _, err := s.ClaimWAGroup(ctx, &g); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.FailWAGroup(ctx, g.ID, "rate-overlimit"); err != nil || !ok {
			t.Fatalf("fail: %v %v", ok, err)
		}
		if ok, err := s.FailWAGroup(ctx, g.ID, "again"); err != nil || ok {
			t.Fatalf("fail twice: %v %v, want false", ok, err)
		}
		if ok, err := s.SetWAGroupJID(ctx, g.ID, "120363000000000001@g.us"); err != nil || ok {
			t.Fatalf("JID after failure: %v %v, want false", ok, err)
		}
		if ok, err := s.SetWAGroupLeft(ctx, g.ID, time.Now()); err != nil || ok {
			t.Fatalf("leave a failed group: %v %v, want false", ok, err)
		}
		got, err := s.WAGroupByThread(ctx, f.Thread.ID)
		if err != nil || got.State != hub.WAGroupFailed || got.LastError != "rate-overlimit" || got.JID != "" || got.LeftAt != nil {
			t.Fatalf("failed group: %+v %v", got, err)
		}
	})
}

func TestEndedWAGroupsListsActiveGroupsOfFinishedWorkOrders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		acc := newWAGroupAccount(t, s, f)
		if err := s.SetBranchWASettings(ctx, f.Branch.ID, store.WASettings{Groups: true, GroupLeaveDays: 5}); err != nil {
			t.Fatal(err)
		}
		// Four work orders with a created group each: delivered with a
		// hand-over time, cancelled without one, still in progress, and
		// delivered but with its group already left.
		handed := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
		mk := func(number, status string, handedOver *time.Time) hub.WAGroup {
			t.Helper()
			w := hub.WorkOrder{NodeID: f.Node.ID, BranchID: f.Branch.ID, Number: number, Version: 1, Status: status,
				OpenedAt: time.Now().UTC(), HandedOverAt: handedOver}
			if _, err := s.SaveWorkOrder(ctx, &w); err != nil {
				t.Fatal(err)
			}
			th := hub.Thread{BranchID: f.Branch.ID, WorkOrderID: &w.ID, Phone: "+79161234567", Channel: hub.ChannelWhatsApp}
			if err := s.CreateThread(ctx, &th); err != nil {
				t.Fatal(err)
			}
			g := hub.WAGroup{ThreadID: th.ID, AccountID: acc.ID, Name: number}
			if _, err := s.ClaimWAGroup(ctx, &g); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SetWAGroupJID(ctx, g.ID, "120363"+number+"@g.us"); err != nil {
				t.Fatal(err)
			}
			return g
		}
		delivered := mk("1001", hub.StatusDelivered, &handed)
		cancelled := mk("1002", hub.StatusCancelled, nil)
		mk("1003", hub.StatusInProgress, nil)
		gone := mk("1004", hub.StatusDelivered, &handed)
		if _, err := s.SetWAGroupLeft(ctx, gone.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		// A claim still waiting for its JID has nothing to leave.
		w := hub.WorkOrder{NodeID: f.Node.ID, BranchID: f.Branch.ID, Number: "1005", Version: 1, Status: hub.StatusDelivered,
			OpenedAt: time.Now().UTC(), HandedOverAt: &handed}
		if _, err := s.SaveWorkOrder(ctx, &w); err != nil {
			t.Fatal(err)
		}
		th := hub.Thread{BranchID: f.Branch.ID, WorkOrderID: &w.ID, Phone: "+79161234567", Channel: hub.ChannelWhatsApp}
		if err := s.CreateThread(ctx, &th); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClaimWAGroup(ctx, &hub.WAGroup{ThreadID: th.ID, AccountID: acc.ID, Name: "1005"}); err != nil {
			t.Fatal(err)
		}

		cancelledOrder, err := s.WorkOrderByNumber(ctx, f.Node.ID, "1002")
		if err != nil {
			t.Fatal(err)
		}
		ended, err := s.EndedWAGroups(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ended) != 2 {
			t.Fatalf("ended groups = %+v, want the delivered and the cancelled one", ended)
		}
		if e := ended[0]; e.Group.ID != delivered.ID || e.WorkOrderNumber != "1001" || !e.EndedAt.Equal(handed) ||
			e.LeaveDays != 5 || e.Group.JID != "1203631001@g.us" || e.Group.AccountID != acc.ID || e.Group.ThreadID != delivered.ThreadID {
			t.Errorf("delivered: %+v", e)
		}
		if e := ended[1]; e.Group.ID != cancelled.ID || !e.EndedAt.Equal(cancelledOrder.UpdatedAt) || e.LeaveDays != 5 {
			t.Errorf("cancelled: %+v, want ended at the work order's last update %v", e, cancelledOrder.UpdatedAt)
		}
	})
}
