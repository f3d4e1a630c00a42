package admincmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/lockerwire"
)

// LockerPINSetCommand is `naryad locker pin set`: a staff member's PIN for
// the kiosks' staff menu, printed once; only lockerwire.Hash(salt, pin) is kept.
func LockerPINSetCommand() cli.Command {
	return cli.Command{
		Name:    "locker pin set",
		Summary: "set a staff member's kiosk PIN (generated and printed once unless given)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			login := fs.String("login", "", "login of the staff member (required)")
			pin := fs.String("pin", "", "4–8 digits (default: a random 6-digit PIN)")
			return func(ctx context.Context, io cli.IO) error {
				if strings.TrimSpace(*login) == "" {
					return errors.New("--login: required")
				}
				code := strings.TrimSpace(*pin)
				if code != "" && !validPIN(code) {
					return errors.New("--pin: 4 to 8 digits")
				}
				return store.With(ctx, cfg, func(s *store.Store) error {
					u, err := s.UserByLogin(ctx, *login)
					if err != nil {
						return fmt.Errorf("--login: %w", err)
					}
					if u.DisabledAt != nil {
						return fmt.Errorf("--login: %s is disabled", u.Login)
					}
					if code == "" {
						if code, err = lockerwire.NewCode(); err != nil {
							return err
						}
					}
					if err := SetLockerPIN(ctx, s, u, code); err != nil {
						return err
					}
					fmt.Fprintf(io.Stdout, "kiosk PIN of %s set; kiosks learn it at their next sync. The PIN, shown only now:\n%s\n", u.Login, code)
					return nil
				})
			}
		},
	}
}

// validPIN: 4 to 8 ASCII digits.
func validPIN(pin string) bool {
	if len(pin) < 4 || len(pin) > 8 {
		return false
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// SetLockerPIN gives a staff member a kiosk PIN (replacing any before),
// stored only as a salted hash, with an audit entry.
func SetLockerPIN(ctx context.Context, s *store.Store, u store.User, pin string) error {
	salt, err := hub.NewSalt()
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetLockerStaffPIN(ctx, u.ID, salt, lockerwire.Hash(salt, pin)); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Action: store.AuditLockerPIN, Subject: u.Login})
	})
}
