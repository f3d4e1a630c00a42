package kiosk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"naryad/lockerwire"
)

// closing is what a door closing means: the box's next state, the events
// it makes, and the screen the person who opened it goes to.
type closing struct {
	state       string
	workOrderID int64
	kinds       []string
	screen      string // "" for a remote opening: nobody at the kiosk is waiting
}

// closeRule decides what a closed door means, from why it was opened and
// whether the item sensor sees something.
func closeRule(c compartment, item bool) closing {
	wo, prev, prevWO := c.workOrder(), c.OpeningPrevState, deref(c.OpeningPrevWorkOrderID)
	switch c.OpeningPurpose {
	case purposeDropOff:
		if item {
			return closing{lockerwire.StateHeld, wo, []string{lockerwire.EventKeysReceived}, ScreenDone}
		}
		return closing{lockerwire.StateFree, 0, []string{lockerwire.EventNoItem}, ScreenNoItem}
	case purposePickup:
		switch {
		case item:
			return closing{lockerwire.StateAttention, wo, []string{lockerwire.EventItemLeft}, ScreenItemLeft}
		case prev == lockerwire.StateFree: // a reopen after the keys were already collected
			return closing{lockerwire.StateFree, 0, nil, ScreenDone}
		}
		return closing{lockerwire.StateFree, 0, []string{lockerwire.EventKeysCollected}, ScreenDone}
	case purposeStaffTake:
		if item { // staff changed their mind: the keys stay
			return closing{prev, prevWO, nil, ScreenStaffMenu}
		}
		return closing{lockerwire.StateWithStaff, wo, []string{lockerwire.EventKeysTaken}, ScreenStaffMenu}
	case purposeStaffReturn:
		if item {
			return closing{lockerwire.StateReady, wo, []string{lockerwire.EventKeysReturned}, ScreenStaffMenu}
		}
		return closing{prev, prevWO, nil, ScreenStaffMenu}
	}
	// Staff opening any box, or an admin's remote opening: the state follows
	// the sensor.
	screen := ScreenStaffMenu
	if c.OpeningPurpose == purposeRemote {
		screen = ""
	}
	holdsKeys := prev == lockerwire.StateHeld || prev == lockerwire.StateReady
	switch {
	case item && (holdsKeys || prev == lockerwire.StateAttention):
		return closing{prev, prevWO, nil, screen}
	case item: // something put into an empty box
		return closing{lockerwire.StateAttention, prevWO, nil, screen}
	case holdsKeys:
		return closing{lockerwire.StateWithStaff, prevWO, []string{lockerwire.EventKeysTaken}, screen}
	case prev == lockerwire.StateWithStaff:
		return closing{lockerwire.StateWithStaff, prevWO, nil, screen}
	}
	return closing{lockerwire.StateFree, 0, nil, screen}
}

// finishOpening applies a closed door to a box recorded open, with its
// events, in one transaction. Callers hold act.
func (e *Engine) finishOpening(ctx context.Context, c compartment, item bool) (closing, error) {
	out := closeRule(c, item)
	at := e.now()
	evWO := cmp.Or(c.workOrder(), deref(c.OpeningPrevWorkOrderID))
	detail := ""
	if c.OpeningReopen {
		detail = lockerwire.DetailReopen
	}
	kinds := out.kinds
	if c.OpeningAlarmed {
		kinds = append(kinds, lockerwire.EventDoorClosed)
	}
	next := c
	next.setState(out.state, out.workOrderID, at)
	next.DoorClosed, next.Item = true, item
	err := e.store.tx(ctx, func(tx *store) error {
		if err := tx.saveCompartment(ctx, &next); err != nil {
			return err
		}
		for _, kind := range kinds {
			_, err := tx.addEvent(ctx, lockerwire.Event{Kind: kind, OccurredAt: at, CompartmentID: c.ID,
				WorkOrderID: evWO, Actor: c.OpeningActor, Detail: detail})
			if err != nil {
				return err
			}
			if kind == lockerwire.EventKeysCollected {
				if err := e.killPIN(ctx, tx, evWO, at); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("close compartment %d: %w", c.ID, err)
	}
	e.log.Info("kiosk: door closed", "compartment", c.ID, "label", c.Label, "purpose", c.OpeningPurpose,
		"item", item, "state", out.state)
	kick(e.syncNow)
	return out, nil
}

// killPIN marks the work order's pickup PIN used: it opens nothing more,
// even before the hub hears of the collection.
func (e *Engine) killPIN(ctx context.Context, tx *store, workOrderID int64, at time.Time) error {
	var w workOrder
	err := notFound(tx.q(ctx).Take(&w, workOrderID).Error, "work order %d", workOrderID)
	if errors.Is(err, errNotFound) {
		return nil // no longer cached: the hub has closed it already
	}
	if err != nil {
		return err
	}
	return tx.markPINUsed(ctx, w, at)
}

// closed moves the screen on when the box that closed is the one the
// person at the kiosk opened.
func (e *Engine) closed(ctx context.Context, c compartment, out closing) {
	if out.screen == "" {
		return
	}
	var boxes []Box
	var loans []LoanKey
	if out.screen == ScreenStaffMenu {
		var err error
		if boxes, loans, err = e.staffLists(ctx); err != nil {
			e.log.Error("kiosk: staff menu", "err", err)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sess.compartmentID != c.ID || e.screen.Kind != ScreenDoorOpen {
		return
	}
	s := e.sess.doorScreen(out.screen, *c.OpeningAt)
	switch out.screen {
	case ScreenStaffMenu:
		s = Screen{Kind: ScreenStaffMenu, Mode: ModeStaff, StaffName: e.sess.staffName(), Boxes: boxes, LoanKeys: loans}
	default:
		if !e.sess.reopenUsed {
			s.ReopenUntil = e.now().Add(e.opts.ReopenWithin)
		}
	}
	e.show(s)
}

// staffLists lists every compartment for the staff menu, and the courtesy
// cars whose key staff may put in: the hub's loan entries marked Ready
// (the loan is offered) whose key no box holds.
func (e *Engine) staffLists(ctx context.Context) ([]Box, []LoanKey, error) {
	list, err := e.store.compartments(ctx)
	if err != nil {
		return nil, nil, err
	}
	entries, err := e.store.workOrders(ctx)
	if err != nil {
		return nil, nil, err
	}
	numbers := make(map[int64]string, len(entries))
	for _, w := range entries {
		numbers[w.ID] = w.Number
	}
	return boxesFor(list, numbers), loanKeysFor(list, entries), nil
}
