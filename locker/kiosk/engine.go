// Package kiosk is the engine of the kiosk PC next to a key locker: it
// decides every door opening from its own SQLite file (kiosk.db), which
// caches what the hub last sent and queues events for the hub, so the locker
// keeps working while the hub is unreachable. The touch-screen UI
// (locker/kiosk/ui) drives it through the Engine's methods and renders its
// Screen; the boards are a locker.Board; the hub is a Hub (lockerwire).
package kiosk

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"naryad/locker"
	"naryad/lockerwire"
)

// Options configure an Engine; zero values take the defaults noted.
type Options struct {
	Board   locker.Board
	Hub     Hub
	DataDir string // kiosk.db lives here
	Logger  *slog.Logger
	Now     func() time.Time // nil = time.Now; tests move time

	PollEvery       time.Duration // board polling while a door is open (default 250ms)
	IdleEvery       time.Duration // board polling otherwise (default 2s)
	SyncEvery       time.Duration // default 5s; also synced at once after an event
	DoorAlarmAfter  time.Duration // default 60s
	MaxWrongEntries int           // default 5
	LockoutFor      time.Duration // default 15m
	ReopenWithin    time.Duration // default 3m
	Boards          []int         // boards to poll; default: those of the cached compartments
}

func (o *Options) setDefaults() {
	o.Logger = cmp.Or(o.Logger, slog.Default())
	if o.Now == nil {
		o.Now = time.Now
	}
	o.PollEvery = cmp.Or(o.PollEvery, 250*time.Millisecond)
	o.IdleEvery = cmp.Or(o.IdleEvery, 2*time.Second)
	o.SyncEvery = cmp.Or(o.SyncEvery, 5*time.Second)
	o.DoorAlarmAfter = cmp.Or(o.DoorAlarmAfter, 60*time.Second)
	o.MaxWrongEntries = cmp.Or(o.MaxWrongEntries, 5)
	o.LockoutFor = cmp.Or(o.LockoutFor, 15*time.Minute)
	o.ReopenWithin = cmp.Or(o.ReopenWithin, 3*time.Minute)
}

// Timeouts of the calls the engine makes.
const (
	boardTimeout = 3 * time.Second  // one Unlock or State
	syncTimeout  = 20 * time.Second // one round trip to the hub
	// unseenOpenGrace: a door the board has not yet reported open after
	// its pulse counts as closed again only after this long, so a reading
	// taken a moment before the spring pushed the door does not end the
	// opening.
	unseenOpenGrace = 5 * time.Second
	keepSentEvents  = 30 * 24 * time.Hour
)

// Engine is one kiosk: its compartments, the person at the screen, and the
// link to the hub.
type Engine struct {
	opts  Options
	log   *slog.Logger
	store *store

	// act serialises every change of a compartment (door actions, closes,
	// remote commands, rebuild), so each decision sees the one before it.
	// Lock order: act before mu; syncMu before act.
	act    sync.Mutex
	syncMu sync.Mutex

	mu          sync.Mutex // guards the fields below: the screen and who is at it
	screen      Screen
	sess        session
	seq         int64
	wrong       int       // wrong entries in a row
	lockedUntil time.Time // entry locked until then
	offline     map[int]bool

	// openings counts door openings, so a poll can tell that its board
	// readings predate one.
	openings atomic.Int64

	pollNow chan struct{} // a door was opened: poll at once
	syncNow chan struct{} // an event was queued: sync at once
}

// New opens (and migrates) kiosk.db. It does not touch the doors: Run
// reads the boards first.
func New(ctx context.Context, opts Options) (*Engine, error) {
	if opts.Board == nil || opts.Hub == nil || opts.DataDir == "" {
		return nil, fmt.Errorf("kiosk: Board, Hub and DataDir are required")
	}
	opts.setDefaults()
	s, err := openStore(ctx, opts.DataDir)
	if err != nil {
		return nil, err
	}
	row, err := s.kiosk(ctx)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("kiosk: %w", err)
	}
	e := &Engine{
		opts: opts, log: opts.Logger, store: s,
		wrong:   row.WrongEntries,
		offline: map[int]bool{},
		pollNow: make(chan struct{}, 1),
		syncNow: make(chan struct{}, 1),
	}
	if row.LockedUntil != nil {
		e.lockedUntil = *row.LockedUntil
	}
	e.show(Screen{Kind: ScreenStart})
	return e, nil
}

// Close releases kiosk.db. Stop Run first.
func (e *Engine) Close() error { return e.store.close() }

// Site is the locker as the hub last described it (zero before the first sync).
func (e *Engine) Site(ctx context.Context) (lockerwire.Site, error) {
	row, err := e.store.kiosk(ctx)
	if err != nil {
		return lockerwire.Site{}, fmt.Errorf("kiosk: %w", err)
	}
	return row.site(), nil
}

// now is the engine's clock in UTC, at the precision kiosk.db keeps.
func (e *Engine) now() time.Time { return e.opts.Now().UTC().Truncate(time.Microsecond) }

// boards lists the boards to read: the configured ones, else every board
// a cached compartment sits on.
func (e *Engine) boards(ctx context.Context) ([]int, error) {
	if len(e.opts.Boards) > 0 {
		return e.opts.Boards, nil
	}
	list, err := e.store.compartments(ctx)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, c := range list {
		if !slices.Contains(out, c.Board) {
			out = append(out, c.Board)
		}
	}
	slices.Sort(out)
	return out, nil
}

func kick(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
