package store_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestThreadEventsAreLoggedAndAnnouncedOnlyOnCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		var fired atomic.Int32
		s.OnEventsCommitted(func() { fired.Add(1) })

		boom := errors.New("boom")
		err := s.Tx(ctx, func(tx *store.Store) error {
			if err := tx.AddMessage(ctx, &hub.Message{ThreadID: f.Thread.ID, Direction: hub.DirectionIn, Body: "Когда готово?"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || fired.Load() != 0 {
			t.Fatalf("rolled back: err %v, hook fired %d times", err, fired.Load())
		}
		if evs, _ := s.EventsAfter(ctx, 0, 10); len(evs) != 0 {
			t.Fatalf("a rolled-back transaction left events: %+v", evs)
		}

		m := hub.Message{ThreadID: f.Thread.ID, Direction: hub.DirectionIn, Body: "Когда готово?"}
		if err := s.AddMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
		if err := s.AppendOrderEvent(ctx, f.Thread); err != nil {
			t.Fatal(err)
		}
		if fired.Load() != 2 {
			t.Fatalf("hook fired %d times, want 2", fired.Load())
		}
		evs, err := s.ThreadEventsAfter(ctx, f.Thread.ID, 0, 10)
		if err != nil || len(evs) != 2 {
			t.Fatalf("events = %+v, %v", evs, err)
		}
		if evs[0].Kind != hub.EventMessage || evs[0].MessageID == nil || *evs[0].MessageID != m.ID || evs[1].Kind != hub.EventOrder || evs[1].ID <= evs[0].ID {
			t.Fatalf("events = %+v", evs)
		}
		if last, _ := s.LastEventID(ctx); last != evs[1].ID {
			t.Fatalf("last event id %d, want %d", last, evs[1].ID)
		}
		if after, _ := s.EventsAfter(ctx, evs[0].ID, 10); len(after) != 1 || after[0].ID != evs[1].ID {
			t.Fatalf("events after %d = %+v", evs[0].ID, after)
		}
	})
}
