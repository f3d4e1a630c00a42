package realtime_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/realtime"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestTailPublishesCommittedEventsInOrderOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		for i := range 3 {
			addMessage(t, s, f, fmt.Sprintf("до запуска %d", i)) // replayed by pages, never published
		}
		startID, err := s.LastEventID(ctx)
		if err != nil || startID == 0 {
			t.Fatalf("last event id %d, %v", startID, err)
		}
		// A short poll and small batches read the log often and in pieces:
		// an event published twice or skipped would show.
		rt, err := realtime.New(s, b.DatabaseURL, realtime.Options{
			Broker: realtime.BrokerOptions{Buffer: 1024},
			Tail:   realtime.TailOptions{PollInterval: 10 * time.Millisecond, BatchSize: 7},
		})
		if err != nil {
			t.Fatal(err)
		}
		start(t, rt)
		waitReady(t, rt.Ready())
		if rt.Position() != startID {
			t.Fatalf("position at start %d, want %d", rt.Position(), startID)
		}
		thread := rt.SubscribeThread(f.Thread.ID)
		branch := rt.SubscribeBranch(f.Branch.ID)
		defer thread.Close()
		defer branch.Close()

		const writers, each = 4, 15
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					addMessage(t, s, f, fmt.Sprintf("писатель %d, сообщение %d", w, i))
				}
			})
		}
		wg.Wait()
		want, err := s.EventsAfter(ctx, startID, 1000)
		if err != nil || len(want) != writers*each {
			t.Fatalf("events after start: %d, %v", len(want), err)
		}
		for name, sub := range map[string]*realtime.Subscription{"thread": thread, "branch": branch} {
			got := receive(t, sub, len(want))
			if !slices.EqualFunc(got, want, sameEvent) {
				t.Fatalf("%s subscriber got\n%+v\nwant\n%+v", name, got, want)
			}
		}
		waitFor(t, "position reaches the last event", func() bool { return rt.Position() == want[len(want)-1].ID })
		expectNothing(t, thread, 100*time.Millisecond) // ten polls later, still nothing twice
	})
}

func TestTailPublishesNothingOfARolledBackTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		rt, err := realtime.New(s, b.DatabaseURL, realtime.Options{Tail: realtime.TailOptions{PollInterval: 10 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		start(t, rt)
		waitReady(t, rt.Ready())
		sub := rt.SubscribeThread(f.Thread.ID)
		defer sub.Close()

		boom := errors.New("boom")
		err = s.Tx(ctx, func(tx *store.Store) error {
			if err := tx.AddMessage(ctx, &hub.Message{ThreadID: f.Thread.ID, Direction: hub.DirectionIn, Body: "откатится"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("rolled back transaction: %v", err)
		}
		expectNothing(t, sub, 100*time.Millisecond)

		// The next event reuses the rolled-back id: only its message tells them apart.
		m := addMessage(t, s, f, "останется")
		got := receive(t, sub, 1)
		if got[0].MessageID == nil || *got[0].MessageID != m.ID || got[0].Kind != hub.EventMessage {
			t.Fatalf("published %+v, want the event of message %d", got[0], m.ID)
		}
		expectNothing(t, sub, 50*time.Millisecond)
	})
}

func TestCommitsOfThisProcessWakeTheTail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		f := storetest.NewFixture(t, s)
		rt, err := realtime.New(s, b.DatabaseURL, realtime.Options{Tail: realtime.TailOptions{PollInterval: time.Minute}})
		if err != nil {
			t.Fatal(err)
		}
		start(t, rt)
		waitReady(t, rt.Ready())
		sub := rt.SubscribeThread(f.Thread.ID)
		defer sub.Close()
		m := addMessage(t, s, f, "сразу")
		if got := receive(t, sub, 1); got[0].MessageID == nil || *got[0].MessageID != m.ID {
			t.Fatalf("published %+v, want the event of message %d", got[0], m.ID)
		}
	})
}

func TestStoppingRealtimeClosesSubscriptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		rt, err := realtime.New(s, b.DatabaseURL, realtime.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- rt.Run(ctx) }()
		waitReady(t, rt.Ready())
		sub := rt.SubscribeBranch(1)
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run: %v", err)
			}
		case <-time.After(waitLimit):
			t.Fatal("run did not return")
		}
		if _, open := <-sub.C; open || sub.Dropped() {
			t.Fatalf("after Run: open %v, dropped %v; want closed, not dropped", open, sub.Dropped())
		}
	})
}

// flakyLog is an in-memory event log whose reads fail on demand.
type flakyLog struct {
	mu         sync.Mutex
	events     []hub.ThreadEvent
	failLast   int // LastEventID calls still to fail
	failAfter  int // EventsAfter calls still to fail
	afterCalls int
}

func (l *flakyLog) LastEventID(context.Context) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failLast > 0 {
		l.failLast--
		return 0, errors.New("database is down")
	}
	if len(l.events) == 0 {
		return 0, nil
	}
	return l.events[len(l.events)-1].ID, nil
}

func (l *flakyLog) EventsAfter(_ context.Context, after int64, limit int) ([]hub.ThreadEvent, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.afterCalls++
	if l.failAfter > 0 {
		l.failAfter--
		return nil, errors.New("database is down")
	}
	var out []hub.ThreadEvent
	for _, ev := range l.events {
		if ev.ID > after && len(out) < limit {
			out = append(out, ev)
		}
	}
	return out, nil
}

func (l *flakyLog) append(ids ...int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		l.events = append(l.events, hub.ThreadEvent{ID: id, ThreadID: 1, BranchID: 1})
	}
}

func TestTailRetriesFailedReadsWithoutLoss(t *testing.T) {
	log := &flakyLog{failLast: 2}
	log.append(1, 2)
	b := realtime.NewBroker(realtime.BrokerOptions{})
	tail := realtime.NewTail(log, b, realtime.TailOptions{PollInterval: 10 * time.Millisecond, BatchSize: 2})
	start(t, tail)
	waitReady(t, tail.Ready())
	if tail.Position() != 2 {
		t.Fatalf("position %d after a failing start, want 2", tail.Position())
	}
	sub := b.SubscribeThread(1)
	defer sub.Close()

	log.mu.Lock()
	log.failAfter = 3
	log.mu.Unlock()
	log.append(3, 4, 5, 6, 7)
	tail.Wake()
	got := receive(t, sub, 5)
	ids := make([]int64, len(got))
	for i, ev := range got {
		ids[i] = ev.ID
	}
	if !slices.Equal(ids, []int64{3, 4, 5, 6, 7}) {
		t.Fatalf("published %v, want [3 4 5 6 7]", ids)
	}
	expectNothing(t, sub, 50*time.Millisecond)
	if tail.Position() != 7 {
		t.Fatalf("position %d, want 7", tail.Position())
	}
}

func TestOneWakeReadsUntilNothingIsLeft(t *testing.T) {
	log := &flakyLog{}
	b := realtime.NewBroker(realtime.BrokerOptions{})
	tail := realtime.NewTail(log, b, realtime.TailOptions{PollInterval: time.Minute, BatchSize: 2})
	start(t, tail)
	waitReady(t, tail.Ready())
	sub := b.SubscribeBranch(1)
	defer sub.Close()
	waitFor(t, "the first read", func() bool {
		log.mu.Lock()
		defer log.mu.Unlock()
		return log.afterCalls == 1
	})
	log.mu.Lock()
	log.afterCalls = 0
	log.mu.Unlock()
	log.append(1, 2, 3, 4, 5)
	tail.Wake()
	receive(t, sub, 5)
	log.mu.Lock()
	defer log.mu.Unlock()
	if log.afterCalls != 3 { // 2 + 2 + 1: the short batch ends it
		t.Fatalf("%d reads for 5 events in batches of 2, want 3", log.afterCalls)
	}
}

func sameEvent(a, b hub.ThreadEvent) bool {
	return a.ID == b.ID && a.ThreadID == b.ThreadID && a.BranchID == b.BranchID && a.Kind == b.Kind &&
		a.MessageID != nil && b.MessageID != nil && *a.MessageID == *b.MessageID
}
