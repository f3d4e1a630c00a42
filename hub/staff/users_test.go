package staff_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A refused account names the field for pages (UserError) and keeps the
// command line's words; nothing is stored.
func TestAddUserRefusalsNameTheField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, st)
		ok := staff.NewUser{Login: "anna", Role: store.RoleAdvisor, Password: password, BranchIDs: []int64{f.Branch.ID}}
		for field, change := range map[string]func(*staff.NewUser){
			"login":    func(n *staff.NewUser) { n.Login = "an na" },
			"role":     func(n *staff.NewUser) { n.Role = "boss" },
			"password": func(n *staff.NewUser) { n.Password = "short" },
			"branch":   func(n *staff.NewUser) { n.BranchIDs = nil },
			"locale":   func(n *staff.NewUser) { n.Locale = "de" },
		} {
			n := ok
			change(&n)
			_, err := staff.AddUser(ctx, st, n, nil)
			var ue *staff.UserError
			if !errors.As(err, &ue) || ue.Field != field || !strings.Contains(err.Error(), strings.Split(ue.Text, " ")[0]) {
				t.Errorf("%s: %v (%+v)", field, err, ue)
			}
		}
		if _, err := st.UserByLogin(ctx, "anna"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a refused account was stored: %v", err)
		}
	})
}
