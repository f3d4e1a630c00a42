package reminders

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"naryad/hub"
	"naryad/hub/store"
)

// SchedulerOptions configure the Scheduler; zero values take the defaults.
type SchedulerOptions struct {
	// Spec is the cron spec (5 fields) of each branch's scan, read in the
	// branch's time zone. Default every 5 minutes: the rules are
	// level-triggered and the ledger drops what went out, so a frequent
	// scan is cheap and catches up after quiet hours or downtime quickly.
	Spec string
	// Refresh is how often the branch list is re-read, so a branch added
	// (or moved to another zone) while the hub runs is scanned. Default 1 min.
	Refresh time.Duration
	// Timeout bounds one scan. Default 4 min.
	Timeout time.Duration
	Logger  *slog.Logger
}

// scanLockBase keeps the scan locks' keys ("NRD-REM" + branch id) apart
// from any other advisory lock on the database.
const scanLockBase int64 = 0x4e52_4452_454d << 16

// Scheduler runs the Runner's scans inside `naryad serve` with
// robfig/cron: one entry per branch in the branch's time zone, each scan
// under the branch's scan lock, so of several hub instances on PostgreSQL
// one scans a branch at a time and the others skip.
type Scheduler struct {
	store   *store.Store
	runner  *Runner
	opts    SchedulerOptions
	log     *slog.Logger
	mu      sync.Mutex
	entries map[int64]scheduled // branch id → its cron entry
}

type scheduled struct {
	id   cron.EntryID
	zone string
}

// NewScheduler builds a Scheduler; Run starts it.
func NewScheduler(st *store.Store, r *Runner, o SchedulerOptions) *Scheduler {
	if o.Spec == "" {
		o.Spec = "*/5 * * * *"
	}
	if o.Refresh <= 0 {
		o.Refresh = time.Minute
	}
	if o.Timeout <= 0 {
		o.Timeout = 4 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Scheduler{store: st, runner: r, opts: o, log: o.Logger, entries: map[int64]scheduled{}}
}

// Run schedules every branch's scans until ctx ends, then stops and waits
// for a running scan to finish (it sees ctx end; every send it makes is
// its own transaction, so an interrupted scan leaves nothing half-sent).
func (s *Scheduler) Run(ctx context.Context) error {
	if _, err := cron.ParseStandard(s.opts.Spec); err != nil {
		return fmt.Errorf("reminders: schedule %q: %w", s.opts.Spec, err)
	}
	c := cron.New(cron.WithLogger(cronLogger{s.log}), cron.WithChain(cron.Recover(cronLogger{s.log})))
	s.refresh(ctx, c)
	c.Schedule(cron.Every(s.opts.Refresh), cron.FuncJob(func() { s.refresh(ctx, c) }))
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// refresh adds an entry for each branch not scheduled yet, and replaces
// the entry of a branch whose zone changed.
func (s *Scheduler) refresh(ctx context.Context, c *cron.Cron) {
	listCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	branches, err := s.store.Branches(listCtx)
	if err != nil {
		s.log.Error("reminders: list branches", "error", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range branches {
		if e, ok := s.entries[b.ID]; ok {
			if e.zone == b.TimeZone {
				continue
			}
			c.Remove(e.id)
		}
		sched, err := branchSchedule(s.opts.Spec, b)
		if err != nil {
			s.log.Error("reminders: schedule branch", "branch", b.Code, "error", err)
			continue
		}
		job := cron.NewChain(cron.SkipIfStillRunning(cronLogger{s.log})).Then(cron.FuncJob(func() { s.scan(ctx, b.ID) }))
		s.entries[b.ID] = scheduled{id: c.Schedule(sched, job), zone: b.TimeZone}
	}
}

// branchSchedule reads spec in the branch's time zone.
func branchSchedule(spec string, b hub.Branch) (cron.Schedule, error) {
	return cron.ParseStandard("CRON_TZ=" + b.TimeZone + " " + spec)
}

// scan runs one scan of a branch under its scan lock.
func (s *Scheduler) scan(ctx context.Context, branchID int64) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	b, err := s.store.Branch(ctx, branchID) // current settings, not those of start-up
	if err != nil {
		s.log.Error("reminders: load branch", "branch_id", branchID, "error", err)
		return
	}
	ran, err := s.store.WithScanLock(ctx, scanLockBase+branchID, func(ctx context.Context) error {
		_, err := s.runner.Scan(ctx, b)
		return err
	})
	switch {
	case err != nil:
		s.log.Error("reminder scan failed", "branch", b.Code, "error", err)
	case !ran:
		s.log.Debug("reminder scan skipped: another instance is scanning", "branch", b.Code)
	}
}

// cronLogger hands robfig/cron's messages to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "error", err)...)
}
