package kiosk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"naryad/locker"
	"naryad/lockerwire"
)

// opening is a door action about to start.
type opening struct {
	box         compartment // as read under act
	purpose     string      // purpose*
	actor       string
	workOrderID int64 // whose keys the opening is about (0 = none)
	reopen      bool
	command     *lockerwire.Command // a remote opening
}

// boardError means the door did not open; offline tells whether the board
// stopped answering altogether.
type boardError struct {
	board   int
	offline bool
	err     error
}

func (b *boardError) Error() string { return fmt.Sprintf("board %d: %v", b.board, b.err) }
func (b *boardError) Unwrap() error { return b.err }

// openDoor opens op.box. Callers hold act.
//
// The box is recorded open BEFORE the pulse (write-ahead): a crash right
// after the pulse leaves a record that Run finishes by the close rules, never
// an open door nobody knows about. A remote command is remembered in that
// same transaction, so it can never open a door twice. If the pulse fails,
// all of it is undone and a boardError returned.
func (e *Engine) openDoor(ctx context.Context, op opening) (time.Time, error) {
	at := e.now()
	c := op.box
	c.setState(lockerwire.StateOpen, op.workOrderID, at)
	c.OpeningPurpose, c.OpeningActor, c.OpeningAt, c.OpeningReopen = op.purpose, op.actor, &at, op.reopen
	c.OpeningPrevState, c.OpeningPrevWorkOrderID = op.box.State, op.box.WorkOrderID
	var commandEvent string
	err := e.store.tx(ctx, func(tx *store) error {
		if err := tx.saveCompartment(ctx, &c); err != nil {
			return err
		}
		if op.command == nil {
			return nil
		}
		if err := tx.q(ctx).Create(&commandDone{CommandID: op.command.ID, CompartmentID: c.ID, DoneAt: at}).Error; err != nil {
			return fmt.Errorf("remember command %d: %w", op.command.ID, err)
		}
		ev, err := tx.addEvent(ctx, lockerwire.Event{Kind: lockerwire.EventRemoteOpen, OccurredAt: at, CompartmentID: c.ID,
			WorkOrderID: op.workOrderID, CommandID: op.command.ID, Actor: op.actor, Detail: op.command.Reason})
		commandEvent = ev.ID
		return err
	})
	if err != nil {
		return at, fmt.Errorf("record opening of compartment %d: %w", c.ID, err)
	}

	e.openings.Add(1)
	if unlockErr := e.unlock(ctx, c); unlockErr != nil {
		if err := e.revertOpening(ctx, op, commandEvent); err != nil {
			return at, errors.Join(unlockErr, err)
		}
		e.mu.Lock()
		offline := e.offline[c.Board]
		e.mu.Unlock()
		return at, &boardError{board: c.Board, offline: offline, err: unlockErr}
	}

	// Reading the lock back at once lets the very next "closed" reading end
	// the opening, instead of waiting out unseenOpenGrace.
	seen := false
	if st, err := e.readBoard(ctx, c.Board); err == nil {
		seen = !st.Locks[c.Lock-1].Closed
	}
	err = e.store.tx(ctx, func(tx *store) error {
		if seen {
			err := tx.q(ctx).Model(&compartment{}).Where("id = ?", c.ID).
				Updates(map[string]any{"opening_seen_open": true, "door_closed": false}).Error
			if err != nil {
				return fmt.Errorf("note door open: %w", err)
			}
		}
		if op.command != nil {
			return nil // remote_open is already queued
		}
		_, err := tx.addEvent(ctx, lockerwire.Event{Kind: lockerwire.EventDoorOpened, OccurredAt: at, CompartmentID: c.ID,
			WorkOrderID: op.workOrderID, Actor: op.actor, Detail: doorDetail(op)})
		return err
	})
	if err != nil {
		// The door is open and recorded so; the poll loop carries on.
		e.log.Error("kiosk: record door opened", "compartment", c.ID, "err", err)
	}
	// Count the opening again now that the pulse and its read-back are
	// done: a poll that read the boards while they were under way (its
	// read may have waited on the bus behind the pulse's) loaded the count
	// before this and is thrown away, so a "closed" from before the pulse
	// can never end the opening the read-back just saw open.
	e.openings.Add(1)
	e.log.Info("kiosk: door opened", "compartment", c.ID, "label", c.Label, "purpose", op.purpose, "actor", op.actor)
	kick(e.pollNow)
	kick(e.syncNow)
	return at, nil
}

// revertOpening undoes the write-ahead record of an opening whose pulse
// failed. A remote command is forgotten too, so the hub's next re-send
// tries again; its event has not left the kiosk, since commands run inside
// SyncNow and nothing else sends.
func (e *Engine) revertOpening(ctx context.Context, op opening, commandEvent string) error {
	err := e.store.tx(ctx, func(tx *store) error {
		orig := op.box
		if err := tx.saveCompartment(ctx, &orig); err != nil {
			return err
		}
		if op.command == nil {
			return nil
		}
		if err := tx.q(ctx).Delete(&commandDone{}, op.command.ID).Error; err != nil {
			return fmt.Errorf("forget command %d: %w", op.command.ID, err)
		}
		if err := tx.q(ctx).Where("uid = ? AND sent_at IS NULL", commandEvent).Delete(&eventRow{}).Error; err != nil {
			return fmt.Errorf("drop event of command %d: %w", op.command.ID, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revert opening of compartment %d: %w", op.box.ID, err)
	}
	return nil
}

// doorDetail is the door_opened event's Detail: why the door opened.
func doorDetail(op opening) string {
	switch {
	case op.reopen:
		return lockerwire.DetailReopen
	case op.purpose == purposeDropOff || op.purpose == purposePickup:
		return op.purpose
	}
	return "staff"
}

// unlock pulses the box's lock. The boards do not answer an unlock, so when
// the call reports a failure the lock is read back: a door that did spring
// open counts as opened, never pulsed again.
func (e *Engine) unlock(ctx context.Context, c compartment) error {
	uctx, cancel := context.WithTimeout(ctx, boardTimeout)
	err := e.opts.Board.Unlock(uctx, c.Board, c.Lock-1)
	cancel()
	if err == nil {
		return nil
	}
	if st, serr := e.readBoard(ctx, c.Board); serr == nil && !st.Locks[c.Lock-1].Closed {
		return nil
	}
	return fmt.Errorf("unlock compartment %s (board %d, lock %d): %w", c.Label, c.Board, c.Lock, err)
}

// readBoard reads one board, noting when it stops or starts answering
// again (board_offline once, board_online when it is back).
func (e *Engine) readBoard(ctx context.Context, board int) (locker.BoardState, error) {
	rctx, cancel := context.WithTimeout(ctx, boardTimeout)
	st, err := e.opts.Board.State(rctx, board)
	cancel()
	if ctx.Err() != nil {
		return st, ctx.Err() // shutting down: not the board's fault
	}
	e.mu.Lock()
	was := e.offline[board]
	e.offline[board] = err != nil
	e.mu.Unlock()
	if was != (err != nil) {
		kind, detail := lockerwire.EventBoardOnline, fmt.Sprintf("board %d", board)
		if err != nil {
			kind, detail = lockerwire.EventBoardOffline, fmt.Sprintf("board %d: %v", board, err)
			e.log.Warn("kiosk: board offline", "board", board, "err", err)
		} else {
			e.log.Info("kiosk: board online", "board", board)
		}
		e.record(ctx, lockerwire.Event{Kind: kind, OccurredAt: e.now(), Actor: actorKiosk, Detail: detail})
	}
	if err != nil {
		return st, fmt.Errorf("read board %d: %w", board, err)
	}
	return st, nil
}

// record queues an event that goes with no state change.
func (e *Engine) record(ctx context.Context, ev lockerwire.Event) {
	err := e.store.tx(ctx, func(tx *store) error {
		_, err := tx.addEvent(ctx, ev)
		return err
	})
	if err != nil {
		e.log.Error("kiosk: queue event", "kind", ev.Kind, "err", err)
		return
	}
	kick(e.syncNow)
}
