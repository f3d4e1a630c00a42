package reminders_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/reminders"
)

// perBranch proposes each branch's own reminders, set while it runs.
type perBranch struct {
	mu  sync.Mutex
	due map[int64]fixed
}

func (p *perBranch) Name() string { return "fixed" }
func (p *perBranch) Due(_ context.Context, _ *store.Store, scan reminders.Scan) ([]reminders.Reminder, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.due[scan.Branch.ID], nil
}
func (p *perBranch) set(branchID int64, f fixed) { p.mu.Lock(); p.due[branchID] = f; p.mu.Unlock() }

// The scheduler scans every branch, also one created after it started,
// sends each reminder once however often it scans, and Run returns once
// its context ends.
func TestSchedulerPicksUpNewBranches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		at := time.Date(2026, 10, 20, 10, 0, 0, 0, time.UTC) // midday in both zones
		rule := &perBranch{due: map[int64]fixed{}}
		first := newRig(t, s, "Europe/Warsaw")
		first.setNow(at)
		c1, _ := first.customer("en")
		rule.set(first.branch.ID, fixed{tyresFor(c1, "vehicle:1", at)})

		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		sched := reminders.NewScheduler(s, first.runner(rule), reminders.SchedulerOptions{
			Spec: "@every 1s", Refresh: time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		done := make(chan error, 1)
		go func() { done <- sched.Run(ctx) }()
		waitSent(t, first, c1)

		second := newRig(t, s, "Europe/Moscow") // after the scheduler's first scans
		c2, _ := second.customer("ru")
		rule.set(second.branch.ID, fixed{tyresFor(c2, "vehicle:2", at)})
		waitSent(t, second, c2)

		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after its context ended")
		}
		if n1, n2 := len(first.sent(c1)), len(second.sent(c2)); n1 != 1 || n2 != 1 {
			t.Fatalf("reminders %d and %d after repeated scans, want 1 each", n1, n2)
		}
	})
}

// waitSent polls (bounded) until the customer has a reminder.
func waitSent(t *testing.T, r *rig, customerID int64) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(r.sent(customerID)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the scheduler sent nothing to customer %d within 15 s", customerID)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
