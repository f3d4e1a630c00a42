package kiosk

import (
	"context"
	"fmt"

	"naryad/lockerwire"
)

// Reopen opens the customer's box once more ("I forgot something"): once
// per session, until the screen's ReopenUntil, from the done, no-item and
// item-left screens. Its closing is handled as the flow it belongs to.
func (e *Engine) Reopen(ctx context.Context) error {
	e.act.Lock()
	defer e.act.Unlock()
	sess, scr := e.current()
	switch scr.Kind {
	case ScreenDone, ScreenNoItem, ScreenItemLeft:
	default:
		return nil
	}
	if sess.reopenUsed || sess.compartmentID == 0 || scr.ReopenUntil.IsZero() || e.opts.Now().After(scr.ReopenUntil) {
		return nil
	}
	if sess.purpose != purposeDropOff && sess.purpose != purposePickup {
		return nil
	}
	c, err := e.store.compartment(ctx, sess.compartmentID)
	if err != nil {
		return fmt.Errorf("reopen: %w", err)
	}
	// The box must still be this customer's: free (they took everything
	// out) or holding their work order.
	if c.State == lockerwire.StateOpen || (c.State != lockerwire.StateFree && c.workOrder() != sess.workOrderID) {
		return nil
	}
	op := opening{box: c, purpose: sess.purpose, actor: actorCustomer, workOrderID: sess.workOrderID, reopen: true}
	return e.openFor(ctx, sess, op, sess.workOrderNumber)
}

// Finish ends the customer's session from the no-item, item-left or done
// screen. From no-item it gives the drop-off up (the box was freed when the
// door closed empty); an item left stays in its box with its alarm.
func (e *Engine) Finish(ctx context.Context) error {
	e.act.Lock()
	defer e.act.Unlock()
	sess, scr := e.current()
	if scr.Kind == ScreenNoItem {
		err := e.store.tx(ctx, func(tx *store) error {
			_, err := tx.addEvent(ctx, lockerwire.Event{Kind: lockerwire.EventDropOffAborted, OccurredAt: e.now(),
				CompartmentID: sess.compartmentID, WorkOrderID: sess.workOrderID, Actor: actorCustomer})
			return err
		})
		if err != nil {
			return fmt.Errorf("finish drop-off: %w", err)
		}
		kick(e.syncNow)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sess.gen == sess.gen {
		e.sess = session{gen: sess.gen + 1}
		e.show(Screen{Kind: ScreenStart})
	}
	return nil
}
