package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// team adds users to a branch with their duty: capacity, on shift or not.
type team struct {
	t      *testing.T
	s      *store.Store
	branch int64
}

func (tm team) add(login, role string, capacity int, onShift bool) store.User {
	tm.t.Helper()
	ctx := context.Background()
	u := store.User{Login: login, Name: login, Role: role, PasswordHash: "x"}
	if err := tm.s.CreateUser(ctx, &u, []int64{tm.branch}); err != nil {
		tm.t.Fatal(err)
	}
	if err := tm.s.SetBranchDuty(ctx, u.ID, tm.branch, capacity, false); err != nil {
		tm.t.Fatal(err)
	}
	if onShift {
		if _, err := tm.s.SetOnShift(ctx, tm.branch, u.ID, true, nil); err != nil {
			tm.t.Fatal(err)
		}
	}
	return u
}

// createLeads opens n threads of the branch at once, each in its own
// transaction, as n inbound messages arriving together would.
func createLeads(t *testing.T, s *store.Store, branchID int64, n int) []hub.Thread {
	t.Helper()
	out := make([]hub.Thread, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = hub.Thread{BranchID: branchID, Phone: fmt.Sprintf("+7916555%04d", i), Channel: hub.ChannelSMS}
			errs[i] = s.CreateThread(context.Background(), &out[i])
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// loads counts the open threads of each assignee (0: unassigned) among threads.
func loads(t *testing.T, s *store.Store, threads []hub.Thread) map[int64]int {
	t.Helper()
	out := map[int64]int{}
	for _, th := range threads {
		got, err := s.Thread(context.Background(), th.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.AssigneeID == nil {
			out[0]++
		} else {
			out[*got.AssigneeID]++
		}
		if !sameAssignee(got.AssigneeID, th.AssigneeID) {
			t.Errorf("thread %d: CreateThread said assignee %v, stored %v", th.ID, th.AssigneeID, got.AssigneeID)
		}
	}
	return out
}

func sameAssignee(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// Fifteen threads created at once in a round-robin branch spread one by
// one over the advisors on shift and stop at each one's capacity; the rest
// stay unassigned. Off-shift advisors, mechanics and the disabled get none.
func TestAssignRoundRobinUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		f := storetest.NewFixture(t, s)
		tm := team{t, s, f.Branch.ID}
		a, b, c := tm.add("anna", store.RoleAdvisor, 4, true), tm.add("boris", store.RoleAdvisor, 4, true), tm.add("vera", store.RoleAdvisor, 4, true)
		off := tm.add("oleg", store.RoleAdvisor, 0, false)
		mech := tm.add("misha", store.RoleMechanic, 0, true)
		threads := createLeads(t, s, f.Branch.ID, 15)
		got := loads(t, s, threads)
		if got[a.ID] != 4 || got[b.ID] != 4 || got[c.ID] != 4 || got[0] != 3 || got[off.ID] != 0 || got[mech.ID] != 0 {
			t.Fatalf("loads %v, want 4 each for %d %d %d and 3 unassigned", got, a.ID, b.ID, c.ID)
		}
		audit, err := s.RecentAssignments(context.Background(), []int64{f.Branch.ID}, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(audit) != 12 {
			t.Fatalf("%d audit rows, want 12", len(audit))
		}
		for _, r := range audit {
			if r.Reason != store.ReasonRoundRobin || r.ByUser != nil || r.FromUser != nil || r.ToUser == nil || r.ToName == "" {
				t.Fatalf("audit row %+v", r)
			}
		}
	})
}

// In a least-loaded branch, 15 threads created at once even out the loads:
// an advisor who already holds 3 open threads gets fewer new ones.
func TestAssignLeastLoadedUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		if err := s.SetAssignMode(ctx, f.Branch.ID, store.AssignLeastLoaded); err != nil {
			t.Fatal(err)
		}
		tm := team{t, s, f.Branch.ID}
		a := tm.add("anna", store.RoleAdvisor, 7, false)
		busy := createLeads(t, s, f.Branch.ID, 3) // nobody on shift yet: unassigned
		for _, th := range busy {
			if th.AssigneeID != nil {
				t.Fatalf("thread %d assigned with nobody on shift", th.ID)
			}
			if err := s.AssignThreadBy(ctx, th.ID, &a.ID, store.ReasonManual, &a.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.SetOnShift(ctx, f.Branch.ID, a.ID, true, &a.ID); err != nil {
			t.Fatal(err)
		}
		b, c := tm.add("boris", store.RoleAdvisor, 6, true), tm.add("vera", store.RoleAdmin, 0, true)
		threads := createLeads(t, s, f.Branch.ID, 15)
		got := loads(t, s, threads)
		// 18 open threads in all: 6 each, so anna (3 already) gets 3.
		if got[a.ID] != 3 || got[b.ID] != 6 || got[c.ID] != 6 || got[0] != 0 {
			t.Fatalf("new threads per advisor %v, want anna 3, boris 6, vera 6", got)
		}
		team, err := s.BranchTeam(ctx, f.Branch.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range team {
			if m.Load != 6 {
				t.Fatalf("team member %s load %d, want 6", m.Login, m.Load)
			}
		}
	})
}

// A work order whose DMS advisor maps to a user of the branch gets that
// user, on shift or not; a user of another branch with the same DMS id is
// not taken. When the DMS names another mapped advisor, an automatic
// assignee follows; a person's choice stays.
func TestAssignDMSAdvisor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newInboxWorld(t, s)
		tm := team{t, s, w.msk.Branch.ID}
		rr := tm.add("anna", store.RoleAdvisor, 0, true)
		petr := tm.add("petr", store.RoleAdvisor, 0, false)
		ivan := tm.add("ivan", store.RoleAdvisor, 0, false)
		elsewhere := team{t, s, w.spb.Branch.ID}.add("spb", store.RoleAdvisor, 0, true)
		for u, id := range map[int64]string{petr.ID: "ADV-7", ivan.ID: "ADV-8", elsewhere.ID: "ADV-9"} {
			if err := s.SetUserExternalID(ctx, u, id); err != nil {
				t.Fatal(err)
			}
		}
		open := func(number, advisor string) hub.Thread {
			o := hub.WorkOrder{NodeID: w.msk.Node.ID, BranchID: w.msk.Branch.ID, Number: number, Version: 1, AdvisorExternalID: advisor, OpenedAt: time.Now().UTC()}
			if _, err := s.SaveWorkOrder(ctx, &o); err != nil {
				t.Fatal(err)
			}
			th := hub.Thread{BranchID: w.msk.Branch.ID, WorkOrderID: &o.ID, Phone: "+79160000001", Channel: hub.ChannelSMS}
			if err := s.CreateThread(ctx, &th); err != nil {
				t.Fatal(err)
			}
			return th
		}
		th := open("ЗН-1", "ADV-7")
		if th.AssigneeID == nil || *th.AssigneeID != petr.ID {
			t.Fatalf("assignee %v, want the DMS advisor %d", th.AssigneeID, petr.ID)
		}
		if other := open("ЗН-2", "ADV-9"); other.AssigneeID == nil || *other.AssigneeID != rr.ID {
			t.Fatalf("advisor of another branch: assignee %v, want the round robin's %d", other.AssigneeID, rr.ID)
		}
		setAdvisor := func(th hub.Thread, advisor string) *int64 {
			o, err := s.WorkOrder(ctx, *th.WorkOrderID)
			if err != nil {
				t.Fatal(err)
			}
			o.AdvisorExternalID, o.Version = advisor, o.Version+1
			if _, err := s.SaveWorkOrder(ctx, &o); err != nil {
				t.Fatal(err)
			}
			if err := s.FollowWorkOrderAdvisor(ctx, th.ID); err != nil {
				t.Fatal(err)
			}
			got, err := s.Thread(ctx, th.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.AssigneeID
		}
		if got := setAdvisor(th, "ADV-8"); got == nil || *got != ivan.ID {
			t.Fatalf("after the DMS advisor changed: assignee %v, want %d", got, ivan.ID)
		}
		if err := s.AssignThreadBy(ctx, th.ID, &rr.ID, store.ReasonManual, &rr.ID); err != nil {
			t.Fatal(err)
		}
		if got := setAdvisor(th, "ADV-7"); got == nil || *got != rr.ID {
			t.Fatalf("a manual assignment was overridden by the DMS: assignee %v", got)
		}
		audit, err := s.ThreadAssignments(ctx, th.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		var reasons []string
		for _, a := range audit {
			reasons = append(reasons, a.Reason)
		}
		if fmt.Sprint(reasons) != "[manual dms_advisor dms_advisor]" || audit[0].ByName != "anna" || audit[0].FromName != "ivan" {
			t.Fatalf("audit %v (%+v)", reasons, audit[0])
		}
	})
}

// Going off shift hands on the advisor's open threads with unanswered
// customer messages (audited as off_shift, by who did it); the others stay.
// With nobody free they become unassigned.
func TestAssignOffShift(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		tm := team{t, s, f.Branch.ID}
		a := tm.add("anna", store.RoleAdvisor, 0, true)
		threads := createLeads(t, s, f.Branch.ID, 3)
		for _, th := range threads[:2] {
			if err := s.AddMessage(ctx, &hub.Message{ThreadID: th.ID, Direction: hub.DirectionIn, Body: "Когда будет готово?"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetThreadState(ctx, threads[1].ID, hub.ThreadResolved); err != nil {
			t.Fatal(err)
		}
		b := tm.add("boris", store.RoleAdvisor, 0, true)
		moved, err := s.SetOnShift(ctx, f.Branch.ID, a.ID, false, &a.ID)
		if err != nil || moved != 1 {
			t.Fatalf("moved %d, %v; want 1 (the open one waiting)", moved, err)
		}
		want := []int64{b.ID, a.ID, a.ID}
		for i, th := range threads {
			g, err := s.Thread(ctx, th.ID)
			if err != nil {
				t.Fatal(err)
			}
			if g.AssigneeID == nil || *g.AssigneeID != want[i] {
				t.Fatalf("thread %d: assignee %v, want %d", i, g.AssigneeID, want[i])
			}
		}
		last, err := s.ThreadAssignments(ctx, threads[0].ID, 1)
		if err != nil || len(last) != 1 || last[0].Reason != store.ReasonOffShift || last[0].ByUser == nil || *last[0].ByUser != a.ID {
			t.Fatalf("audit %+v, %v", last, err)
		}
		// boris leaves too: nobody is free, the thread waits unassigned.
		if moved, err := s.SetOnShift(ctx, f.Branch.ID, b.ID, false, &b.ID); err != nil || moved != 1 {
			t.Fatalf("moved %d, %v", moved, err)
		}
		if g, _ := s.Thread(ctx, threads[0].ID); g.AssigneeID != nil {
			t.Fatalf("assignee %v, want nobody", *g.AssigneeID)
		}
		if _, err := s.SetOnShift(ctx, f.Branch.ID+100, b.ID, true, nil); err == nil {
			t.Fatal("shift at a branch the user does not work at was accepted")
		}
	})
}

// A branch observer follows every new thread; the following filter lists
// the threads a user observes and the list marks them; following and
// unfollowing by hand work and repeat safely.
func TestAssignObservers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		tm := team{t, s, f.Branch.ID}
		boss := tm.add("boss", store.RoleAdmin, 0, false)
		if err := s.SetBranchDuty(ctx, boss.ID, f.Branch.ID, 0, true); err != nil {
			t.Fatal(err)
		}
		adv := tm.add("anna", store.RoleAdvisor, 0, false)
		th := createLeads(t, s, f.Branch.ID, 1)[0]
		list := func(userID int64, filter string) []store.InboxThread {
			rows, err := s.InboxThreads(ctx, store.InboxQuery{UserID: userID, BranchIDs: []int64{f.Branch.ID}, Filter: filter})
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		if rows := list(boss.ID, store.FilterFollowing); len(rows) != 1 || rows[0].ID != th.ID || !rows[0].Following {
			t.Fatalf("boss follows %+v, want the new thread", rows)
		}
		if rows := list(adv.ID, store.FilterFollowing); len(rows) != 0 {
			t.Fatalf("anna follows %+v, want none", rows)
		}
		for range 2 {
			if err := s.FollowThread(ctx, f.Thread.ID, adv.ID); err != nil {
				t.Fatal(err)
			}
		}
		if rows := list(adv.ID, store.FilterActive); len(rows) != 2 || rows[0].Following == rows[1].Following {
			t.Fatalf("anna's list %+v, want one of two followed", rows)
		}
		for range 2 {
			if err := s.UnfollowThread(ctx, f.Thread.ID, adv.ID); err != nil {
				t.Fatal(err)
			}
		}
		if rows := list(adv.ID, store.FilterFollowing); len(rows) != 0 {
			t.Fatalf("after unfollowing: %+v", rows)
		}
		obs, err := s.ThreadObservers(ctx, th.ID)
		if err != nil || len(obs) != 1 || obs[0].ID != boss.ID {
			t.Fatalf("observers %+v, %v", obs, err)
		}
	})
}
