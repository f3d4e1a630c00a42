package kiosk

import (
	"context"
	"sync"
	"time"
)

// Run rebuilds the state from the boards, then watches the boards and syncs
// with the hub until ctx ends. It never unlocks a door by itself, except
// for a remote opening the hub hands it.
func (e *Engine) Run(ctx context.Context) error {
	if err := e.rebuild(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return err
	}
	var wg sync.WaitGroup
	wg.Go(func() { e.pollLoop(ctx) })
	wg.Go(func() { e.syncLoop(ctx) })
	wg.Wait()
	return nil
}

// syncLoop syncs every SyncEvery and at once after an event. Failures are
// logged and retried next round; the customer flows never wait on them.
func (e *Engine) syncLoop(ctx context.Context) {
	t := time.NewTicker(e.opts.SyncEvery)
	defer t.Stop()
	for {
		if err := e.SyncNow(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("kiosk: sync failed, retrying later", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-e.syncNow:
		}
	}
}
