package whatsapp

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/skip2/go-qrcode"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
)

// LinkCommand is `naryad whatsapp link`: links a phone to an account
// (created when new), showing QR codes in the terminal or, with --phone,
// a code to type on that phone.
func LinkCommand() cli.Command { return linkCommand(NewWhatsmeowClient, LatestWebVersion) }

// LogoutCommand is `naryad whatsapp logout`.
func LogoutCommand() cli.Command { return logoutCommand(NewWhatsmeowClient, LatestWebVersion) }

// ListCommand is `naryad whatsapp list`.
func ListCommand() cli.Command {
	return cli.Command{
		Name:    "whatsapp list",
		Summary: "list WhatsApp accounts with their connection state",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			return func(ctx context.Context, cio cli.IO) error {
				return store.With(ctx, cfg, func(st *store.Store) error { return writeAccounts(ctx, st, cio.Stdout) })
			}
		},
	}
}

// linkCommand takes the client constructor and the version check (tests
// pass a fake's constructor and nil).
func linkCommand(newClient NewClientFunc, webVersion WebVersionFunc) cli.Command {
	return cli.Command{
		Name:    "whatsapp link",
		Summary: "link a phone to a WhatsApp account (QR code in the terminal, or a pairing code with --phone)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			name := fs.String("account", "", "account name, e.g. main (required); created when new")
			branch := fs.String("branch", "", "branch code of a new account (required when the account is new)")
			phone := fs.String("phone", "", "link by a code typed on this phone instead of a QR code, e.g. +48501234567")
			return func(ctx context.Context, cio cli.IO) error {
				if _, err := pairingDigits(*phone); err != nil {
					return fmt.Errorf("--phone: %w", err)
				}
				return withManager(ctx, cfg, cio, newClient, webVersion, func(st *store.Store, m *Manager) error {
					acc, err := accountToLink(ctx, st, *name, *branch)
					if err != nil {
						return err
					}
					ctx, cancel := context.WithTimeout(ctx, LinkTimeout)
					defer cancel()
					if err := m.Link(ctx, acc.ID, *phone, showInTerminal(cio.Stdout, *phone != "")); err != nil {
						return err
					}
					acc, err = st.WAAccount(ctx, acc.ID)
					if err != nil {
						return err
					}
					fmt.Fprintf(cio.Stdout, "WhatsApp account %s linked to %s; a running hub connects it within a few seconds.\n", acc.Name, acc.Phone)
					return nil
				})
			}
		},
	}
}

// accountToLink finds the account by name, or creates it at the branch.
func accountToLink(ctx context.Context, st *store.Store, name, branchCode string) (hub.WAAccount, error) {
	name, err := CheckAccountName(name)
	if err != nil {
		return hub.WAAccount{}, fmt.Errorf("--account: %w", err)
	}
	acc, err := st.WAAccountByName(ctx, name)
	if err == nil {
		if branchCode == "" {
			return acc, nil
		}
		b, err := st.BranchByCode(ctx, branchCode)
		if err != nil {
			return acc, fmt.Errorf("--branch: %w", err)
		}
		if b.ID != acc.BranchID {
			return acc, fmt.Errorf("--branch: account %s belongs to another branch; leave --branch out to link it again", name)
		}
		return acc, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return acc, err
	}
	if branchCode == "" {
		return acc, fmt.Errorf("--branch: required, account %s is new", name)
	}
	b, err := st.BranchByCode(ctx, branchCode)
	if err != nil {
		return acc, fmt.Errorf("--branch: %w", err)
	}
	acc = hub.WAAccount{BranchID: b.ID, Name: name}
	if err := st.CreateWAAccount(ctx, &acc); err != nil {
		return acc, err
	}
	return acc, nil
}

// showInTerminal prints each QR code as text (or the pairing code).
func showInTerminal(w io.Writer, byPhone bool) func(code string, expires time.Time) {
	return func(code string, expires time.Time) {
		if byPhone {
			fmt.Fprintf(w, "On the phone: WhatsApp → Settings → Linked devices → Link a device → Link with phone number instead, and type\n\n    %s\n\n(valid until %s)\n", code, expires.Local().Format("15:04:05"))
			return
		}
		q, err := qrcode.New(code, qrcode.Medium)
		if err != nil {
			fmt.Fprintf(w, "cannot draw the QR code: %v\n", err)
			return
		}
		fmt.Fprintf(w, "\n%s\nScan with WhatsApp → Settings → Linked devices → Link a device (this code is valid until %s; a new one follows).\n",
			q.ToSmallString(false), expires.Local().Format("15:04:05"))
	}
}

// logoutCommand takes the client constructor and the version check
// (tests pass a fake's constructor and nil).
func logoutCommand(newClient NewClientFunc, webVersion WebVersionFunc) cli.Command {
	return cli.Command{
		Name:    "whatsapp logout",
		Summary: "log a WhatsApp account out (the phone must be linked again)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			name := fs.String("account", "", "account name (required)")
			return func(ctx context.Context, cio cli.IO) error {
				if strings.TrimSpace(*name) == "" {
					return errors.New("--account: required")
				}
				return withManager(ctx, cfg, cio, newClient, webVersion, func(st *store.Store, m *Manager) error {
					acc, err := st.WAAccountByName(ctx, strings.TrimSpace(*name))
					if err != nil {
						return fmt.Errorf("--account: %w", err)
					}
					if err := m.Logout(ctx, acc.ID); err != nil {
						return err
					}
					acc, err = st.WAAccount(ctx, acc.ID)
					if err != nil {
						return err
					}
					fmt.Fprintf(cio.Stdout, "WhatsApp account %s: %s\n", acc.Name, acc.StateDetail)
					return nil
				})
			}
		},
	}
}

// withManager opens the store and the session store for one command and
// gives fn a manager that is not running (no sessions of its own).
func withManager(ctx context.Context, cfg *cli.Config, cio cli.IO, newClient NewClientFunc, webVersion WebVersionFunc,
	fn func(*store.Store, *Manager) error) error {
	return store.With(ctx, cfg, func(st *store.Store) error {
		sessions, err := openSessions(ctx, cfg.DatabaseURL, cfg.DataDir, cio.Log)
		if err != nil {
			return err
		}
		defer sessions.Close()
		return fn(st, NewManager(st, sessions, newClient, ManagerOptions{Logger: cio.Log, WebVersion: webVersion}))
	})
}

// writeAccounts prints every account as a table; times in the branch's zone.
func writeAccounts(ctx context.Context, st *store.Store, w io.Writer) error {
	accounts, err := st.WAAccounts(ctx)
	if err != nil {
		return err
	}
	if len(accounts) == 0 {
		_, err := fmt.Fprintln(w, "no WhatsApp accounts; add one with `naryad whatsapp link --account NAME --branch CODE`")
		return err
	}
	branches, err := st.Branches(ctx)
	if err != nil {
		return err
	}
	byID := map[int64]hub.Branch{}
	for _, b := range branches {
		byID[b.ID] = b
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tBRANCH\tPHONE\tSTATE\tSINCE\tDETAIL\tBAN EXPIRES")
	for _, a := range accounts {
		b := byID[a.BranchID]
		loc := b.Location()
		ban := "-"
		if a.BanExpiresAt != nil {
			ban = a.BanExpiresAt.In(loc).Format("2006-01-02 15:04 MST")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.Name, b.Code, dash(a.Phone), a.State,
			a.StateSince.In(loc).Format("2006-01-02 15:04 MST"), dash(a.StateDetail), ban)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
