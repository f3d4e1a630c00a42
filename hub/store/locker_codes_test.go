package store_test

import (
	"errors"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestLockerCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		wo := f.Order.ID
		issue := func(kind, hash string) hub.LockerCode {
			t.Helper()
			c := hub.LockerCode{WorkOrderID: wo, Kind: kind, Salt: "salt-" + hash, Hash: hash}
			if err := s.IssueLockerCode(ctx, &c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		live := func(kind string) (hub.LockerCode, error) { return s.LiveLockerCode(ctx, wo, kind) }

		if _, err := live(hub.LockerCodePickup); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("live PIN before any: %v", err)
		}
		drop := issue(hub.LockerCodeDropOff, "d1")
		first := issue(hub.LockerCodePickup, "p1")
		second := issue(hub.LockerCodePickup, "p2")
		if first.ID == 0 || second.ID == first.ID || second.CreatedAt.IsZero() {
			t.Fatalf("ids not filled: %+v %+v", first, second)
		}
		if got, err := live(hub.LockerCodePickup); err != nil || got.ID != second.ID || got.Hash != "p2" || got.Salt != "salt-p2" {
			t.Fatalf("live PIN = %+v, %v; want the second, the first revoked", got, err)
		}
		if got, err := live(hub.LockerCodeDropOff); err != nil || got.ID != drop.ID {
			t.Fatalf("a PIN revoked the drop-off code: %+v, %v", got, err)
		}
		all, err := s.LiveLockerCodes(ctx, []int64{wo, wo + 1000})
		if err != nil || len(all) != 2 {
			t.Fatalf("live codes = %+v, %v; want the drop-off code and the second PIN", all, err)
		}

		at := time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.UTC)
		if used, err := s.UseLockerCode(ctx, wo, hub.LockerCodePickup, at); err != nil || !used {
			t.Fatalf("use PIN: %v %v", used, err)
		}
		if _, err := live(hub.LockerCodePickup); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a used PIN is still live: %v", err)
		}
		if used, err := s.UseLockerCode(ctx, wo, hub.LockerCodePickup, at); err != nil || used {
			t.Fatalf("using a dead PIN again = %v %v; want false", used, err)
		}

		if n, err := s.RevokeLockerCodes(ctx, wo, hub.LockerCodeDropOff); err != nil || n != 1 {
			t.Fatalf("revoke drop-off = %d %v; want 1", n, err)
		}
		if n, err := s.RevokeLockerCodes(ctx, wo, hub.LockerCodeDropOff); err != nil || n != 0 {
			t.Fatalf("revoke again = %d %v; want 0", n, err)
		}
		if all, err := s.LiveLockerCodes(ctx, []int64{wo}); err != nil || len(all) != 0 {
			t.Fatalf("live codes after use and revoke: %+v %v", all, err)
		}
	})
}
