package reminders

import (
	"context"
	"flag"
	"fmt"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
)

// refreshPage is how many vehicles one refresh transaction recomputes: big
// enough to be quick, small enough not to hold the database for long.
const refreshPage = 500

// RefreshCommand is `naryad reminders refresh`: recompute every vehicle's
// home branch and predicted maintenance date. The DMS exchange keeps both
// current as data arrives; this is for vehicles stored before they existed
// (an upgrade) or after a branch's time zone was changed.
func RefreshCommand() cli.Command {
	return cli.Command{
		Name:    "reminders refresh",
		Summary: "recompute every vehicle's predicted maintenance date (after an upgrade)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			return func(ctx context.Context, cio cli.IO) error {
				return store.With(ctx, cfg, func(st *store.Store) error {
					n, err := RefreshVehicles(ctx, st)
					if err != nil {
						return err
					}
					fmt.Fprintf(cio.Stdout, "recomputed %d vehicles\n", n)
					return nil
				})
			}
		},
	}
}

// RefreshVehicles recomputes every vehicle, a page per transaction, and
// returns how many it went through.
func RefreshVehicles(ctx context.Context, st *store.Store) (int, error) {
	var zones hub.Zones
	total := 0
	for after := int64(0); ; {
		ids, err := st.VehicleIDsAfter(ctx, after, refreshPage)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		err = st.Tx(ctx, func(tx *store.Store) error {
			for _, id := range ids {
				if err := tx.RefreshVehicleDue(ctx, &zones, id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(ids)
		after = ids[len(ids)-1]
	}
}
