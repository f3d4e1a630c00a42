package sim

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"naryad/cli"
	"naryad/locker"
)

// Command is `naryad locker sim`: simulated lock boards on a
// pseudo-terminal. The device path is the first line of stdout and the
// commands are listed on stderr; they (see Exec) are read from stdin, one
// per line, until interrupted.
func Command() cli.Command {
	return cli.Command{
		Name:    "locker sim",
		Summary: "simulate lock boards on a pseudo-terminal (prints the device path; commands on stdin)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			boards := fs.Int("boards", 1, fmt.Sprintf("number of boards on the bus, 1–%d", locker.MaxBoards))
			closeAfter := fs.Duration("close-after", 5*time.Second, "an unlocked door closes by itself after this long; 0 = only by the close command")
			link := fs.String("link", "", "also make this path a symlink to the device, e.g. /tmp/lockers")
			return func(ctx context.Context, io cli.IO) error {
				if *boards < 1 || *boards > locker.MaxBoards {
					return fmt.Errorf("--boards: %d: must be 1–%d", *boards, locker.MaxBoards)
				}
				log := io.Log
				if log == nil {
					log = slog.New(slog.DiscardHandler)
				}
				s := New(*boards, Options{
					CloseAfter:   *closeAfter,
					SetMeansOpen: cfg.LockBitOpen,
					OnUnlock: func(board, index int) {
						log.Info("lock pulsed open", "board", board, "lock", index+1)
					},
				})
				return runConsole(ctx, s, *link, io)
			}
		},
	}
}

// runConsole serves s on a new pseudo-terminal and executes stdin's lines
// until ctx ends.
func runConsole(ctx context.Context, s *Sim, link string, cio cli.IO) error {
	p, err := ListenPTY(ctx, s, link)
	if err != nil {
		return err
	}
	defer p.Close()
	fmt.Fprintln(cio.Stdout, p.Path())
	boards := "0"
	if s.boards > 1 {
		boards = fmt.Sprintf("0–%d", s.boards-1)
	}
	fmt.Fprintf(cio.Stderr, consoleUsage, boards)
	// The reader ends at EOF of stdin; a blocked terminal read ends with
	// the process. Serving goes on after EOF, so the sim can run detached.
	lines := make(chan string)
	stop := make(chan struct{})
	defer close(stop)
	go readLines(cio.Stdin, lines, stop)
	served := make(chan error, 1)
	go func() { served <- p.Wait() }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-served:
			if ctx.Err() != nil {
				return nil // the terminal ended because ctx did: both were ready at once
			}
			return fmt.Errorf("pseudo-terminal: %w", err)
		case line, ok := <-lines:
			if !ok {
				lines = nil // EOF: keep serving
				continue
			}
			if err := s.Exec(cio.Stdout, line); err != nil {
				fmt.Fprintln(cio.Stderr, "error:", err)
			}
		}
	}
}

// readLines sends r's lines to out until EOF or stop.
func readLines(r io.Reader, out chan<- string, stop <-chan struct{}) {
	defer close(out)
	if r == nil {
		return
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		select {
		case out <- sc.Text():
		case <-stop:
			return
		}
	}
}
