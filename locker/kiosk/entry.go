package kiosk

import (
	"context"
	"errors"
	"strings"

	"naryad/lockerwire"
)

// Entry is what a person typed: a code (drop-off code, pickup PIN or staff
// PIN), or a work-order number and the last four digits of their phone.
type Entry struct {
	Code        string
	OrderNumber string
	PhoneLast4  string
}

// Lengths a typed code may have: pickup PINs have 6 digits; drop-off codes
// and staff PINs are the hub's choice within these bounds.
const (
	minCodeDigits = 4
	maxCodeDigits = 12
)

// normalised drops the spaces and dashes people type between digits.
func (in Entry) normalised() Entry {
	strip := strings.NewReplacer(" ", "", "-", "", "\t", "")
	return Entry{Code: strip.Replace(in.Code), OrderNumber: strings.TrimSpace(in.OrderNumber),
		PhoneLast4: strip.Replace(in.PhoneLast4)}
}

// formatProblem tells a typing mistake from a wrong code: a mistake is not
// counted towards the lockout.
func (in Entry) formatProblem(mode Mode) string {
	if in.Code != "" {
		if !allDigits(in.Code) || len(in.Code) < minCodeDigits || len(in.Code) > maxCodeDigits {
			return ProblemBadFormat
		}
		return ""
	}
	if mode == ModeStaff || !strings.ContainsAny(in.OrderNumber, "0123456789") ||
		len(in.PhoneLast4) != 4 || !allDigits(in.PhoneLast4) {
		return ProblemBadFormat
	}
	return ""
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Submit checks what the person typed on the entry screen and opens a box
// or shows what is wrong. Mistakes end up in Screen.Problem; the error is
// only for internal failures (kiosk.db).
func (e *Engine) Submit(ctx context.Context, in Entry) error {
	e.act.Lock()
	defer e.act.Unlock()
	sess, scr := e.current()
	if scr.Kind != ScreenEntry {
		return nil // a form from a screen that has moved on
	}
	if e.locked() {
		e.showFor(sess.gen, Screen{Kind: ScreenLockedOut, Mode: sess.mode, LockedUntil: e.lockedUntilNow()}, nil)
		return nil
	}
	in = in.normalised()
	if p := in.formatProblem(sess.mode); p != "" {
		e.problem(sess, p)
		return nil
	}
	switch sess.mode {
	case ModeDropOff:
		return e.dropOff(ctx, sess, in)
	case ModePickup:
		return e.pickup(ctx, sess, in)
	case ModeStaff:
		return e.staffSignIn(ctx, sess, in)
	}
	return nil
}

// problem shows the entry screen again with a problem to fix.
func (e *Engine) problem(sess session, problem string) {
	e.showFor(sess.gen, Screen{Kind: ScreenEntry, Mode: sess.mode, Problem: problem}, nil)
}

// dropOff: a drop-off code, or number and phone, opens a free box.
func (e *Engine) dropOff(ctx context.Context, sess session, in Entry) error {
	w, ok, err := e.matchWorkOrder(ctx, in, func(w workOrder) (string, string) { return w.DropOffHash, w.DropOffSalt })
	if err != nil {
		return err
	}
	if !ok {
		return e.wrongEntry(ctx, sess)
	}
	if err := e.rightEntry(ctx); err != nil {
		return err
	}
	_, keysIn, err := e.store.boxOf(ctx, w.ID, lockerwire.StateHeld, lockerwire.StateReady, lockerwire.StateOpen)
	if err != nil {
		return err
	}
	if keysIn {
		e.problem(sess, ProblemAlreadyIn)
		return nil
	}
	box, ok, err := e.store.freeBox(ctx)
	if err != nil {
		return err
	}
	if !ok {
		e.problem(sess, ProblemNoFreeBox)
		return nil
	}
	return e.openFor(ctx, sess, opening{box: box, purpose: purposeDropOff, actor: actorCustomer, workOrderID: w.ID}, w.Number)
}

// pickup: only the pickup PIN opens a door; a number and phone only tell
// the customer where they stand.
func (e *Engine) pickup(ctx context.Context, sess session, in Entry) error {
	w, ok, err := e.matchWorkOrder(ctx, in, func(w workOrder) (string, string) { return w.PickupHash, w.PickupSalt })
	if err != nil {
		return err
	}
	if ok && in.Code != "" {
		// A PIN that has emptied its box is dead here at once, whatever
		// the hub's cache still says.
		used, err := e.store.pinUsed(ctx, w.PickupHash)
		if err != nil {
			return err
		}
		ok = !used
	}
	if !ok {
		return e.wrongEntry(ctx, sess)
	}
	if err := e.rightEntry(ctx); err != nil {
		return err
	}
	if !w.Paid {
		e.problem(sess, ProblemNotPaid)
		return nil
	}
	box, ready, err := e.store.boxOf(ctx, w.ID, lockerwire.StateReady)
	if err != nil {
		return err
	}
	switch {
	case !ready:
		e.problem(sess, ProblemNotReady)
		return nil
	case in.Code == "":
		e.problem(sess, ProblemUsePIN)
		return nil
	}
	return e.openFor(ctx, sess, opening{box: box, purpose: purposePickup, actor: actorCustomer, workOrderID: w.ID}, w.Number)
}

// matchWorkOrder finds the work order whose code (code picks drop-off or
// pickup) or number-and-phone key matches the entry.
func (e *Engine) matchWorkOrder(ctx context.Context, in Entry, code func(workOrder) (hash, salt string)) (workOrder, bool, error) {
	list, err := e.store.workOrders(ctx)
	if err != nil {
		return workOrder{}, false, err
	}
	key := lockerwire.OrderKey(in.OrderNumber, in.PhoneLast4)
	for _, w := range list {
		if in.Code != "" {
			if hash, salt := code(w); lockerwire.Matches(hash, salt, in.Code) {
				return w, true, nil
			}
		} else if lockerwire.Matches(w.OrderKeyHash, w.OrderKeySalt, key) {
			return w, true, nil
		}
	}
	return workOrder{}, false, nil
}

// openFor opens a box for the person at the kiosk and shows the open door,
// or what went wrong with the board.
func (e *Engine) openFor(ctx context.Context, sess session, op opening, number string) error {
	openedAt, err := e.openDoor(ctx, op)
	var be *boardError
	if errors.As(err, &be) {
		e.log.Warn("kiosk: door did not open", "compartment", op.box.ID, "err", err)
		e.mu.Lock()
		if e.sess.gen == sess.gen {
			s := e.screen
			s.Problem = ProblemBoardFailed
			if be.offline {
				s = Screen{Kind: ScreenOutOfOrder, Mode: sess.mode}
			}
			e.show(s)
		}
		e.mu.Unlock()
		return nil
	}
	if err != nil {
		return err
	}
	next := sess
	next.compartmentID, next.purpose, next.workOrderID = op.box.ID, op.purpose, op.workOrderID
	next.workOrderNumber, next.label = number, op.box.Label
	next.reopenUsed = sess.reopenUsed || op.reopen
	e.showFor(sess.gen, next.doorScreen(ScreenDoorOpen, openedAt), func(s *session) { *s = next })
	return nil
}
