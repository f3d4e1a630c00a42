package kiosk

import (
	"context"
	"fmt"
	"time"

	"naryad/locker"
	"naryad/lockerwire"
)

// pollLoop watches the boards until ctx ends: often while a door is open,
// at idle pace otherwise, and at once after a door is opened.
func (e *Engine) pollLoop(ctx context.Context) {
	for {
		anyOpen, err := e.pollOnce(ctx)
		if err != nil && ctx.Err() == nil {
			e.log.Error("kiosk: poll", "err", err)
		}
		wait := e.opts.IdleEvery
		if anyOpen {
			wait = e.opts.PollEvery
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-e.pollNow:
		case <-t.C:
		}
		t.Stop()
	}
}

// pollOnce reads every board, then applies what it read; it tells whether
// a door is still recorded open. The boards are read outside act so a slow
// or silent board never holds up the person at the screen; readings taken
// before a door was opened are thrown away, or the door's "closed" from a
// moment before its pulse would end the opening at once.
func (e *Engine) pollOnce(ctx context.Context) (bool, error) {
	before := e.openings.Load()
	readings, err := e.readBoards(ctx)
	if err != nil {
		return false, err
	}
	e.act.Lock()
	defer e.act.Unlock()
	if e.openings.Load() != before {
		return true, nil // stale: read again at once
	}
	list, err := e.store.compartments(ctx)
	if err != nil {
		return false, err
	}
	anyOpen := false
	for _, c := range list {
		if st, ok := readings[c.Board]; ok {
			if c, err = e.observe(ctx, c, st.Locks[c.Lock-1]); err != nil {
				return anyOpen, err
			}
		}
		anyOpen = anyOpen || c.State == lockerwire.StateOpen
	}
	return anyOpen, nil
}

// readBoards reads every board that answers.
func (e *Engine) readBoards(ctx context.Context) (map[int]locker.BoardState, error) {
	boards, err := e.boards(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int]locker.BoardState, len(boards))
	for _, b := range boards {
		if st, err := e.readBoard(ctx, b); err == nil {
			out[b] = st
		}
	}
	return out, nil
}

// observe applies one lock's reading to its box and returns the box as it
// now stands. Callers hold act.
func (e *Engine) observe(ctx context.Context, c compartment, lock locker.LockState) (compartment, error) {
	if c.State != lockerwire.StateOpen {
		if c.DoorClosed == lock.Closed && c.Item == lock.Item {
			return c, nil
		}
		c.DoorClosed, c.Item = lock.Closed, lock.Item
		return c, e.store.saveCompartment(ctx, &c)
	}
	openFor := e.now().Sub(*c.OpeningAt)
	if lock.Closed {
		if !c.OpeningSeenOpen && openFor < unseenOpenGrace {
			return c, nil // the door has not sprung yet
		}
		out, err := e.finishOpening(ctx, c, lock.Item)
		if err != nil {
			return c, err
		}
		e.closed(ctx, c, out)
		c.State = out.state
		return c, nil
	}
	alarm := !c.OpeningAlarmed && openFor >= e.opts.DoorAlarmAfter
	if c.OpeningSeenOpen && c.Item == lock.Item && !c.DoorClosed && !alarm {
		return c, nil
	}
	c.OpeningSeenOpen, c.DoorClosed, c.Item = true, false, lock.Item
	c.OpeningAlarmed = c.OpeningAlarmed || alarm
	err := e.store.tx(ctx, func(tx *store) error {
		if err := tx.saveCompartment(ctx, &c); err != nil {
			return err
		}
		if !alarm {
			return nil
		}
		_, err := tx.addEvent(ctx, lockerwire.Event{Kind: lockerwire.EventDoorLeftOpen, OccurredAt: e.now(), CompartmentID: c.ID,
			WorkOrderID: c.workOrder(), Actor: actorKiosk, Detail: fmt.Sprintf("open %s", openFor.Round(time.Second))})
		return err
	})
	if err != nil {
		return c, fmt.Errorf("door of compartment %d: %w", c.ID, err)
	}
	if alarm {
		e.log.Warn("kiosk: door left open", "compartment", c.ID, "label", c.Label, "open_for", openFor)
		kick(e.syncNow)
		e.mu.Lock()
		if e.sess.compartmentID == c.ID && e.screen.Kind == ScreenDoorOpen {
			s := e.screen
			s.Alarm = true
			e.show(s)
		}
		e.mu.Unlock()
	}
	return c, nil
}
