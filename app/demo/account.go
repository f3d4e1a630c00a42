package demo

import (
	"context"
	"strings"

	"naryad/app/admincmd"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/lockerwire"
)

// account is the demo's sign-in, printed once: empty when the hub had
// accounts already (their secrets are theirs).
type account struct {
	login, password string
	pin             string // the kiosk's staff PIN
}

// demoLogin is the demo account's login. It is an admin, so a newcomer
// trying every page meets no "Forbidden": the inbox, the mechanic page,
// reports, lockers and /admin all open.
const demoLogin = "admin"

// demoAccount creates the admin account of the demo branches when the hub
// has no accounts yet, with a kiosk PIN.
func demoAccount(ctx context.Context, st *store.Store, branches ...hub.Branch) (account, error) {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return account{}, err
	}
	password, err := hub.NewToken() // 256 random bits, printable
	if err != nil {
		return account{}, err
	}
	password = strings.TrimPrefix(password, "nrd_")[:16]
	ids := make([]int64, len(branches))
	for i, b := range branches {
		ids[i] = b.ID
	}
	u, err := staff.AddUser(ctx, st, staff.NewUser{Login: demoLogin, Name: "Ольга Смирнова", Role: store.RoleAdmin,
		Password: password, BranchIDs: ids}, nil)
	if err != nil {
		return account{}, err
	}
	pin, err := lockerwire.NewCode()
	if err != nil {
		return account{}, err
	}
	if err := admincmd.SetLockerPIN(ctx, st, u, pin); err != nil {
		return account{}, err
	}
	return account{login: u.Login, password: password, pin: pin}, nil
}
