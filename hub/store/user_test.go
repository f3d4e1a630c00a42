package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		spb := hub.Branch{Code: "spb1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := s.CreateBranch(ctx, &spb); err != nil {
			t.Fatal(err)
		}
		u := store.User{Login: "  Anna.Advisor ", Name: "Анна", Role: store.RoleAdvisor, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &u, []int64{spb.ID, f.Branch.ID, spb.ID}); err != nil {
			t.Fatal(err)
		}
		got, err := s.UserByLogin(ctx, "ANNA.ADVISOR")
		if err != nil || got.ID != u.ID || got.Login != "anna.advisor" || got.Role != store.RoleAdvisor {
			t.Fatalf("by login: %+v %v", got, err)
		}
		ids, err := s.UserBranches(ctx, u.ID)
		want := []int64{f.Branch.ID, spb.ID}
		slices.Sort(want)
		if err != nil || !slices.Equal(ids, want) {
			t.Fatalf("branches %v %v, want %v", ids, err, want)
		}
		if n, err := s.CountUsers(ctx); err != nil || n != 1 {
			t.Fatalf("count %d %v", n, err)
		}

		dup := store.User{Login: "anna.ADVISOR", Role: store.RoleAdmin, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &dup, []int64{f.Branch.ID}); !errors.Is(err, store.ErrLoginTaken) {
			t.Fatalf("duplicate login: %v", err)
		}
		bad := store.User{Login: "bob", Role: "boss", PasswordHash: "x"}
		if err := s.CreateUser(ctx, &bad, []int64{f.Branch.ID}); err == nil {
			t.Fatal("unknown role accepted")
		}
		noBranch := store.User{Login: "bob", Role: store.RoleMechanic, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &noBranch, []int64{9999}); err == nil {
			t.Fatal("unknown branch accepted")
		}
		if _, err := s.UserByLogin(ctx, "bob"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("failed create left a user behind: %v", err)
		}
	})
}

func TestFailedLoginsLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		u := store.User{Login: "m", Role: store.RoleMechanic, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &u, []int64{f.Branch.ID}); err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		// fail is an attempt whose password turns out wrong: claimed, then
		// checked against the lockout.
		fail := func(at time.Time) bool {
			t.Helper()
			allowed, err := s.ClaimLoginAttempt(ctx, u.ID, at, 15*time.Minute, 5)
			if err != nil || !allowed {
				t.Fatalf("attempt at %v refused: %v", at, err)
			}
			locked, err := s.LockAfterFailures(ctx, u.ID, at, 5, 15*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			return locked
		}
		// Four failures, then a pause longer than the window: the count restarts.
		for i := range 4 {
			if fail(t0.Add(time.Duration(i) * time.Minute)) {
				t.Fatalf("locked after %d failures", i+1)
			}
		}
		t1 := t0.Add(20 * time.Minute)
		for i := range 4 {
			if fail(t1.Add(time.Duration(i) * time.Second)) {
				t.Fatalf("locked after %d failures in a new window", i+1)
			}
		}
		if !fail(t1.Add(time.Minute)) {
			t.Fatal("fifth failure within the window did not lock")
		}
		if allowed, err := s.ClaimLoginAttempt(ctx, u.ID, t1.Add(2*time.Minute), 15*time.Minute, 5); err != nil || allowed {
			t.Fatalf("attempt while locked: allowed %v, %v", allowed, err)
		}
		got, _ := s.UserByLogin(ctx, "m")
		if got.LockedUntil == nil || !got.LockedUntil.Equal(t1.Add(16*time.Minute)) || got.FailedLogins != 0 {
			t.Fatalf("after lock: %+v", got)
		}
		if err := s.ResetFailedLogins(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = s.UserByLogin(ctx, "m")
		if got.LockedUntil != nil || got.FailedLogins != 0 || got.FirstFailedAt != nil {
			t.Fatalf("after reset: %+v", got)
		}
	})
}

func TestClaimLoginAttemptRefusesTheSixthInFlight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		u := store.User{Login: "m", Role: store.RoleMechanic, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &u, []int64{f.Branch.ID}); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for range 15 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.ClaimLoginAttempt(ctx, u.ID, at, 15*time.Minute, 5)
				if err != nil {
					t.Error(err)
				}
				if ok {
					allowed.Add(1)
				}
			}()
		}
		wg.Wait()
		if n := allowed.Load(); n != 5 {
			t.Fatalf("%d attempts allowed at once, want 5", n)
		}
		// The window passing frees the login again.
		if ok, err := s.ClaimLoginAttempt(ctx, u.ID, at.Add(16*time.Minute), 15*time.Minute, 5); err != nil || !ok {
			t.Fatalf("attempt after the window: %v, %v", ok, err)
		}
	})
}
