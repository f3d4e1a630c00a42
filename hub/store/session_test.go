package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		u := store.User{Login: "a", Role: store.RoleAdmin, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &u, []int64{f.Branch.ID}); err != nil {
			t.Fatal(err)
		}
		t0 := time.Now().UTC().Truncate(time.Second)
		sess := store.StaffSession{TokenHash: "h1", UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(7 * 24 * time.Hour), IP: "10.0.0.1", UserAgent: "test"}
		if err := s.CreateSession(ctx, &sess); err != nil {
			t.Fatal(err)
		}
		got, err := s.SessionByHash(ctx, "h1")
		if err != nil || got.ID != sess.ID || got.UserID != u.ID || !got.LastSeenAt.Equal(t0) || got.IP != "10.0.0.1" {
			t.Fatalf("by hash: %+v %v", got, err)
		}
		if err := s.TouchSession(ctx, sess.ID, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, _ = s.SessionByHash(ctx, "h1")
		if !got.LastSeenAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("touched: %v", got.LastSeenAt)
		}
		dupe := store.StaffSession{TokenHash: "h1", UserID: u.ID, ExpiresAt: t0}
		if err := s.CreateSession(ctx, &dupe); err == nil {
			t.Fatal("duplicate token hash accepted")
		}

		old := store.StaffSession{TokenHash: "h2", UserID: u.ID, CreatedAt: t0.Add(-8 * 24 * time.Hour), ExpiresAt: t0.Add(-24 * time.Hour)}
		idle := store.StaffSession{TokenHash: "h3", UserID: u.ID, CreatedAt: t0.Add(-13 * time.Hour), ExpiresAt: t0.Add(24 * time.Hour)}
		for _, x := range []*store.StaffSession{&old, &idle} {
			if err := s.CreateSession(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.DeleteExpiredSessions(ctx, t0, t0.Add(-12*time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("deleted %d %v, want 2", n, err)
		}
		if err := s.DeleteSession(ctx, "h1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionByHash(ctx, "h1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted session found: %v", err)
		}
	})
}
