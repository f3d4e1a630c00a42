package reminders

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// PreviewCommand is `naryad reminders preview`: what the reminder scan
// would send on a date, without sending or writing anything.
func PreviewCommand() cli.Command {
	return cli.Command{
		Name:    "reminders preview",
		Summary: "show the reminders a date's scan would send (nothing is sent)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			date := fs.String("date", "", "YYYY-MM-DD, the branch's local date (required); shown at 10:00 local, or now when it is today")
			branch := fs.String("branch", "", "branch code; empty = every branch")
			asJSON := fs.Bool("json", false, `print a JSON array of {"rule", "customer_phone", "subject", "due_at", "message"}`)
			return func(ctx context.Context, cio cli.IO) error {
				if *date == "" {
					return errors.New("--date is required (YYYY-MM-DD)")
				}
				return store.With(ctx, cfg, func(st *store.Store) error {
					items, err := previewBranches(ctx, st, cfg, *branch, *date)
					if err != nil {
						return err
					}
					if *asJSON {
						return writeJSON(cio.Stdout, items)
					}
					return writeTable(cio.Stdout, items)
				})
			}
		},
	}
}

// branchItem is a preview item with its branch, for printing.
type branchItem struct {
	branch string
	loc    *time.Location
	PreviewItem
}

func previewBranches(ctx context.Context, st *store.Store, cfg *cli.Config, code, date string) ([]branchItem, error) {
	branches, err := st.Branches(ctx)
	if err != nil {
		return nil, err
	}
	if code != "" {
		b, err := st.BranchByCode(ctx, code)
		if err != nil {
			return nil, fmt.Errorf("--branch: %w", err)
		}
		branches = []hub.Branch{b}
	}
	texts, err := templates.New(st)
	if err != nil {
		return nil, err
	}
	// Real links only when the secret is configured; otherwise messages
	// show linkPlaceholder (the preview never creates a secret).
	var links *hub.Links
	if cfg.Secret != "" {
		if links, err = hub.NewLinks(cfg.Secret, cfg.BaseURL()); err != nil {
			return nil, err
		}
	}
	r := NewRunner(st, texts, links, nil, RunnerOptions{Rules: DefaultRules()})
	var out []branchItem
	for _, b := range branches {
		at, err := PreviewMoment(date, b.Location(), time.Now())
		if err != nil {
			return nil, fmt.Errorf("--date: %w", err)
		}
		items, err := r.Preview(ctx, b, at)
		if err != nil {
			return nil, fmt.Errorf("branch %s: %w", b.Code, err)
		}
		for _, it := range items {
			out = append(out, branchItem{branch: b.Code, loc: b.Location(), PreviewItem: it})
		}
	}
	return out, nil
}

// previewJSON is one element of --json: exactly these five fields. Held
// items are left out: they would not be sent at that moment.
type previewJSON struct {
	Rule          string    `json:"rule"`
	CustomerPhone string    `json:"customer_phone"`
	Subject       string    `json:"subject"`
	DueAt         time.Time `json:"due_at"`
	Message       string    `json:"message"`
}

func writeJSON(w io.Writer, items []branchItem) error {
	out := []previewJSON{}
	for _, it := range items {
		if it.HeldUntil.IsZero() {
			out = append(out, previewJSON{Rule: it.Rule, CustomerPhone: it.CustomerPhone, Subject: it.Subject, DueAt: it.DueAt.UTC(), Message: it.Message})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeTable(w io.Writer, items []branchItem) error {
	if len(items) == 0 {
		_, err := fmt.Fprintln(w, "nothing due")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BRANCH\tRULE\tTO\tSUBJECT\tDUE\tSENT\tMESSAGE")
	for _, it := range items {
		to := it.CustomerPhone
		if it.Audience == ToStaff {
			to = "staff"
		}
		when := "now"
		if !it.HeldUntil.IsZero() {
			when = "held until " + it.HeldUntil.Format("2006-01-02 15:04 MST")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", it.branch, it.Rule, to, it.Subject,
			it.DueAt.In(it.loc).Format("2006-01-02 15:04 MST"), when, strings.ReplaceAll(it.Message, "\n", " / "))
	}
	return tw.Flush()
}
