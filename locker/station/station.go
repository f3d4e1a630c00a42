// Package station runs one key locker: the lock boards on a serial line
// (locker/kerong), the kiosk engine with its offline store (locker/kiosk),
// its link to the hub and the touch-screen page on localhost
// (locker/kiosk/ui). `naryad kiosk` runs a station on the kiosk PC;
// `naryad serve --locker-port` runs one inside the hub when the hub and the
// locker share a machine.
package station

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/locker"
	"naryad/locker/kerong"
	"naryad/locker/kiosk"
	"naryad/locker/kiosk/ui"
)

// Options say what a station drives and where it talks.
type Options struct {
	Port         string // serial device of the lock boards
	SetMeansOpen bool   // the boards report a set lock bit as open
	Hub          kiosk.Hub
	DataDir      string // the kiosk's own database lives here
	Addr         string // where the touch-screen page listens
	Logger       *slog.Logger

	// Board replaces the serial driver (Port is then unused): the board
	// simulator in tests.
	Board locker.Board
	// Engine tunes the kiosk engine (timeouts, polling); Board, Hub,
	// DataDir and Logger are filled in from the fields above.
	Engine kiosk.Options
}

// Station is a running locker.
type Station struct {
	opts   Options
	driver *kerong.Driver // nil when Options.Board was given
	engine *kiosk.Engine
	app    *fiber.App
	log    *slog.Logger
}

// New opens the boards' serial line and the kiosk's database and builds
// the page. No door is touched until Run.
func New(ctx context.Context, opts Options) (*Station, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Station{opts: opts, log: log}
	board := opts.Board
	if board == nil {
		d, err := kerong.Open(opts.Port, kerong.Options{SetMeansOpen: opts.SetMeansOpen, Logger: log})
		if err != nil {
			return nil, fmt.Errorf("locker boards on %s: %w", opts.Port, err)
		}
		s.driver, board = d, d
	}
	eo := opts.Engine
	eo.Board, eo.Hub, eo.DataDir, eo.Logger = board, opts.Hub, opts.DataDir, log
	engine, err := kiosk.New(ctx, eo)
	if err != nil {
		s.closeDriver()
		return nil, err
	}
	s.engine = engine
	page, err := ui.New(engine, ui.Options{Logger: log})
	if err != nil {
		engine.Close()
		s.closeDriver()
		return nil, err
	}
	s.app = fiber.New(fiber.Config{
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           2 * time.Minute,
	})
	page.Register(s.app)
	return s, nil
}

// Engine is the station's kiosk engine.
func (s *Station) Engine() *kiosk.Engine { return s.engine }

// Run drives the locker and serves the page on Options.Addr until ctx
// ends, then closes everything it opened.
func (s *Station) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		s.close()
		return fmt.Errorf("kiosk page on %s: %w", s.opts.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener the caller opened (tests pick a free port).
func (s *Station) Serve(ctx context.Context, ln net.Listener) error {
	defer s.close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	engineErr := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		engineErr <- s.engine.Run(ctx)
	}()
	pageErr := make(chan error, 1)
	go func() { pageErr <- s.app.Listener(ln) }()
	s.log.Info("kiosk page listening", "addr", ln.Addr().String())

	var err error
	select {
	case <-ctx.Done():
	case err = <-engineErr:
		if err != nil {
			err = fmt.Errorf("kiosk engine: %w", err)
		}
	case err = <-pageErr:
		err = fmt.Errorf("kiosk page: %w", err)
	}
	cancel()
	if shutdownErr := s.app.ShutdownWithTimeout(5 * time.Second); shutdownErr != nil {
		s.log.Warn("kiosk page shutdown", "error", shutdownErr)
	}
	wg.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

func (s *Station) close() {
	if err := s.engine.Close(); err != nil {
		s.log.Warn("close kiosk database", "error", err)
	}
	s.closeDriver()
}

func (s *Station) closeDriver() {
	if s.driver == nil {
		return
	}
	if err := s.driver.Close(); err != nil {
		s.log.Warn("close lock boards", "error", err)
	}
}
