package demo

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"naryad/app/admincmd"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/lockerwire"
)

// demoLocker sets up a one-board key locker at the demo branch when it has
// none and returns its kiosk token ("" when it existed: the token was
// shown then).
func demoLocker(ctx context.Context, st *store.Store, branch hub.Branch) (string, error) {
	sites, err := st.LockerSites(ctx, []int64{branch.ID})
	if err != nil || len(sites) > 0 {
		return "", err
	}
	token, _, err := admincmd.CreateLockerSite(ctx, st, branch, "Ключница у входа", 1, lockerwire.SizeM)
	return token, err
}

// printLockerGuide tells how to run the demo kiosk on simulated boards,
// the first time only (the token and the PIN are shown once).
func printLockerGuide(out io.Writer, cfg *cli.Config, token string, acct account) {
	if token == "" {
		return
	}
	tty := filepath.Join(cfg.DataDir, "locker-tty")
	fmt.Fprintf(out, `
Key locker (shown once), each command in a terminal of its own:
  ./bin/naryad locker sim --boards 1 --link %s      # simulated lock board; type "item 0 1 1", "close 0 1"
  ./bin/naryad kiosk --port %s --hub %s --token %s --data-dir %s
  then open http://%s/ : drop-off codes are in the SMS log`, tty, tty, cfg.BaseURL(), token, cfg.DataDir, cfg.KioskAddr)
	if acct.pin != "" {
		fmt.Fprintf(out, "; staff PIN of %s: %s", acct.login, acct.pin)
	}
	fmt.Fprintln(out)
}
