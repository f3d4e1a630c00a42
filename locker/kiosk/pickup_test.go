package kiosk_test

import (
	"testing"

	"naryad/locker/kiosk"
	"naryad/lockerwire"
)

// keysReady drops off work order 101's keys, lets staff take them and put
// them back for pickup; it returns the ready box's lock index.
func (r *rig) keysReady() int {
	r.t.Helper()
	r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101})
	r.closeDoor(firstLock, true)
	r.waitScreen(kiosk.ScreenDone)
	r.e.Home()

	s := r.submit(kiosk.ModeStaff, kiosk.Entry{Code: staffPIN})
	wantScreen(r.t, s, kiosk.ScreenStaffMenu, "")
	if s.StaffName != "Иван" || len(s.Boxes) != 3 {
		r.t.Fatalf("staff menu %+v", s)
	}
	if err := r.e.StaffTake(r.t.Context(), firstBox); err != nil {
		r.t.Fatal(err)
	}
	wantScreen(r.t, r.e.Screen(), kiosk.ScreenDoorOpen, "")
	r.closeDoor(firstLock, false)
	r.waitScreen(kiosk.ScreenStaffMenu)
	if c := r.box(firstBox); c.State != lockerwire.StateWithStaff || c.WorkOrderID != 101 {
		r.badBox(c)
	}
	if err := r.e.StaffReturn(r.t.Context(), "аа-101"); err != nil {
		r.t.Fatal(err)
	}
	wantScreen(r.t, r.e.Screen(), kiosk.ScreenDoorOpen, "")
	r.closeDoor(firstLock, true) // the box that held them before is reused
	r.waitScreen(kiosk.ScreenStaffMenu)
	if c := r.box(firstBox); c.State != lockerwire.StateReady || c.WorkOrderID != 101 {
		r.badBox(c)
	}
	r.e.Home()
	return firstLock
}

func (r *rig) badBox(c lockerwire.CompartmentState) { r.t.Helper(); r.t.Fatalf("box %+v", c) }

func TestStaffTakeReturnThenPickupKillsThePIN(t *testing.T) {
	r := newRig(t)
	r.start()
	lock := r.keysReady()
	s := r.submit(kiosk.ModePickup, kiosk.Entry{Code: pickupPIN101})
	wantScreen(t, s, kiosk.ScreenDoorOpen, "")
	r.closeDoor(lock, false)
	r.waitScreen(kiosk.ScreenDone)
	if c := r.box(firstBox); c.State != lockerwire.StateFree || c.WorkOrderID != 0 {
		r.badBox(c)
	}
	kinds := r.hub.kinds()
	for _, k := range []string{lockerwire.EventKeysReceived, lockerwire.EventKeysTaken, lockerwire.EventKeysReturned, lockerwire.EventKeysCollected} {
		if count(kinds, k) != 1 {
			t.Fatalf("%s: events %v", k, kinds)
		}
	}
	for _, ev := range r.hub.events() {
		if ev.Kind == lockerwire.EventKeysTaken && ev.Actor != "staff:ivan" {
			t.Fatalf("keys_taken by %q", ev.Actor)
		}
	}

	// The hub still hands out the same PIN (it may not have caught up), and
	// the keys are back in a ready box: the PIN is dead all the same.
	r.sync()
	r.keysBackForPickup()
	unlocks := r.totalUnlocks()
	s = r.submit(kiosk.ModePickup, kiosk.Entry{Code: pickupPIN101})
	wantScreen(t, s, kiosk.ScreenEntry, kiosk.ProblemWrongCode)
	if r.totalUnlocks() != unlocks {
		t.Fatal("a used PIN opened a door")
	}
}

// keysBackForPickup: staff return 101's keys into a free box again.
func (r *rig) keysBackForPickup() {
	r.t.Helper()
	r.submit(kiosk.ModeStaff, kiosk.Entry{Code: staffPIN})
	if err := r.e.StaffReturn(r.t.Context(), "101"); err != nil {
		r.t.Fatal(err)
	}
	s := r.e.Screen()
	wantScreen(r.t, s, kiosk.ScreenDoorOpen, "")
	lock := map[string]int{"1": 0, "12": 1, "2": 2}[s.Compartment]
	r.closeDoor(lock, true)
	r.waitScreen(kiosk.ScreenStaffMenu)
	r.e.Home()
}

func TestPickupRefusals(t *testing.T) {
	r := newRig(t)
	r.start()
	// 102 is not paid: number and phone say so, and so does its PIN.
	wantScreen(t, r.submit(kiosk.ModePickup, kiosk.Entry{OrderNumber: "АА-000102", PhoneLast4: "7654"}), kiosk.ScreenEntry, kiosk.ProblemNotPaid)
	wantScreen(t, r.submit(kiosk.ModePickup, kiosk.Entry{Code: pickupPIN102}), kiosk.ScreenEntry, kiosk.ProblemNotPaid)
	// 101 is paid but its keys are not in the locker yet.
	wantScreen(t, r.submit(kiosk.ModePickup, kiosk.Entry{Code: pickupPIN101}), kiosk.ScreenEntry, kiosk.ProblemNotReady)
	wantScreen(t, r.submit(kiosk.ModePickup, kiosk.Entry{OrderNumber: "101", PhoneLast4: "4567"}), kiosk.ScreenEntry, kiosk.ProblemNotReady)
	r.keysReady()
	unlocks := r.totalUnlocks()
	// Ready and paid, but number and phone never open a door.
	wantScreen(t, r.submit(kiosk.ModePickup, kiosk.Entry{OrderNumber: "101", PhoneLast4: "4567"}), kiosk.ScreenEntry, kiosk.ProblemUsePIN)
	// A drop-off code is not a pickup PIN.
	wantScreen(t, r.submit(kiosk.ModePickup, kiosk.Entry{Code: dropOffCode101}), kiosk.ScreenEntry, kiosk.ProblemWrongCode)
	if r.totalUnlocks() != unlocks {
		t.Fatal("a refused pickup opened a door")
	}
}

func TestPickupItemLeft(t *testing.T) {
	r := newRig(t)
	r.start()
	lock := r.keysReady()
	r.submit(kiosk.ModePickup, kiosk.Entry{Code: pickupPIN101})
	r.closeDoor(lock, true)
	s := r.waitScreen(kiosk.ScreenItemLeft)
	if s.ReopenUntil.IsZero() {
		t.Fatal("no reopen offered")
	}
	if err := r.e.Finish(t.Context()); err != nil {
		t.Fatal(err)
	}
	wantScreen(t, r.e.Screen(), kiosk.ScreenStart, "")
	if c := r.box(firstBox); c.State != lockerwire.StateAttention || c.WorkOrderID != 101 {
		r.badBox(c)
	}
	kinds := r.hub.kinds()
	if count(kinds, lockerwire.EventItemLeft) != 1 || count(kinds, lockerwire.EventKeysCollected) != 0 {
		t.Fatalf("events %v", kinds)
	}
}

// Reopen after item_left, then the box closed empty: the keys are collected.
func TestPickupReopenAfterItemLeft(t *testing.T) {
	r := newRig(t)
	r.start()
	lock := r.keysReady()
	r.submit(kiosk.ModePickup, kiosk.Entry{Code: pickupPIN101})
	r.closeDoor(lock, true)
	r.waitScreen(kiosk.ScreenItemLeft)
	if err := r.e.Reopen(t.Context()); err != nil {
		t.Fatal(err)
	}
	wantScreen(t, r.e.Screen(), kiosk.ScreenDoorOpen, "")
	r.closeDoor(lock, false)
	r.waitScreen(kiosk.ScreenDone)
	if c := r.box(firstBox); c.State != lockerwire.StateFree {
		r.badBox(c)
	}
	if count(r.hub.kinds(), lockerwire.EventKeysCollected) != 1 {
		t.Fatalf("events %v", r.hub.kinds())
	}
}

// Staff opening any box: the state follows the sensor.
func TestStaffOpenFollowsTheSensor(t *testing.T) {
	r := newRig(t)
	r.start()
	r.submit(kiosk.ModeStaff, kiosk.Entry{Code: staffPIN})
	if err := r.e.StaffOpen(t.Context(), 11); err != nil {
		t.Fatal(err)
	}
	r.closeDoor(0, true)
	r.waitScreen(kiosk.ScreenStaffMenu)
	if c := r.box(11); c.State != lockerwire.StateAttention {
		r.badBox(c)
	}
	if err := r.e.StaffOpen(t.Context(), 11); err != nil {
		t.Fatal(err)
	}
	r.closeDoor(0, false)
	s := r.waitScreen(kiosk.ScreenStaffMenu)
	if c := r.box(11); c.State != lockerwire.StateFree {
		r.badBox(c)
	}
	if s.Boxes[0].Label != "1" || s.Boxes[0].State != lockerwire.StateFree {
		t.Fatalf("boxes %+v", s.Boxes)
	}
	if r.unlocks(0) != 2 {
		t.Fatalf("%d unlocks", r.unlocks(0))
	}
	// Staff actions need the staff menu on screen.
	r.e.Home()
	if err := r.e.StaffOpen(t.Context(), 11); err != nil || r.unlocks(0) != 2 {
		t.Fatalf("opened without a staff session: %v", err)
	}
}

func TestStaffReturnProblems(t *testing.T) {
	r := newRig(t)
	r.start()
	r.submit(kiosk.ModeStaff, kiosk.Entry{Code: staffPIN})
	for number, problem := range map[string]string{"999": kiosk.ProblemUnknownOrder, "abc": kiosk.ProblemBadFormat} {
		if err := r.e.StaffReturn(t.Context(), number); err != nil {
			t.Fatal(err)
		}
		wantScreen(t, r.e.Screen(), kiosk.ScreenStaffMenu, problem)
	}
	if r.totalUnlocks() != 0 {
		t.Fatal("door opened")
	}
}
