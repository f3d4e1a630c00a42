package kiosk

import (
	"context"
	"fmt"

	"naryad/locker"
	"naryad/lockerwire"
)

// rebuild reconciles kiosk.db with the boards at start-up, after a restart
// or a power cut. It never unlocks anything: a box recorded open whose door
// is now closed is finished by the close rules, and where the boards and
// the records disagree staff get an unexpected_state alarm.
func (e *Engine) rebuild(ctx context.Context) error {
	// act is held while reading too: nothing may open a door between the
	// reading and the decisions taken on it.
	e.act.Lock()
	defer e.act.Unlock()
	readings, err := e.readBoards(ctx)
	if err != nil {
		return fmt.Errorf("kiosk: rebuild: %w", err)
	}
	list, err := e.store.compartments(ctx)
	if err != nil {
		return fmt.Errorf("kiosk: rebuild: %w", err)
	}
	read, unexpected, finished := 0, 0, 0
	for _, c := range list {
		st, ok := readings[c.Board]
		if !ok {
			continue
		}
		read++
		lock := st.Locks[c.Lock-1]
		if c.State == lockerwire.StateOpen {
			if lock.Closed {
				out, err := e.finishOpening(ctx, c, lock.Item)
				if err != nil {
					return fmt.Errorf("kiosk: rebuild: %w", err)
				}
				e.closed(ctx, c, out)
				finished++
				continue
			}
			c.OpeningSeenOpen = true // still open: the poll loop watches it close
		}
		odd, err := e.reconcile(ctx, c, lock)
		if err != nil {
			return fmt.Errorf("kiosk: rebuild: %w", err)
		}
		if odd {
			unexpected++
		}
	}
	detail := fmt.Sprintf("%d of %d compartments read from %d boards; %d openings finished, %d unexpected",
		read, len(list), len(readings), finished, unexpected)
	e.record(ctx, lockerwire.Event{Kind: lockerwire.EventStateRebuilt, OccurredAt: e.now(), Actor: actorKiosk, Detail: detail})
	e.log.Info("kiosk: state rebuilt from the boards", "detail", detail)
	return nil
}

// reconcile stores what the board reports for a box and raises
// unexpected_state where it contradicts the record: an item in a box that
// should be empty, no item in one that should hold keys, a door open that
// nobody opened. Such a box needs staff: it goes to attention.
func (e *Engine) reconcile(ctx context.Context, c compartment, lock locker.LockState) (bool, error) {
	var why string
	switch {
	case lock.Item && (c.State == lockerwire.StateFree || c.State == lockerwire.StateWithStaff):
		why = "item in a box recorded empty (" + c.State + ")"
	case !lock.Item && (c.State == lockerwire.StateHeld || c.State == lockerwire.StateReady):
		why = "no item in a box recorded holding keys (" + c.State + ")"
	case !lock.Closed && c.State != lockerwire.StateOpen:
		why = "door open, no opening recorded"
	}
	at := e.now()
	c.DoorClosed, c.Item = lock.Closed, lock.Item
	if why != "" && c.State != lockerwire.StateOpen {
		c.setState(lockerwire.StateAttention, c.workOrder(), at)
	}
	err := e.store.tx(ctx, func(tx *store) error {
		if err := tx.saveCompartment(ctx, &c); err != nil {
			return err
		}
		if why == "" {
			return nil
		}
		_, err := tx.addEvent(ctx, lockerwire.Event{Kind: lockerwire.EventUnexpected, OccurredAt: at, CompartmentID: c.ID,
			WorkOrderID: c.workOrder(), Actor: actorKiosk, Detail: why})
		return err
	})
	if err != nil {
		return false, err
	}
	if why != "" {
		e.log.Warn("kiosk: unexpected state", "compartment", c.ID, "label", c.Label, "why", why)
	}
	return why != "", nil
}
