package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestAccountForVerifiedPhone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		if _, err := s.AccountForVerifiedPhone(ctx, "8 916 123", now); err == nil {
			t.Fatal("a number that is not E.164 made an account")
		}
		// Fifteen browsers proving the same number at once end with one account.
		ids := make([]int64, 15)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				acc, err := s.AccountForVerifiedPhone(ctx, "+79161234567", now)
				if err != nil {
					t.Error(err)
					return
				}
				ids[i] = acc.ID
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] || id == 0 {
				t.Fatalf("one number, several accounts: %v", ids)
			}
		}
		phones, err := s.AccountPhones(ctx, ids[0])
		if err != nil || len(phones) != 1 || phones[0] != "+79161234567" {
			t.Fatalf("phones %v %v", phones, err)
		}
		other, err := s.AccountForVerifiedPhone(ctx, "+48601234567", now)
		if err != nil || other.ID == ids[0] {
			t.Fatalf("another number: %+v %v", other, err)
		}
	})
}

func TestAccountSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		acc, err := s.AccountForVerifiedPhone(ctx, "+79161234567", now)
		if err != nil {
			t.Fatal(err)
		}
		token, err := s.CreateAccountSession(ctx, acc.ID, true, "Mozilla\x00/5.0 \xff", now)
		if err != nil {
			t.Fatal(err)
		}
		got, sess, err := s.AccountBySession(ctx, token, now.Add(2*time.Minute))
		if err != nil || got.ID != acc.ID || !sess.Remember || sess.UserAgent != "Mozilla/5.0 " {
			t.Fatalf("session: %+v %+v %v", got, sess, err)
		}
		if !sess.LastSeenAt.Equal(now.Add(2 * time.Minute)) {
			t.Fatalf("last seen %v", sess.LastSeenAt)
		}
		if _, _, err := s.AccountBySession(ctx, token+"x", now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}
		if err := s.RevokeAccountSession(ctx, token, now); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AccountBySession(ctx, token, now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoked token still signs in: %v", err)
		}
	})
}
