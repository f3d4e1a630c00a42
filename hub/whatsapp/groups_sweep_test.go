package whatsapp_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// groupCreated makes the rig's group and returns its JID.
func groupCreated(t *testing.T, r *groupRig) types.JID {
	t.Helper()
	jid, ok := r.groupFor(t, nil)
	if !ok {
		t.Fatal("no group")
	}
	return jid
}

func groupSweep(t *testing.T, r *groupRig, cl groupClients) int {
	t.Helper()
	n, err := r.groups.Sweep(t.Context(), cl)
	if err != nil {
		t.Fatalf("sweep: %v", err)
	}
	return n
}

func groupState(t *testing.T, s *store.Store, threadID int64) hub.WAGroup {
	t.Helper()
	g, err := s.WAGroupByThread(t.Context(), threadID)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestSweeperLeavesGroupDaysAfterHandOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)
		jid := groupCreated(t, r)
		handed := time.Now().UTC().Truncate(time.Second)
		r.update(t, func(w *hub.WorkOrder) { w.Status, w.HandedOverAt = hub.StatusDelivered, &handed })
		// Until it is left, the group still gets the thread's messages
		// (the "handed over" status among them).
		if got, ok := r.groupFor(t, nil); !ok || got != jid {
			t.Fatalf("handed over, not left yet: %v %v, want the group", got, ok)
		}
		cl := groupClients{r.acc.ID: r.fake}

		r.clock.Set(handed.Add(3*24*time.Hour - time.Minute)) // leave days: 3
		if n := groupSweep(t, r, cl); n != 0 || len(r.fake.Left()) != 0 {
			t.Fatalf("before 3 days: left %d (%v)", n, r.fake.Left())
		}
		if g := groupState(t, s, r.f.Thread.ID); g.State != hub.WAGroupActive {
			t.Fatalf("before 3 days: %+v", g)
		}

		at := handed.Add(3*24*time.Hour + time.Minute)
		r.clock.Set(at)
		if n := groupSweep(t, r, cl); n != 1 {
			t.Fatalf("after 3 days: left %d, want 1", n)
		}
		if left := r.fake.Left(); len(left) != 1 || left[0] != jid {
			t.Fatalf("LeaveGroup calls = %v, want [%v]", left, jid)
		}
		g := groupState(t, s, r.f.Thread.ID)
		if g.State != hub.WAGroupLeft || g.LeftAt == nil || !g.LeftAt.Equal(at) {
			t.Fatalf("left group = %+v, want left at %v", g, at)
		}
		notes := groupNotes(t, s, r.f.Thread.ID)
		if last := notes[len(notes)-1]; !strings.Contains(last, "left the WhatsApp group «ЗН-0001234 · А123ВС77»") {
			t.Errorf("last note = %q", last)
		}
		if _, ok := r.groupFor(t, nil); ok {
			t.Error("after leaving: still routed to the group")
		}
		if n := groupSweep(t, r, cl); n != 0 || len(r.fake.Left()) != 1 {
			t.Errorf("second sweep: left %d more (%v)", n, r.fake.Left())
		}
	})
}

func TestSweeperRetriesWithoutClientOrAfterRefusal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)
		groupCreated(t, r)
		handed := time.Now().UTC()
		r.update(t, func(w *hub.WorkOrder) { w.Status, w.HandedOverAt = hub.StatusDelivered, &handed })
		r.clock.Set(handed.Add(10 * 24 * time.Hour))

		// No session for the account in this process: next round.
		if n := groupSweep(t, r, groupClients{}); n != 0 {
			t.Fatalf("no client: left %d", n)
		}
		if g := groupState(t, s, r.f.Thread.ID); g.State != hub.WAGroupActive {
			t.Fatalf("no client: %+v", g)
		}

		// WhatsApp refuses for now: next round.
		cli := &groupRefusingClient{Fake: r.fake, leaveErr: whatsmeow.ErrIQRateOverLimit}
		if n := groupSweep(t, r, groupClients{r.acc.ID: cli}); n != 0 {
			t.Fatalf("refused: left %d", n)
		}
		if g := groupState(t, s, r.f.Thread.ID); g.State != hub.WAGroupActive {
			t.Fatalf("refused: %+v", g)
		}

		// The group is gone on WhatsApp: nothing left to leave, so it counts as left.
		cli.mu.Lock()
		cli.leaveErr = whatsmeow.ErrIQNotFound
		cli.mu.Unlock()
		if n := groupSweep(t, r, groupClients{r.acc.ID: cli}); n != 1 {
			t.Fatalf("gone: left %d, want 1", n)
		}
		if _, leaves := cli.counts(); leaves != 2 {
			t.Errorf("LeaveGroup calls = %d, want 2", leaves)
		}
		if g := groupState(t, s, r.f.Thread.ID); g.State != hub.WAGroupLeft {
			t.Fatalf("gone: %+v", g)
		}
		notes := groupNotes(t, s, r.f.Thread.ID)
		if last := notes[len(notes)-1]; !strings.Contains(last, "is gone or the account was removed") {
			t.Errorf("last note = %q", last)
		}
	})
}

func TestSweeperCountsCancelledFromLastUpdateAndSkipsReopened(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)
		groupCreated(t, r)
		cl := groupClients{r.acc.ID: r.fake}

		// Handed over long ago, then reopened: the group stays.
		handed := time.Now().UTC().Add(-30 * 24 * time.Hour)
		r.update(t, func(w *hub.WorkOrder) { w.Status, w.HandedOverAt = hub.StatusDelivered, &handed })
		r.update(t, func(w *hub.WorkOrder) { w.Status = hub.StatusInProgress })
		if n := groupSweep(t, r, cl); n != 0 {
			t.Fatalf("reopened: left %d", n)
		}

		// Cancelled without a hand-over time: counted from its last update.
		r.update(t, func(w *hub.WorkOrder) { w.Status, w.HandedOverAt = hub.StatusCancelled, nil })
		cancelled := r.f.Order.UpdatedAt
		r.clock.Set(cancelled.Add(2 * 24 * time.Hour))
		if n := groupSweep(t, r, cl); n != 0 {
			t.Fatalf("cancelled 2 days ago: left %d", n)
		}
		r.clock.Set(cancelled.Add(4 * 24 * time.Hour))
		if n := groupSweep(t, r, cl); n != 1 {
			t.Fatalf("cancelled 4 days ago: left %d, want 1", n)
		}
	})
}

func TestRunSweeperLeavesAndStopsAtContextEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)
		jid := groupCreated(t, r)
		handed := time.Now().UTC()
		r.update(t, func(w *hub.WorkOrder) { w.Status, w.HandedOverAt = hub.StatusDelivered, &handed })
		r.clock.Set(handed.Add(4 * 24 * time.Hour))

		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- r.groups.RunSweeper(ctx, groupClients{r.acc.ID: r.fake}, time.Hour) }()

		// The first sweep runs at start, not after the first hour.
		deadline := time.Now().Add(10 * time.Second)
		for len(r.fake.Left()) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the sweeper did not leave the group")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if left := r.fake.Left(); left[0] != jid {
			t.Fatalf("left %v, want %v", left, jid)
		}
		// The state is written after LeaveGroup returns: wait for it.
		for groupState(t, s, r.f.Thread.ID).State != hub.WAGroupLeft {
			if time.Now().After(deadline) {
				t.Fatal("the group was not marked left")
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("RunSweeper = %v, want nil at ctx end", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("RunSweeper did not return after ctx end")
		}
	})
}
