package realtime_test

import (
	"context"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/realtime"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// waitLimit bounds every wait for something that should happen soon:
// generous, as a busy machine (tests run in parallel, under -race) may take
// seconds, and a passing test never waits it out.
const waitLimit = 60 * time.Second

// addMessage commits an incoming message, which appends a "message" event.
func addMessage(t testing.TB, s *store.Store, f storetest.Fixture, body string) hub.Message {
	t.Helper()
	m := hub.Message{ThreadID: f.Thread.ID, Direction: hub.DirectionIn, Body: body}
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
