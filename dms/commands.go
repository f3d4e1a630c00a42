package dms

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
)

// TokenCreateCommand is `naryad dms token create`: it prints the new token
// as the last line of stdout, once; only its hash is stored.
func TokenCreateCommand() cli.Command {
	return cli.Command{
		Name:    "dms token create",
		Summary: "create an exchange token for a DMS node (printed once)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			node := fs.String("node", "", "name of the DMS installation, e.g. alfa-auto-msk (required)")
			branch := fs.String("branch", "", "limit the token to one branch code (default: every branch)")
			return func(ctx context.Context, io cli.IO) error {
				if strings.TrimSpace(*node) == "" {
					return errors.New("--node: required")
				}
				return store.With(ctx, cfg, func(s *store.Store) error {
					token, n, err := s.CreateNodeWithToken(ctx, *node, *branch)
					if err != nil {
						return err
					}
					scope := "every branch"
					if *branch != "" {
						scope = "branch " + *branch
					}
					fmt.Fprintf(io.Stdout, "DMS node %q (id %d) may push and read %s. Its token, shown only now:\n%s\n", n.Name, n.ID, scope, token)
					return nil
				})
			}
		},
	}
}

// NodesCommand is `naryad dms nodes`: each node with how far behind the
// change feed it is (its lag).
func NodesCommand() cli.Command {
	return cli.Command{
		Name:    "dms nodes",
		Summary: "list DMS nodes with their acknowledged feed position and lag",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			return func(ctx context.Context, io cli.IO) error {
				return store.With(ctx, cfg, func(s *store.Store) error {
					nodes, err := s.Nodes(ctx)
					if err != nil {
						return err
					}
					last, err := s.LastSeq(ctx)
					if err != nil {
						return err
					}
					fmt.Fprintf(io.Stdout, "%-24s %-8s %10s %8s  %s\n", "NODE", "STATE", "ACKED", "LAG", "LAST READ")
					for _, n := range nodes {
						state, read := "active", "never"
						if n.RevokedAt != nil {
							state = "revoked"
						}
						if n.AckedAt != nil {
							read = n.AckedAt.Format("2006-01-02 15:04:05 MST")
						}
						fmt.Fprintf(io.Stdout, "%-24s %-8s %10d %8d  %s\n", n.Name, state, n.AckedSeq, last-n.AckedSeq, read)
					}
					return printUnplaced(ctx, s, nodes, io.Stdout)
				})
			}
		},
	}
}

// printUnplaced warns, per node, about vehicles and expiring items that
// belong to no branch: no reminder about them goes out.
func printUnplaced(ctx context.Context, s *store.Store, nodes []hub.DMSNode, w io.Writer) error {
	unplaced, err := s.UnplacedRecords(ctx)
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(nodes))
	for _, n := range nodes {
		names[n.ID] = n.Name
	}
	for _, u := range unplaced {
		fmt.Fprintf(w, "\n%s: %s belong to no branch, so no reminder about them goes out.\n", names[u.NodeID], u.Count())
	}
	if len(unplaced) > 0 {
		fmt.Fprintln(w, store.UnplacedFix)
	}
	return nil
}

// TokenRevokeCommand is `naryad dms token revoke`: the node's tokens stop
// working at once; its work orders and feed position stay.
func TokenRevokeCommand() cli.Command {
	return cli.Command{
		Name:    "dms token revoke",
		Summary: "revoke every token of a DMS node",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			node := fs.String("node", "", "name of the DMS node (required)")
			return func(ctx context.Context, io cli.IO) error {
				if strings.TrimSpace(*node) == "" {
					return errors.New("--node: required")
				}
				return store.With(ctx, cfg, func(s *store.Store) error {
					n, err := s.RevokeNode(ctx, strings.TrimSpace(*node))
					if err != nil {
						return err
					}
					if n == 0 {
						return fmt.Errorf("--node: no live token of a node named %q", *node)
					}
					fmt.Fprintf(io.Stdout, "revoked %d token(s) of DMS node %q\n", n, *node)
					return nil
				})
			}
		},
	}
}
