package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A branch's identity settings are one row, found by its webhook key and
// replaced by a save; an identity webhook event is recorded once, also
// when fifteen deliveries race.
func TestIdentitySettingsAndWebhookLedger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		if _, err := s.BranchIdentity(ctx, f.Branch.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before a save: %v", err)
		}
		b := hub.BranchIdentity{BranchID: f.Branch.ID, Provider: hub.IdentityStripe, WebhookSealed: "sealed-1", WebhookKey: "key-1"}
		if err := s.SaveBranchIdentity(ctx, &b); err != nil {
			t.Fatal(err)
		}
		b.WebhookSealed, b.SecretSealed = "sealed-2", "own"
		if err := s.SaveBranchIdentity(ctx, &b); err != nil {
			t.Fatal(err)
		}
		got, err := s.BranchIdentityByWebhookKey(ctx, "key-1")
		if err != nil || got.WebhookSealed != "sealed-2" || got.SecretSealed != "own" || got.BranchID != f.Branch.ID {
			t.Fatalf("by key: %+v %v", got, err)
		}
		if _, err := s.BranchIdentityByWebhookKey(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown key: %v", err)
		}

		var firsts atomic.Int32
		var wg sync.WaitGroup
		for range 15 {
			wg.Go(func() {
				err := s.Tx(ctx, func(tx *store.Store) error {
					first, err := tx.RecordIdentityWebhook(ctx, hub.IdentityStripe, "evt_1")
					if first {
						firsts.Add(1)
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := firsts.Load(); n != 1 {
			t.Fatalf("%d firsts, want 1", n)
		}
		if seen, err := s.IdentityWebhookSeen(ctx, hub.IdentityStripe, "evt_1"); err != nil || !seen {
			t.Fatalf("seen %v %v", seen, err)
		}
		if seen, _ := s.IdentityWebhookSeen(ctx, "other", "evt_1"); seen {
			t.Fatalf("another provider's event of the same id counts as seen")
		}
	})
}
