package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A user's name and language are changed together; a refused language or
// name stores neither; the admin sets the language alone.
func TestUserProfile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		waw := hub.Branch{Code: "waw1", Name: "Warszawa", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"}
		if err := s.CreateBranch(ctx, &waw); err != nil {
			t.Fatal(err)
		}
		u := store.User{Login: "ola", Name: "Ola", Role: store.RoleAdvisor, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &u, []int64{waw.ID, f.Branch.ID}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.User(ctx, u.ID); got.Locale != "" {
			t.Fatalf("a new user has a language: %q", got.Locale)
		}
		if err := s.SetUserProfile(ctx, u.ID, "  Ola Kowalska ", "pl"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.User(ctx, u.ID); got.Name != "Ola Kowalska" || got.Locale != "pl" {
			t.Fatalf("after the profile: %+v", got)
		}
		for _, bad := range []struct {
			name, locale string
			want         error
		}{{"X", "de", store.ErrUnknownLocale}, {strings.Repeat("я", store.MaxUserNameRunes+1), "ru", store.ErrNameTooLong}} {
			if err := s.SetUserProfile(ctx, u.ID, bad.name, bad.locale); !errors.Is(err, bad.want) {
				t.Errorf("%q %q: %v, want %v", bad.name, bad.locale, err, bad.want)
			}
		}
		if err := s.SetUserLocale(ctx, u.ID, "xx"); !errors.Is(err, store.ErrUnknownLocale) {
			t.Errorf("admin sets xx: %v", err)
		}
		if got, _ := s.User(ctx, u.ID); got.Name != "Ola Kowalska" || got.Locale != "pl" {
			t.Fatalf("a refused change was stored: %+v", got)
		}
		if err := s.SetUserLocale(ctx, u.ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUserLocale(ctx, u.ID+100, "ru"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown user: %v", err)
		}
		rows, err := s.UsersWithBranches(ctx)
		if err != nil || len(rows) != 1 || rows[0].Locale != "" {
			t.Fatalf("rows %+v %v", rows, err)
		}
		bad := store.User{Login: "x", Role: store.RoleAdvisor, PasswordHash: "x", Locale: "de"}
		if err := s.CreateUser(ctx, &bad, []int64{waw.ID}); !errors.Is(err, store.ErrUnknownLocale) {
			t.Errorf("create with de: %v", err)
		}
		branches, err := s.UserBranchList(ctx, u.ID)
		if err != nil || len(branches) != 2 || branches[0].ID != f.Branch.ID || branches[1].Code != "waw1" {
			t.Fatalf("branch list %+v %v", branches, err)
		}
	})
}
