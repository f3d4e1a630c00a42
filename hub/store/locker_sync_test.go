package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/lockerwire"
)

// syncSite stores a site of the branch with one board of four compartments.
func syncSite(t *testing.T, s *store.Store, branchID int64, name string) (hub.LockerSite, []hub.LockerCompartment) {
	t.Helper()
	site := hub.LockerSite{BranchID: branchID, Name: name, TokenHash: fmt.Sprintf("sync-%s-%d", name, branchID)}
	comps := []hub.LockerCompartment{{Board: 0, Lock: 1, Label: "1"}, {Board: 0, Lock: 2, Label: "2"}, {Board: 1, Lock: 1, Label: "17"}, {Board: 1, Lock: 2, Label: "18"}}
	if err := s.CreateLockerSite(t.Context(), &site, comps); err != nil {
		t.Fatal(err)
	}
	return site, comps
}

func TestInsertLockerEventStoresEachIDOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		main, comps := syncSite(t, s, f.Branch.ID, "Main")
		yard, _ := syncSite(t, s, f.Branch.ID, "Yard")
		at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.FixedZone("MSK", 3*3600))
		event := func(site int64, uid string) hub.LockerEvent {
			return hub.LockerEvent{SiteID: site, EventUID: uid, Kind: lockerwire.EventKeysReceived, OccurredAt: at,
				CompartmentID: &comps[0].ID, WorkOrderID: &f.Order.ID, Actor: "customer"}
		}
		first := event(main.ID, "ev-1")
		isNew, err := s.InsertLockerEvent(ctx, &first)
		if err != nil || !isNew || first.ID == 0 {
			t.Fatalf("first insert: new %v, id %d, %v", isNew, first.ID, err)
		}
		again := event(main.ID, "ev-1")
		again.Kind = lockerwire.EventDoorOpened
		if isNew, err := s.InsertLockerEvent(ctx, &again); err != nil || isNew || again.ID != 0 {
			t.Fatalf("re-sent event: new %v, id %d, %v; want nothing stored", isNew, again.ID, err)
		}
		other := event(yard.ID, "ev-1")
		if isNew, err := s.InsertLockerEvent(ctx, &other); err != nil || !isNew {
			t.Fatalf("the same id at another site: new %v, %v; want stored", isNew, err)
		}
		got, err := s.LockerEvents(ctx, []int64{main.ID}, 10)
		if err != nil || len(got) != 1 {
			t.Fatalf("events of Main: %+v %v", got, err)
		}
		if g := got[0]; g.Kind != lockerwire.EventKeysReceived || !g.OccurredAt.Equal(at) || *g.WorkOrderID != f.Order.ID || g.ReceivedAt.IsZero() {
			t.Fatalf("stored event = %+v; want the first one as sent", g)
		}
	})
}

func TestResolveLockerAlarms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		site, comps := syncSite(t, s, f.Branch.ID, "Main")
		raise := func(kind string, comp *int64) hub.LockerAlarm {
			t.Helper()
			e := hub.LockerEvent{SiteID: site.ID, EventUID: fmt.Sprintf("a-%d", time.Now().UnixNano()), Kind: kind, OccurredAt: time.Now(), CompartmentID: comp}
			if _, err := s.InsertLockerEvent(ctx, &e); err != nil {
				t.Fatal(err)
			}
			a := hub.LockerAlarm{SiteID: site.ID, EventID: e.ID, CompartmentID: comp, Kind: kind, RaisedAt: e.OccurredAt}
			if err := s.RaiseLockerAlarm(ctx, &a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		openIDs := func() []int64 {
			t.Helper()
			list, err := s.LockerAlarms(ctx, []int64{site.ID}, true)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, a := range list {
				ids = append(ids, a.ID)
			}
			slices.Sort(ids)
			return ids
		}
		doorA := raise(lockerwire.EventDoorLeftOpen, &comps[0].ID)
		doorB := raise(lockerwire.EventDoorLeftOpen, &comps[1].ID)
		boardNamed := raise(lockerwire.EventBoardOffline, &comps[2].ID)
		boardUnnamed := raise(lockerwire.EventBoardOffline, nil)
		lockout := raise(lockerwire.EventPINLockout, nil)

		if n, err := s.ResolveLockerAlarms(ctx, site.ID, lockerwire.EventDoorLeftOpen, []int64{comps[0].ID}, "kiosk"); err != nil || n != 1 {
			t.Fatalf("door closed on box 1 cleared %d, %v; want 1", n, err)
		}
		if got, want := openIDs(), []int64{doorB.ID, boardNamed.ID, boardUnnamed.ID, lockout.ID}; !slices.Equal(got, want) {
			t.Fatalf("open after box 1 closed: %v, want %v", got, want)
		}
		if n, err := s.ResolveLockerAlarms(ctx, site.ID, lockerwire.EventBoardOffline, []int64{comps[0].ID, comps[1].ID}, "kiosk"); err != nil || n != 1 {
			t.Fatalf("board 0 back cleared %d, %v; want only the alarm naming no box", n, err)
		}
		if n, err := s.ResolveLockerAlarms(ctx, site.ID, lockerwire.EventBoardOffline, nil, "kiosk"); err != nil || n != 1 {
			t.Fatalf("every board back cleared %d, %v; want board 1's", n, err)
		}
		if got, want := openIDs(), []int64{doorB.ID, lockout.ID}; !slices.Equal(got, want) {
			t.Fatalf("open at the end: %v, want %v", got, want)
		}
		cleared, err := s.LockerAlarm(ctx, doorA.ID)
		if err != nil || cleared.ClearedAt == nil || cleared.ClearedBy != "kiosk" {
			t.Fatalf("cleared alarm = %+v, %v", cleared, err)
		}
	})
}

func TestMarkLockerCommandDone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		main, comps := syncSite(t, s, f.Branch.ID, "Main")
		yard, _ := syncSite(t, s, f.Branch.ID, "Yard")
		admin := store.User{Login: "boss", Name: "Boss", Role: store.RoleAdmin, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &admin, []int64{f.Branch.ID}); err != nil {
			t.Fatal(err)
		}
		cmd := hub.LockerCommand{SiteID: main.ID, CompartmentID: comps[0].ID, Reason: "stuck", UserID: admin.ID, Login: "boss"}
		if err := s.CreateLockerCommand(ctx, &cmd); err != nil {
			t.Fatal(err)
		}
		at := time.Now()
		if err := s.MarkLockerCommandDone(ctx, yard.ID, cmd.ID, at); err != nil {
			t.Fatal(err)
		}
		if pending, _ := s.PendingLockerCommands(ctx, main.ID); len(pending) != 1 {
			t.Fatalf("another site's kiosk finished the command: %+v", pending)
		}
		if err := s.MarkLockerCommandDone(ctx, main.ID, cmd.ID, at); err != nil {
			t.Fatal(err)
		}
		if pending, _ := s.PendingLockerCommands(ctx, main.ID); len(pending) != 0 {
			t.Fatalf("command still pending: %+v", pending)
		}
	})
}

func TestMirrorLockerCompartments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		site, comps := syncSite(t, s, f.Branch.ID, "Main")
		_, foreign := syncSite(t, s, f.Branch.ID, "Yard")
		before, err := s.LockerCompartments(ctx, site.ID)
		if err != nil {
			t.Fatal(err)
		}
		since := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		states := []lockerwire.CompartmentState{
			{ID: comps[1].ID, State: lockerwire.StateReady, WorkOrderID: f.Order.ID, Since: since, DoorClosed: true, Item: true},
			{ID: comps[0].ID, State: lockerwire.StateFree, Since: before[0].StateSince, DoorClosed: true}, // as stored
			{ID: foreign[0].ID, State: lockerwire.StateBroken, Since: since},
		}
		if err := s.MirrorLockerCompartments(ctx, site.ID, states); err != nil {
			t.Fatal(err)
		}
		after, err := s.LockerCompartments(ctx, site.ID)
		if err != nil {
			t.Fatal(err)
		}
		box := after[1]
		if box.State != lockerwire.StateReady || box.WorkOrderID == nil || *box.WorkOrderID != f.Order.ID || !box.StateSince.Equal(since) || !box.Item || !box.DoorClosed {
			t.Fatalf("mirrored box = %+v", box)
		}
		if !after[0].UpdatedAt.Equal(before[0].UpdatedAt) {
			t.Fatalf("an unchanged box was rewritten: %v → %v", before[0].UpdatedAt, after[0].UpdatedAt)
		}
		others, _ := s.LockerCompartments(ctx, foreign[0].SiteID)
		if others[0].State != lockerwire.StateFree {
			t.Fatalf("a kiosk changed another site's box: %+v", others[0])
		}
		ready, err := s.LockerKeysReady(ctx, f.Order.ID)
		if err != nil || !ready {
			t.Fatalf("keys ready = %v, %v; want true", ready, err)
		}
		if err := s.RevokeLockerSite(ctx, site.ID); err != nil {
			t.Fatal(err)
		}
		if ready, err := s.LockerKeysReady(ctx, f.Order.ID); err != nil || ready {
			t.Fatalf("keys in a revoked locker count as ready: %v, %v", ready, err)
		}

		if err := s.TouchLockerSite(ctx, site.ID, since); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.LockerSite(ctx, site.ID); got.LastSyncAt == nil || !got.LastSyncAt.Equal(since) {
			t.Fatalf("last sync = %v, want %v", got.LastSyncAt, since)
		}
	})
}

func TestLockerOrders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		other := mustBranch(t, s, "SPB1")
		save := func(branchID int64, number, status string) int64 {
			t.Helper()
			w := hub.WorkOrder{NodeID: f.Node.ID, BranchID: branchID, Number: number, Version: 1, Status: status, Paid: true, OpenedAt: time.Now()}
			if _, err := s.SaveWorkOrder(ctx, &w); err != nil {
				t.Fatal(err)
			}
			return w.ID
		}
		delivered := save(f.Branch.ID, "ЗН-2", hub.StatusDelivered)
		cancelled := save(f.Branch.ID, "ЗН-3", hub.StatusCancelled)
		ready := save(f.Branch.ID, "ЗН-4", hub.StatusReady)
		elsewhere := save(other.ID, "ЗН-5", hub.StatusReady)

		got, err := s.LockerOrders(ctx, f.Branch.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != f.Order.ID || got[1].ID != ready {
			t.Fatalf("open work orders = %+v; want the fixture's and ЗН-4", got)
		}
		if got[0].Phone != f.Thread.Phone || got[1].Phone != "" || !got[1].Paid || got[1].Status != hub.StatusReady || got[1].Number != "ЗН-4" {
			t.Fatalf("rows = %+v", got)
		}
		got, err = s.LockerOrders(ctx, f.Branch.ID, []int64{delivered})
		if err != nil || len(got) != 3 || got[1].ID != delivered {
			t.Fatalf("with a held delivered one = %+v, %v", got, err)
		}

		ids, err := s.BranchWorkOrderIDs(ctx, f.Branch.ID, []int64{cancelled, elsewhere, 999999})
		if err != nil || !slices.Equal(ids, []int64{cancelled}) {
			t.Fatalf("branch work orders = %v, %v; want only ЗН-3", ids, err)
		}
	})
}
