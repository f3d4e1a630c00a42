package admincmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"naryad/cli"
	"naryad/hub/store"
)

// StatusMapCommand is `naryad status map`: it maps one of the DMS's status
// names to a canonical status, for one branch or for all.
func StatusMapCommand() cli.Command {
	return cli.Command{
		Name:    "status map",
		Summary: "map a DMS status name to a canonical status (per branch or for all)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			branch := fs.String("branch", "", "branch code; empty maps it for every branch")
			raw := fs.String("raw", "", "status name as the DMS sends it, e.g. \"На мойке\" (required)")
			canonical := fs.String("canonical", "", "received, in_progress, waiting_parts, waiting_approval, ready, delivered or cancelled (required)")
			return func(ctx context.Context, io cli.IO) error {
				if strings.TrimSpace(*raw) == "" {
					return errors.New("--raw: required")
				}
				return store.With(ctx, cfg, func(s *store.Store) error {
					var branchID *int64
					scope := "every branch"
					if *branch != "" {
						b, err := s.BranchByCode(ctx, *branch)
						if err != nil {
							return fmt.Errorf("--branch: %w", err)
						}
						branchID, scope = &b.ID, "branch "+b.Code
					}
					if err := s.SetStatusMapping(ctx, branchID, *raw, *canonical); err != nil {
						return err
					}
					fmt.Fprintf(io.Stdout, "%q now means %s for %s\n", strings.TrimSpace(*raw), *canonical, scope)
					return nil
				})
			}
		},
	}
}

// StatusListCommand is `naryad status list`.
func StatusListCommand() cli.Command {
	return cli.Command{
		Name:    "status list",
		Summary: "list the status mappings (branch rules win over the common ones)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			return func(ctx context.Context, io cli.IO) error {
				return store.With(ctx, cfg, func(s *store.Store) error {
					rows, err := s.StatusMappings(ctx)
					if err != nil {
						return err
					}
					for _, r := range rows {
						scope := "*"
						if r.BranchCode != "" {
							scope = r.BranchCode
						}
						fmt.Fprintf(io.Stdout, "%-8s %-28s %s\n", scope, r.RawName, r.Canonical)
					}
					return nil
				})
			}
		},
	}
}
