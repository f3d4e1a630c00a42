// Package loanpurge deletes the identity photos of courtesy-car loans
// (issue 20) once the branch's retention after the loan's end has passed,
// and the car's photos (pickup and return) after their longer retention,
// once the return's staff task is closed:
// a background job inside `naryad serve` that runs store.PurgeLoanPhotos
// at start-up and then every hour. The retention is days, so an hour late
// does not matter; a pass finds everything due, so one missed while the
// hub was down is caught up by the next.
package loanpurge

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"naryad/hub/store"
)

// lockKey keeps the purge's lock ("NRD-LPG") apart from any other
// advisory lock on the database (the reminders' scans use "NRD-REM").
const lockKey int64 = 0x4e52_444c_5047 << 16

// Options configure a Purger; zero values take the defaults.
type Options struct {
	Every   time.Duration    // between passes; default 1 hour
	Timeout time.Duration    // bounds one pass; default 10 minutes
	Logger  *slog.Logger     // default slog.Default()
	Now     func() time.Time // the clock the retention is read against; default time.Now
}

// Purger runs the purge of loans' identity photos.
type Purger struct {
	store *store.Store
	files store.MediaFiles
	opts  Options
	log   *slog.Logger
}

// New builds a Purger over the store and the media storage (*hub.Media)
// the photos are kept in; Run starts it.
func New(st *store.Store, files store.MediaFiles, o Options) *Purger {
	if o.Every <= 0 {
		o.Every = time.Hour
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Purger{store: st, files: files, opts: o, log: o.Logger}
}

// Run purges at once, then every Every, until ctx ends. A failed pass is
// logged and the next one tries again.
func (p *Purger) Run(ctx context.Context) {
	tick := time.NewTicker(p.opts.Every)
	defer tick.Stop()
	for {
		p.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// pass is one logged pass, bounded by the timeout, a panic kept from
// taking the hub down.
func (p *Purger) pass(ctx context.Context) {
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("loan photo purge: panic", "panic", r)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	started := time.Now()
	res, ran, err := p.Once(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		p.log.Error("loan photo purge", "loans", res.Loans, "files", res.Files, "removed", res.Removed,
			"kept_shared", res.Kept, "error", err)
	case !ran:
		p.log.Debug("loan photo purge skipped: another instance is purging")
	case res.Files > 0 || res.CarPhotos > 0:
		p.log.Info("loan photo purge", "loans", res.Loans, "files", res.Files, "removed", res.Removed,
			"kept_shared", res.Kept, "car_loans", res.CarLoans, "car_photos", res.CarPhotos, "car_removed", res.CarRemoved,
			"car_kept_shared", res.CarKept, "took_ms", time.Since(started).Milliseconds())
	default:
		p.log.Debug("loan photo purge: nothing due")
	}
}

// Once makes one pass at the Purger's now: every loan whose photos are
// due loses them (store.PurgeLoanPhotos). Of several hub instances on
// PostgreSQL one purges at a time (an advisory lock); ran is false when
// another one held it and this pass did nothing.
func (p *Purger) Once(ctx context.Context) (res store.LoanPhotoPurge, ran bool, err error) {
	ran, err = p.store.WithScanLock(ctx, lockKey, func(ctx context.Context) error {
		now := p.opts.Now()
		var perr, cerr error
		res, perr = p.store.PurgeLoanPhotos(ctx, p.files, now)
		// The car photos too, later (their own retention, and never while
		// the return's task is open): one failing does not stop the other.
		car, cerr := p.store.PurgeLoanCarPhotos(ctx, p.files, now)
		res.CarLoans, res.CarPhotos, res.CarRemoved, res.CarKept = car.CarLoans, car.CarPhotos, car.CarRemoved, car.CarKept
		return errors.Join(perr, cerr)
	})
	return res, ran, err
}
