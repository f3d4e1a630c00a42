package store_test

import (
	"context"
	"testing"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/migrations"
)

// While one scan holds a branch's lock another skips it; other branches
// and later scans run. On PostgreSQL the lock holds across instances (a
// second store with its own connections).
func TestScanLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		ctx := t.Context()
		others := []*store.Store{s}
		if s.Dialect() == migrations.Postgres {
			others = append(others, storetest.Open(t, b))
		}
		ran, err := s.WithScanLock(ctx, 42, func(ctx context.Context) error {
			for _, o := range others {
				if ran, err := o.WithScanLock(ctx, 42, func(context.Context) error { return nil }); err != nil || ran {
					t.Errorf("second scan of the same key ran=%v err=%v, want it skipped", ran, err)
				}
				if ran, err := o.WithScanLock(ctx, 43, func(context.Context) error { return nil }); err != nil || !ran {
					t.Errorf("scan of another key ran=%v err=%v, want it run", ran, err)
				}
			}
			return nil
		})
		if err != nil || !ran {
			t.Fatalf("first scan ran=%v err=%v", ran, err)
		}
		for _, o := range others {
			if ran, err := o.WithScanLock(ctx, 42, func(context.Context) error { return nil }); err != nil || !ran {
				t.Fatalf("scan after release ran=%v err=%v, want it run", ran, err)
			}
		}
	})
}
