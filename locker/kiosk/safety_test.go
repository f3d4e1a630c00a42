package kiosk_test

import (
	"testing"
	"time"

	"naryad/locker/kiosk"
	"naryad/lockerwire"
)

func TestWrongEntriesLockOutAcrossRestart(t *testing.T) {
	r := newRig(t)
	r.open()
	// A success resets the count.
	for range 4 {
		r.submit(kiosk.ModePickup, kiosk.Entry{Code: "000000"})
	}
	r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode102})
	r.e.Home()
	for i := range 4 {
		s := r.submit(kiosk.ModeStaff, kiosk.Entry{Code: "0000"})
		if s.Problem != kiosk.ProblemWrongCode || s.AttemptsLeft != 4-i {
			t.Fatalf("wrong entry %d: %+v", i+1, s)
		}
	}
	s := r.submit(kiosk.ModePickup, kiosk.Entry{Code: "000000"})
	wantScreen(t, s, kiosk.ScreenLockedOut, "")
	until := r.clock.Now().Add(15 * time.Minute)
	if !s.LockedUntil.Equal(until) {
		t.Fatalf("locked until %v", s.LockedUntil)
	}

	r.restart()
	r.e.Begin(kiosk.ModeDropOff)
	wantScreen(t, r.e.Screen(), kiosk.ScreenLockedOut, "")
	if err := r.e.Submit(t.Context(), kiosk.Entry{Code: dropOffCode101}); err != nil {
		t.Fatal(err)
	}
	if r.totalUnlocks() != 1 { // the one drop-off before the lockout
		t.Fatalf("%d unlocks", r.totalUnlocks())
	}
	r.sync()
	if got := r.hub.kinds(); count(got, lockerwire.EventPINLockout) != 1 {
		t.Fatalf("events %v", got)
	}

	r.clock.Add(15 * time.Minute)
	r.e.Begin(kiosk.ModeDropOff)
	wantScreen(t, r.e.Screen(), kiosk.ScreenEntry, "")
	s = r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: "000000"})
	if s.AttemptsLeft != 4 {
		t.Fatalf("the count did not start again: %+v", s)
	}
}

func TestDoorLeftOpenAlarmsOnce(t *testing.T) {
	r := newRig(t)
	r.start()
	r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101})
	r.clock.Add(61 * time.Second)
	r.waitFor("alarm", func() bool { return r.e.Screen().Alarm })
	r.clock.Add(time.Minute)
	r.waitFor("a few more polls", func() bool { r.sync(); return count(r.hub.kinds(), lockerwire.EventDoorLeftOpen) == 1 })
	r.closeDoor(firstLock, true)
	r.waitScreen(kiosk.ScreenDone)
	r.sync()
	got := r.hub.kinds()
	if count(got, lockerwire.EventDoorLeftOpen) != 1 || count(got, lockerwire.EventDoorClosed) != 1 || count(got, lockerwire.EventKeysReceived) != 1 {
		t.Fatalf("events %v", got)
	}
}

// Power cut with a door open: the kiosk restarts after the customer put the
// keys in and shut the door; Run finishes the drop-off and opens nothing.
func TestRestartFinishesAnOpeningWithoutUnlocking(t *testing.T) {
	r := newRig(t)
	r.open()
	r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101})
	r.restart()
	r.closeDoor(firstLock, true)
	// Meanwhile someone left something in box 11, and box 12 is forced open.
	r.sim.SetItem(0, 0, true)
	r.sim.OpenDoor(0, 1)
	r.run()
	r.waitFor("rebuilt", func() bool { r.sync(); return count(r.hub.kinds(), lockerwire.EventStateRebuilt) == 1 })
	if c := r.box(firstBox); c.State != lockerwire.StateHeld || c.WorkOrderID != 101 {
		r.badBox(c)
	}
	if c := r.box(11); c.State != lockerwire.StateAttention {
		r.badBox(c)
	}
	got := r.hub.kinds()
	if count(got, lockerwire.EventKeysReceived) != 1 || count(got, lockerwire.EventUnexpected) != 2 {
		t.Fatalf("events %v", got)
	}
	if r.totalUnlocks() != 1 {
		t.Fatalf("%d unlocks: a restart opened a door", r.totalUnlocks())
	}
}

// Restart with keys recorded in a box the board now reports empty.
func TestRestartNeverUnlocks(t *testing.T) {
	r := newRig(t)
	r.start()
	r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101})
	r.closeDoor(firstLock, true)
	r.waitScreen(kiosk.ScreenDone)
	r.restart()
	r.sim.SetItem(0, firstLock, false)
	before := r.totalUnlocks()
	r.run()
	r.waitFor("unexpected state", func() bool { r.sync(); return count(r.hub.kinds(), lockerwire.EventUnexpected) == 1 })
	if c := r.box(firstBox); c.State != lockerwire.StateAttention || c.WorkOrderID != 101 {
		r.badBox(c)
	}
	if r.totalUnlocks() != before {
		t.Fatal("a restart opened a door")
	}
}

func TestBoardOffline(t *testing.T) {
	r := newRig(t)
	r.start()
	r.sim.SetOffline(0, true)
	r.waitFor("board offline", func() bool { r.sync(); return count(r.hub.kinds(), lockerwire.EventBoardOffline) == 1 })
	s := r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101})
	wantScreen(t, s, kiosk.ScreenOutOfOrder, "")
	if c := r.box(firstBox); c.State != lockerwire.StateFree {
		r.badBox(c)
	}
	r.e.Home()
	r.sim.SetOffline(0, false)
	r.waitFor("board online", func() bool { r.sync(); return count(r.hub.kinds(), lockerwire.EventBoardOnline) == 1 })
	if got := r.hub.kinds(); count(got, lockerwire.EventBoardOffline) != 1 || count(got, lockerwire.EventDoorOpened) != 0 {
		t.Fatalf("events %v", got)
	}
	wantScreen(t, r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101}), kiosk.ScreenDoorOpen, "")
	if r.totalUnlocks() != 1 {
		t.Fatalf("%d unlocks", r.totalUnlocks())
	}
}
