package csvimport

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"naryad/cli"
	"naryad/dms"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// batchSize is how many events go to the ingest at once (the exchange's
// own limit is 1000 per request).
const batchSize = 500

// Command is `naryad items import`.
func Command() cli.Command {
	return cli.Command{
		Name:    "items import",
		Summary: "import expiring items (warranty, insurance, subscriptions) from a CSV file",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			file := fs.String("file", "", "CSV file with columns item_id, customer_id, customer_name, phone, kind, title, expires_on[, email, locale, branch] (required)")
			nodeName := fs.String("node", "", "DMS node the items and customers belong to, as in `naryad dms nodes` (required)")
			return func(ctx context.Context, io cli.IO) error {
				if *file == "" || strings.TrimSpace(*nodeName) == "" {
					return errors.New("--file and --node are required")
				}
				f, err := os.Open(*file)
				if err != nil {
					return fmt.Errorf("--file: %w", err)
				}
				defer f.Close()
				rows, problems, err := Parse(f)
				if err != nil {
					return err
				}
				return store.With(ctx, cfg, func(st *store.Store) error {
					return importFile(ctx, cfg, st, strings.TrimSpace(*nodeName), rows, problems, io)
				})
			}
		},
	}
}

// importFile checks every row of the file and, when none has a problem,
// imports them for the node.
func importFile(ctx context.Context, cfg *cli.Config, st *store.Store, nodeName string, rows []Row, problems Problems, io cli.IO) error {
	in, err := newIngester(cfg, st, io.Log)
	if err != nil {
		return err
	}
	node, err := liveNode(ctx, st, nodeName)
	if err != nil {
		return err
	}
	// The whole file is checked, and every problem reported,
	// before anything of it is stored.
	if problems, err = Check(ctx, in, node, rows, problems); err != nil {
		return err
	}
	if len(problems) > 0 {
		return problems
	}
	sum, err := Import(ctx, in, node, rows, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Stdout, "%d items: %d stored or updated, %d unchanged, %d rejected\n",
		len(rows), sum.Applied, sum.Unchanged, len(sum.Rejected))
	for _, r := range sum.Rejected {
		fmt.Fprintln(io.Stdout, "  "+r)
	}
	if len(sum.Rejected) > 0 {
		return fmt.Errorf("%d rows were rejected", len(sum.Rejected))
	}
	return nil
}

// newIngester builds the one part of the hub an import needs: the DMS
// ingest, with the hub's customer links (from the same secret as `naryad
// serve`), message texts and media. Nothing is delivered here: what the
// ingest queues goes out once `naryad serve` runs. Items and customers
// need no key locker, so the ingest gets none.
func newIngester(cfg *cli.Config, st *store.Store, log *slog.Logger) (*dms.Ingester, error) {
	secret, err := hub.LoadSecret(cfg.Secret, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("server secret: %w", err)
	}
	links, err := hub.NewLinks(secret, cfg.BaseURL())
	if err != nil {
		return nil, err
	}
	texts, err := templates.New(st)
	if err != nil {
		return nil, err
	}
	texts.LogBadOverrides(log)
	media := hub.NewMedia(filepath.Join(cfg.DataDir, "media"))
	return dms.NewIngester(dms.IngesterOptions{
		Store: st, Links: links, Renderer: texts, Media: media,
		LinkTTL: cfg.LinkTTL, SMSOnly: !cfg.WhatsApp,
	})
}

// liveNode finds the newest node of that name with a live token.
func liveNode(ctx context.Context, st *store.Store, name string) (hub.DMSNode, error) {
	nodes, err := st.Nodes(ctx)
	if err != nil {
		return hub.DMSNode{}, err
	}
	var found *hub.DMSNode
	for i, n := range nodes {
		if n.Name == name && n.RevokedAt == nil && (found == nil || n.ID > found.ID) {
			found = &nodes[i]
		}
	}
	if found == nil {
		return hub.DMSNode{}, fmt.Errorf("--node: no live DMS node %q (create one with `naryad dms token create --node %s --branch CODE`)", name, name)
	}
	return *found, nil
}

// Summary counts what an import did, per item.
type Summary struct {
	Applied   int      // the item was new or changed
	Unchanged int      // the same row was imported before
	Rejected  []string // "line N: why"
}

// Import applies rows through the ingest, in batches.
func Import(ctx context.Context, in *dms.Ingester, node hub.DMSNode, rows []Row, at time.Time) (Summary, error) {
	var sum Summary
	events, err := Events(rows, at)
	if err != nil {
		return sum, err
	}
	for start := 0; start < len(events); start += batchSize {
		end := min(start+batchSize, len(events))
		results, err := in.Apply(ctx, node, events[start:end])
		if err != nil {
			return sum, err
		}
		// Events come in pairs (customer, item) per row.
		for i := 0; i+1 < len(results); i += 2 {
			row := rows[(start+i)/2]
			customer, item := results[i], results[i+1]
			switch {
			case customer.Result == store.EventRejected:
				sum.Rejected = append(sum.Rejected, fmt.Sprintf("line %d: %s", row.Line, customer.Error))
			case item.Result == store.EventRejected:
				sum.Rejected = append(sum.Rejected, fmt.Sprintf("line %d: %s", row.Line, item.Error))
			case item.Result == store.EventDuplicate:
				sum.Unchanged++
			default:
				sum.Applied++
			}
		}
	}
	return sum, nil
}
