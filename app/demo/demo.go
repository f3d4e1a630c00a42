// Package demo fills a fresh hub with two branches (Moscow and Warsaw), a
// DMS token, a key locker, an admin account and a few work orders, pushed
// through the real ingest, so a newcomer can look around.
package demo

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"naryad/app"
	"naryad/cli"
	"naryad/hub/store"
)

// BranchCode is the demo's Russian branch, the one with the key locker;
// PolishBranchCode is its Polish one.
const (
	BranchCode       = "DEMO"
	PolishBranchCode = "DEMO-PL"
)

// Command is `naryad demo`.
func Command() cli.Command {
	return cli.Command{
		Name:    "demo",
		Summary: "create demo branches, a DMS token, an admin account and sample work orders; print how to use them",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			return func(ctx context.Context, io cli.IO) error {
				s, err := app.New(ctx, cfg, io.Log)
				if err != nil {
					return err
				}
				defer s.Close()
				return Load(ctx, s, cfg, io.Stdout)
			}
		},
	}
}

// Load creates the demo data (again, harmlessly, when it exists) and prints
// what a newcomer needs.
func Load(ctx context.Context, s *app.Server, cfg *cli.Config, out io.Writer) error {
	return LoadAt(ctx, s, cfg, out, time.Now())
}

// LoadAt is Load run at now: the demo's work orders are received and
// promised in their branch's working hours, whatever the hour it runs.
func LoadAt(ctx context.Context, s *app.Server, cfg *cli.Config, out io.Writer, now time.Time) error {
	st := s.Store()
	moscow, err := ensureBranch(ctx, st, moscowBranch)
	if err != nil {
		return err
	}
	warsaw, err := ensureBranch(ctx, st, warsawBranch)
	if err != nil {
		return err
	}
	if err := seedBooking(ctx, st, moscow, moscowBooking); err != nil {
		return err
	}
	if err := seedBooking(ctx, st, warsaw, warsawBooking); err != nil {
		return err
	}
	if err := seedLoaners(ctx, st, moscow, moscowLoaners); err != nil {
		return err
	}
	if err := seedLoaners(ctx, st, warsaw, warsawLoaners); err != nil {
		return err
	}
	// The locker comes before the work orders, so their customers get
	// drop-off codes as they would at a branch with one.
	lockerToken, err := demoLocker(ctx, st, moscow)
	if err != nil {
		return err
	}
	// One 1C serves both branches. Every run is a new node, so the fixed
	// event ids apply again and each run shows fresh threads; the work
	// orders belong to that node.
	token, node, err := st.CreateNodeWithToken(ctx, "demo-1c", "")
	if err != nil {
		return err
	}
	ru, err := timesAt(now, moscow)
	if err != nil {
		return err
	}
	pl, err := timesAt(now, warsaw)
	if err != nil {
		return err
	}
	results, err := s.Ingester().Apply(ctx, node, sampleEvents(ru, pl))
	if err != nil {
		return err
	}
	for _, r := range results {
		if r.Result == store.EventRejected {
			return fmt.Errorf("demo event %s rejected: %s", r.ID, r.Error)
		}
	}
	loanLink, err := seedLoan(ctx, st, cfg.BaseURL(), moscow, node)
	if err != nil {
		return err
	}
	acct, err := demoAccount(ctx, st, moscow, warsaw)
	if err != nil {
		return err
	}
	if err := printGuide(ctx, out, s, cfg, node, token, statusExample(ru), acct); err != nil {
		return err
	}
	printLockerGuide(out, cfg, lockerToken, acct)
	printLoanGuide(out, loanLink)
	return nil
}
