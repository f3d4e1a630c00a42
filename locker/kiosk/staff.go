package kiosk

import (
	"context"
	"errors"
	"fmt"

	"naryad/lockerwire"
)

// staffSignIn: a staff PIN opens the staff menu.
func (e *Engine) staffSignIn(ctx context.Context, sess session, in Entry) error {
	pins, err := e.store.staffPINs(ctx)
	if err != nil {
		return err
	}
	for _, p := range pins {
		if !lockerwire.Matches(p.PINHash, p.PINSalt, in.Code) {
			continue
		}
		if err := e.rightEntry(ctx); err != nil {
			return err
		}
		e.log.Info("kiosk: staff signed in", "login", p.Login)
		return e.staffMenu(ctx, sess, "", func(s *session) { s.staff = &p })
	}
	return e.wrongEntry(ctx, sess)
}

// staffMenu shows the staff menu, with a problem if any.
func (e *Engine) staffMenu(ctx context.Context, sess session, problem string, update func(*session)) error {
	boxes, loans, err := e.staffLists(ctx)
	if err != nil {
		return err
	}
	name := sess.staffName()
	if update != nil {
		next := sess
		update(&next)
		name = next.staffName()
	}
	e.showFor(sess.gen, Screen{Kind: ScreenStaffMenu, Mode: ModeStaff, StaffName: name, Boxes: boxes, LoanKeys: loans, Problem: problem}, update)
	return nil
}

// staffSession returns the signed-in staff session, or ok false when the
// staff menu is no longer on screen (a tap from a page that has moved on).
func (e *Engine) staffSession() (session, bool) {
	sess, scr := e.current()
	return sess, sess.staff != nil && scr.Kind == ScreenStaffMenu
}

func (sess session) staffActor() string { return "staff:" + sess.staff.Login }

// StaffTake opens a box holding a customer's keys so staff can take them;
// once it closes empty the keys are with staff (keys_taken).
func (e *Engine) StaffTake(ctx context.Context, compartmentID int64) error {
	e.act.Lock()
	defer e.act.Unlock()
	sess, ok := e.staffSession()
	if !ok {
		return nil
	}
	c, err := e.store.compartment(ctx, compartmentID)
	if err != nil {
		return fmt.Errorf("staff take: %w", err)
	}
	if c.State != lockerwire.StateHeld && c.State != lockerwire.StateReady {
		return e.staffMenu(ctx, sess, "", nil) // it changed under the menu: show it as it is
	}
	return e.openFor(ctx, sess, opening{box: c, purpose: purposeStaffTake, actor: sess.staffActor(),
		workOrderID: c.workOrder()}, e.numberOf(ctx, c.workOrder()))
}

// StaffReturn opens a box for staff to put a work order's keys back for
// pickup; the number is matched by its digits, as customers type it. The
// box that held them before is preferred if it is still empty.
func (e *Engine) StaffReturn(ctx context.Context, orderNumber string) error {
	e.act.Lock()
	defer e.act.Unlock()
	sess, ok := e.staffSession()
	if !ok {
		return nil
	}
	key := lockerwire.OrderKey(orderNumber, "")
	if key == "|" {
		return e.staffMenu(ctx, sess, ProblemBadFormat, nil)
	}
	list, err := e.store.workOrders(ctx)
	if err != nil {
		return err
	}
	var w *workOrder
	for i := range list {
		// A courtesy car's key is put in from its own button: the digits
		// of a plate must never stand for a work order's number.
		if !lockerwire.IsLoanKeys(list[i].ID) && lockerwire.OrderKey(list[i].Number, "") == key {
			w = &list[i]
			break
		}
	}
	if w == nil {
		return e.staffMenu(ctx, sess, ProblemUnknownOrder, nil)
	}
	return e.putBack(ctx, sess, *w)
}

// StaffPutLoanKey opens a box for staff to put a courtesy car's key in for
// its customer (the staff menu's LoanKeys): as StaffReturn, for the
// loan's entry. A loan the hub no longer lists as waiting for its key is
// refused as an unknown number.
func (e *Engine) StaffPutLoanKey(ctx context.Context, loanID int64) error {
	e.act.Lock()
	defer e.act.Unlock()
	sess, ok := e.staffSession()
	if !ok {
		return nil
	}
	var w workOrder
	err := errNotFound
	if loanID > 0 {
		err = notFound(e.store.q(ctx).Take(&w, lockerwire.LoanKeysID(loanID)).Error, "loan %d", loanID)
	}
	switch {
	case errors.Is(err, errNotFound) || (err == nil && !w.Ready):
		return e.staffMenu(ctx, sess, ProblemUnknownOrder, nil)
	case err != nil:
		return fmt.Errorf("staff put loan key: %w", err)
	}
	return e.putBack(ctx, sess, w)
}

// putBack opens the box a work order's keys (or a loan's key) go back into
// for pickup: the one that held them if still empty, else a free one.
func (e *Engine) putBack(ctx context.Context, sess session, w workOrder) error {
	_, keysIn, err := e.store.boxOf(ctx, w.ID, lockerwire.StateHeld, lockerwire.StateReady, lockerwire.StateOpen)
	if err != nil {
		return err
	}
	if keysIn {
		return e.staffMenu(ctx, sess, ProblemAlreadyIn, nil)
	}
	box, ok, err := e.store.boxOf(ctx, w.ID, lockerwire.StateWithStaff)
	if err == nil && !ok {
		box, ok, err = e.store.freeBox(ctx)
	}
	if err != nil {
		return err
	}
	if !ok {
		return e.staffMenu(ctx, sess, ProblemNoFreeBox, nil)
	}
	return e.openFor(ctx, sess, opening{box: box, purpose: purposeStaffReturn, actor: sess.staffActor(),
		workOrderID: w.ID}, w.Number)
}

// StaffOpen opens any box (to clear a wrong item, to check); on closing its
// state follows the item sensor.
func (e *Engine) StaffOpen(ctx context.Context, compartmentID int64) error {
	e.act.Lock()
	defer e.act.Unlock()
	sess, ok := e.staffSession()
	if !ok {
		return nil
	}
	c, err := e.store.compartment(ctx, compartmentID)
	if err != nil {
		return fmt.Errorf("staff open: %w", err)
	}
	if c.State == lockerwire.StateOpen {
		return e.staffMenu(ctx, sess, "", nil)
	}
	return e.openFor(ctx, sess, opening{box: c, purpose: purposeStaffOpen, actor: sess.staffActor(),
		workOrderID: c.workOrder()}, e.numberOf(ctx, c.workOrder()))
}

// numberOf is a cached work order's number, "" when unknown.
func (e *Engine) numberOf(ctx context.Context, workOrderID int64) string {
	if workOrderID == 0 {
		return ""
	}
	numbers, err := e.store.workOrderNumbers(ctx)
	if err != nil {
		e.log.Error("kiosk: work order numbers", "err", err)
		return ""
	}
	return numbers[workOrderID]
}
