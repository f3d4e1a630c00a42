package realtime_test

import (
	"context"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/realtime"
	"naryad/hub/store"
)

// waitLimit bounds every wait for something that should happen soon.
const waitLimit = 5 * time.Second

// fixture is a branch with one work order and its thread.
type fixture struct {
	branch hub.Branch
	thread hub.Thread
}

func newFixture(t *testing.T, s *store.Store) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{branch: hub.Branch{Code: "msk1", Name: "Москва", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}}
	if err := s.CreateBranch(ctx, &f.branch); err != nil {
		t.Fatal(err)
	}
	node := hub.DMSNode{Name: "alfa", TokenHash: "hash-" + t.Name()}
	if err := s.CreateNode(ctx, &node); err != nil {
		t.Fatal(err)
	}
	order := hub.WorkOrder{NodeID: node.ID, BranchID: f.branch.ID, Number: "ЗН-0001234", Version: 1, OpenedAt: time.Now().UTC()}
	if _, err := s.SaveWorkOrder(ctx, &order); err != nil {
		t.Fatal(err)
	}
	f.thread = hub.Thread{BranchID: f.branch.ID, WorkOrderID: &order.ID, Phone: "+79161234567", Channel: hub.ChannelSMS}
	if err := s.CreateThread(ctx, &f.thread); err != nil {
		t.Fatal(err)
	}
	return f
}

// addMessage commits an incoming message, which appends a "message" event.
func addMessage(t testing.TB, s *store.Store, f fixture, body string) hub.Message {
	t.Helper()
	m := hub.Message{ThreadID: f.thread.ID, Direction: hub.DirectionIn, Body: body}
	if err := s.AddMessage(context.Background(), &m); err != nil {
		t.Error(err)
	}
	return m
}

// start runs r until the test ends, then stops it and waits for it.
func start(t *testing.T, r interface{ Run(context.Context) error }) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(waitLimit):
			t.Errorf("run did not return within %v of its context ending", waitLimit)
		}
	})
}

func waitReady(t *testing.T, ready <-chan struct{}) {
	t.Helper()
	select {
	case <-ready:
	case <-time.After(waitLimit):
		t.Fatal("the tail did not become ready")
	}
}

// receive waits for n events on sub.
func receive(t *testing.T, sub *realtime.Subscription, n int) []hub.ThreadEvent {
	t.Helper()
	out := make([]hub.ThreadEvent, 0, n)
	deadline := time.After(waitLimit)
	for len(out) < n {
		select {
		case ev, ok := <-sub.C:
			if !ok {
				t.Fatalf("subscription closed after %d of %d events (dropped %v)", len(out), n, sub.Dropped())
			}
			out = append(out, ev)
		case <-deadline:
			t.Fatalf("received %d of %d events within %v: %+v", len(out), n, waitLimit, out)
		}
	}
	return out
}

// expectNothing checks that sub receives nothing for d.
func expectNothing(t *testing.T, sub *realtime.Subscription, d time.Duration) {
	t.Helper()
	select {
	case ev, ok := <-sub.C:
		t.Fatalf("unexpected event %+v (open %v)", ev, ok)
	case <-time.After(d):
	}
}

// waitFor polls cond until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, waitLimit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
