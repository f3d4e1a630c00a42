package admincmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/lockerwire"
)

// Locks per board: a Kerong CU16 drives 16, printed 1–16.
const locksPerBoard = 16

// maxBoards is how many boards one RS-485 line can address (0–15).
const maxBoards = 16

// LockerSiteAddCommand is `naryad locker site add`: a locker with its
// compartments, and the kiosk's token printed once.
func LockerSiteAddCommand() cli.Command {
	return cli.Command{
		Name:    "locker site add",
		Summary: "set up a key locker at a branch (kiosk token printed once)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			branch := fs.String("branch", "", "branch code the locker stands at (required)")
			name := fs.String("name", "", "name of the locker, unique at the branch, e.g. Main (required)")
			boards := fs.Int("boards", 0, "number of 16-lock boards, 1–16 (required)")
			size := fs.String("size", lockerwire.SizeM, "size of every compartment: S, M or L")
			return func(ctx context.Context, io cli.IO) error {
				*name = strings.TrimSpace(*name)
				*size = strings.ToUpper(strings.TrimSpace(*size))
				var problems []string
				if strings.TrimSpace(*branch) == "" {
					problems = append(problems, "--branch: required")
				}
				if *name == "" {
					problems = append(problems, "--name: required")
				}
				if *boards < 1 || *boards > maxBoards {
					problems = append(problems, fmt.Sprintf("--boards: %d is not between 1 and %d", *boards, maxBoards))
				}
				if !slices.Contains([]string{lockerwire.SizeS, lockerwire.SizeM, lockerwire.SizeL}, *size) {
					problems = append(problems, fmt.Sprintf("--size: %q is not one of S, M, L", *size))
				}
				if len(problems) > 0 {
					return errors.New("invalid locker site:\n  " + strings.Join(problems, "\n  "))
				}
				return store.With(ctx, cfg, func(s *store.Store) error {
					b, err := s.BranchByCode(ctx, strings.TrimSpace(*branch))
					if err != nil {
						return fmt.Errorf("--branch: %w", err)
					}
					token, site, err := CreateLockerSite(ctx, s, b, *name, *boards, *size)
					if err != nil {
						return err
					}
					fmt.Fprintf(io.Stdout, "locker %q (id %d) at branch %s with %d compartments (labels 1–%d).\n",
						site.Name, site.ID, b.Code, *boards*locksPerBoard, *boards*locksPerBoard)
					fmt.Fprintf(io.Stdout, "Run the kiosk with this command; its token is shown only now:\n")
					fmt.Fprintf(io.Stdout, "naryad kiosk --port /dev/ttyUSB0 --hub %s --token %s\n", cfg.BaseURL(), token)
					return nil
				})
			}
		},
	}
}

// CreateLockerSite stores the site, its compartments and an audit entry in
// one transaction and returns the kiosk's new token. Board n's locks 1–16
// are labelled 16n+1…16n+16, the numbers painted on the doors.
func CreateLockerSite(ctx context.Context, s *store.Store, b hub.Branch, name string, boards int, size string) (string, hub.LockerSite, error) {
	token, err := hub.NewToken() // same strength and hashing as the DMS tokens
	if err != nil {
		return "", hub.LockerSite{}, err
	}
	site := hub.LockerSite{BranchID: b.ID, Name: name, TokenHash: hub.HashToken(token)}
	comps := make([]hub.LockerCompartment, 0, boards*locksPerBoard)
	for board := range boards {
		for lock := 1; lock <= locksPerBoard; lock++ {
			comps = append(comps, hub.LockerCompartment{Board: board, Lock: lock, Size: size, Label: fmt.Sprint(board*locksPerBoard + lock)})
		}
	}
	err = s.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateLockerSite(ctx, &site, comps); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Action: store.AuditLockerSiteAdd, Subject: fmt.Sprintf("locker site %d", site.ID),
			Detail: fmt.Sprintf("branch=%s name=%q boards=%d size=%s", b.Code, name, boards, size)})
	})
	if err != nil {
		return "", site, err
	}
	return token, site, nil
}

// LockerSiteRevokeCommand is `naryad locker site revoke`: the kiosk's token
// stops working at once; the site's history stays.
func LockerSiteRevokeCommand() cli.Command {
	return cli.Command{
		Name:    "locker site revoke",
		Summary: "revoke a key locker's kiosk token",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			id := fs.Int64("id", 0, "id of the locker site, as `naryad locker sites` shows it (required)")
			return func(ctx context.Context, io cli.IO) error {
				if *id <= 0 {
					return errors.New("--id: required")
				}
				return store.With(ctx, cfg, func(s *store.Store) error {
					err := s.Tx(ctx, func(tx *store.Store) error {
						if err := tx.RevokeLockerSite(ctx, *id); err != nil {
							return err
						}
						return tx.Audit(ctx, store.AuditEntry{Action: store.AuditLockerSiteRevoke, Subject: fmt.Sprintf("locker site %d", *id)})
					})
					if errors.Is(err, store.ErrNotFound) {
						return fmt.Errorf("--id: no live locker site %d", *id)
					}
					if err != nil {
						return err
					}
					fmt.Fprintf(io.Stdout, "locker site %d revoked; its kiosk can no longer sync\n", *id)
					return nil
				})
			}
		},
	}
}

// LockerSitesCommand is `naryad locker sites`: every live locker with its
// size and when its kiosk last synced.
func LockerSitesCommand() cli.Command {
	return cli.Command{
		Name:    "locker sites",
		Summary: "list key lockers with their kiosk's last sync",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			return func(ctx context.Context, io cli.IO) error {
				return store.With(ctx, cfg, func(s *store.Store) error {
					branches, err := s.Branches(ctx)
					if err != nil {
						return err
					}
					ids := make([]int64, len(branches))
					codes := make(map[int64]string, len(branches))
					for i, b := range branches {
						ids[i], codes[b.ID] = b.ID, b.Code
					}
					sites, err := s.LockerSites(ctx, ids)
					if err != nil {
						return err
					}
					fmt.Fprintf(io.Stdout, "%-6s %-10s %-20s %6s  %s\n", "ID", "BRANCH", "NAME", "BOXES", "LAST SYNC")
					for _, site := range sites {
						comps, err := s.LockerCompartments(ctx, site.ID)
						if err != nil {
							return err
						}
						synced := "never"
						if site.LastSyncAt != nil {
							synced = site.LastSyncAt.UTC().Format("2006-01-02 15:04:05 MST")
						}
						fmt.Fprintf(io.Stdout, "%-6d %-10s %-20s %6d  %s\n", site.ID, codes[site.BranchID], site.Name, len(comps), synced)
					}
					return nil
				})
			}
		},
	}
}
