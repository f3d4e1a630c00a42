package kerong

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"naryad/cli"
	"naryad/locker"
)

// portFlags are the flags `locker open` and `locker status` share. The
// polarity comes from the shared --lock-bit-open setting.
type portFlags struct {
	port    string
	board   int
	timeout time.Duration
}

func (f *portFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&f.port, "port", "", "serial device of the lock boards, e.g. /dev/ttyUSB0 or COM3 (default: --locker-port)")
	fs.IntVar(&f.board, "board", 0, "board number 0–15, as set by its DIP switch")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Second, "give up after this long")
}

// run opens the port, hands the driver to do and closes it, all within
// --timeout.
func (f *portFlags) run(ctx context.Context, cfg *cli.Config, io cli.IO, do func(context.Context, *Driver) error) error {
	port := f.port
	if port == "" {
		port = cfg.LockerPort
	}
	if port == "" {
		return errors.New("--port: required, e.g. /dev/ttyUSB0 or COM3")
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	d, err := Open(port, Options{SetMeansOpen: cfg.LockBitOpen, Logger: io.Log})
	if err != nil {
		return err
	}
	defer d.Close()
	return do(ctx, d)
}

// OpenCommand is `naryad locker open`: pulse one lock and wait until it
// reads open.
func OpenCommand() cli.Command {
	return cli.Command{
		Name:    "locker open",
		Summary: "open one lock of a lock board (--port, --board, --lock as printed)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			var f portFlags
			f.bind(fs)
			lock := fs.Int("lock", 0, "lock number as printed on the board, 1–16 (required)")
			return func(ctx context.Context, io cli.IO) error {
				if err := locker.CheckAddress(f.board, *lock-1); err != nil {
					return fmt.Errorf("--board/--lock: %w", err)
				}
				return f.run(ctx, cfg, io, func(ctx context.Context, d *Driver) error {
					if err := d.Unlock(ctx, f.board, *lock-1); err != nil {
						return err
					}
					fmt.Fprintf(io.Stdout, "board %d lock %d is open\n", f.board, *lock)
					return nil
				})
			}
		},
	}
}

// StatusCommand is `naryad locker status`: every lock of one board as JSON.
func StatusCommand() cli.Command {
	return cli.Command{
		Name:    "locker status",
		Summary: "print the locks and item sensors of one lock board as JSON",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			var f portFlags
			f.bind(fs)
			return func(ctx context.Context, io cli.IO) error {
				if err := locker.CheckAddress(f.board, 0); err != nil {
					return fmt.Errorf("--board: %w", err)
				}
				return f.run(ctx, cfg, io, func(ctx context.Context, d *Driver) error {
					s, err := d.State(ctx, f.board)
					if err != nil {
						return err
					}
					return WriteStatus(io.Stdout, s)
				})
			}
		},
	}
}
