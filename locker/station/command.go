package station

import (
	"context"
	"errors"
	"flag"
	"path/filepath"
	"strings"

	"naryad/cli"
	"naryad/locker/kiosk"
)

// Command is `naryad kiosk`: run the locker on the kiosk PC, syncing with
// the hub at --hub. --port, --hub and --token are the kiosk's names for the
// shared --locker-port, --kiosk-hub and --locker-token settings.
func Command() cli.Command {
	return cli.Command{
		Name:    "kiosk",
		Summary: "run a key-locker kiosk: lock boards, touch-screen page, sync with the hub",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			fs.StringVar(&cfg.LockerPort, "port", cfg.LockerPort, "serial device of the lock boards, e.g. /dev/ttyUSB0 or COM3 (NARYAD_LOCKER_PORT)")
			fs.StringVar(&cfg.KioskHub, "hub", cfg.KioskHub, "URL of the hub, e.g. https://hub.example.com (NARYAD_KIOSK_HUB)")
			fs.StringVar(&cfg.LockerToken, "token", cfg.LockerToken, "this locker's kiosk token from `naryad locker site add` (NARYAD_LOCKER_TOKEN, NARYAD_LOCKER_TOKEN_FILE)")
			return func(ctx context.Context, io cli.IO) error {
				var missing []string
				if cfg.LockerPort == "" {
					missing = append(missing, "--port")
				}
				if cfg.KioskHub == "" {
					missing = append(missing, "--hub")
				}
				if cfg.LockerToken == "" {
					missing = append(missing, "--token")
				}
				if len(missing) > 0 {
					return errors.New("required: " + strings.Join(missing, ", "))
				}
				s, err := New(ctx, Options{
					Port: cfg.LockerPort, SetMeansOpen: cfg.LockBitOpen,
					Hub:     kiosk.NewHTTPHub(cfg.KioskHub, cfg.LockerToken, nil),
					DataDir: filepath.Join(cfg.DataDir, "kiosk"), Addr: cfg.KioskAddr, Logger: io.Log,
				})
				if err != nil {
					return err
				}
				return s.Run(ctx)
			}
		},
	}
}
