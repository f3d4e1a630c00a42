package admincmd

import (
	"context"
	"flag"
	"fmt"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
)

// BranchAddCommand is `naryad branch add`.
func BranchAddCommand() cli.Command {
	return cli.Command{
		Name:    "branch add",
		Summary: "create a branch (service centre)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			var b hub.Branch
			fs.StringVar(&b.Code, "code", "", "short unique code the DMS uses, e.g. MSK1 (required)")
			fs.StringVar(&b.Name, "name", "", "name customers see (required)")
			fs.StringVar(&b.Country, "country", "", "ISO country code, the default for phone numbers, e.g. RU (required)")
			fs.StringVar(&b.TimeZone, "time-zone", "", "IANA time zone, e.g. Europe/Moscow (required)")
			fs.StringVar(&b.Locale, "locale", "", "language of messages: ru, pl or en (required)")
			fs.StringVar(&b.Phone, "phone", "", "phone customers can call")
			fs.StringVar(&b.WorkingHours, "working-hours", "", "e.g. \"Mon-Fri 09:00-20:00, Sat 10:00-16:00\"")
			return func(ctx context.Context, io cli.IO) error {
				if err := hub.ValidateBranch(&b); err != nil {
					return err
				}
				return store.With(ctx, cfg, func(s *store.Store) error {
					if err := s.CreateBranch(ctx, &b); err != nil {
						return err
					}
					fmt.Fprintf(io.Stdout, "branch %s (%s) created with id %d\n", b.Code, b.Name, b.ID)
					return nil
				})
			}
		},
	}
}
