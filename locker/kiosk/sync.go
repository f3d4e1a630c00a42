package kiosk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"naryad/lockerwire"
)

// maxBatchesPerSync bounds one SyncNow when a long outage left many events.
const maxBatchesPerSync = 20

// SyncNow runs one sync with the hub: it sends the unsent events (in
// batches of lockerwire.MaxEvents while the hub keeps taking whole ones) with a
// snapshot of the compartments, applies the answer and carries out the
// remote openings it lists.
func (e *Engine) SyncNow(ctx context.Context) error {
	e.syncMu.Lock()
	defer e.syncMu.Unlock()
	for range maxBatchesPerSync {
		more, err := e.syncBatch(ctx)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// syncBatch is one round trip; more reports a full batch all accepted, so
// more events may be waiting.
func (e *Engine) syncBatch(ctx context.Context) (bool, error) {
	events, err := e.store.unsentEvents(ctx, lockerwire.MaxEvents)
	if err != nil {
		return false, fmt.Errorf("kiosk sync: %w", err)
	}
	list, err := e.store.compartments(ctx)
	if err != nil {
		return false, fmt.Errorf("kiosk sync: %w", err)
	}
	row, err := e.store.kiosk(ctx)
	if err != nil {
		return false, fmt.Errorf("kiosk sync: %w", err)
	}
	req := lockerwire.SyncRequest{Events: events, Compartments: make([]lockerwire.CompartmentState, 0, len(list)), Known: row.Digest}
	for _, c := range list {
		req.Compartments = append(req.Compartments, c.snapshot())
	}
	sctx, cancel := context.WithTimeout(ctx, syncTimeout)
	resp, err := e.opts.Hub.Sync(sctx, req)
	cancel()
	if err != nil {
		return false, fmt.Errorf("kiosk sync: %w", err)
	}
	if err := e.apply(ctx, resp); err != nil {
		return false, fmt.Errorf("kiosk sync: %w", err)
	}
	if skew := time.Since(resp.ServerTime); !resp.ServerTime.IsZero() && (skew > 5*time.Minute || skew < -5*time.Minute) {
		e.log.Warn("kiosk: clock differs from the hub's", "skew", skew.Round(time.Second))
	}
	var errs []error
	for _, cmd := range resp.Commands {
		if err := e.runCommand(ctx, cmd); err != nil {
			errs = append(errs, err)
		}
	}
	return len(events) == lockerwire.MaxEvents && len(resp.Accepted) >= len(events), errors.Join(errs...)
}

// apply marks the accepted events sent and, unless the hub says nothing
// changed, replaces the caches; under act, so no flow decides on a cache
// half replaced.
func (e *Engine) apply(ctx context.Context, resp lockerwire.SyncResponse) error {
	e.act.Lock()
	defer e.act.Unlock()
	at := e.now()
	return e.store.tx(ctx, func(tx *store) error {
		if err := tx.markSent(ctx, resp.Accepted, at); err != nil {
			return err
		}
		if !resp.Unchanged {
			if err := tx.applyCaches(ctx, resp, at); err != nil {
				return err
			}
		}
		return tx.pruneSent(ctx, at.Add(-keepSentEvents))
	})
}

// runCommand carries out one remote opening unless it already has been.
// A box in use right now is left for the hub's next re-send.
func (e *Engine) runCommand(ctx context.Context, cmd lockerwire.Command) error {
	e.act.Lock()
	defer e.act.Unlock()
	done, err := e.store.commandDone(ctx, cmd.ID)
	if err != nil || done {
		return err
	}
	actor := "admin:" + cmd.By
	c, err := e.store.compartment(ctx, cmd.CompartmentID)
	if errors.Is(err, errNotFound) {
		// Nothing to open, ever: answer it so the hub stops asking.
		return e.store.tx(ctx, func(tx *store) error {
			at := e.now()
			if err := tx.q(ctx).Create(&commandDone{CommandID: cmd.ID, CompartmentID: cmd.CompartmentID, DoneAt: at}).Error; err != nil {
				return fmt.Errorf("remember command %d: %w", cmd.ID, err)
			}
			_, err := tx.addEvent(ctx, lockerwire.Event{Kind: lockerwire.EventRemoteOpen, OccurredAt: at, CommandID: cmd.ID,
				Actor: actor, Detail: fmt.Sprintf("compartment %d unknown to the kiosk; nothing opened", cmd.CompartmentID)})
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("remote open %d: %w", cmd.ID, err)
	}
	if c.State == lockerwire.StateOpen {
		e.log.Info("kiosk: remote open waits, box in use", "command", cmd.ID, "compartment", c.ID)
		return nil
	}
	_, err = e.openDoor(ctx, opening{box: c, purpose: purposeRemote, actor: actor, workOrderID: c.workOrder(), command: &cmd})
	if err != nil {
		return fmt.Errorf("remote open %d: %w", cmd.ID, err)
	}
	return nil
}
