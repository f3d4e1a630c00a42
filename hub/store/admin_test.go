package store_test

import (
	"context"
	"slices"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestUsersWithBranches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		spb := hub.Branch{Code: "ZZZ1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := s.CreateBranch(ctx, &spb); err != nil {
			t.Fatal(err)
		}
		for _, u := range []struct {
			login    string
			branches []int64
		}{{"boris", []int64{spb.ID}}, {"anna", []int64{spb.ID, f.Branch.ID}}} {
			if err := s.CreateUser(ctx, &store.User{Login: u.login, Role: store.RoleAdvisor, PasswordHash: "x"}, u.branches); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := s.UsersWithBranches(ctx)
		if err != nil || len(rows) != 2 {
			t.Fatalf("%+v %v", rows, err)
		}
		want := []string{f.Branch.Code, "ZZZ1"}
		slices.Sort(want)
		if rows[0].Login != "anna" || !slices.Equal(rows[0].BranchCodes, want) {
			t.Errorf("anna: %+v", rows[0])
		}
		if rows[1].Login != "boris" || !slices.Equal(rows[1].BranchCodes, []string{"ZZZ1"}) || rows[1].Role != store.RoleAdvisor {
			t.Errorf("boris: %+v", rows[1])
		}
	})
}
