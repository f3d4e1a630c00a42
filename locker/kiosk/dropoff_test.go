package kiosk_test

import (
	"slices"
	"testing"

	"naryad/locker/kiosk"
	"naryad/lockerwire"
)

// The first drop-off goes to the smallest box, by label as read ("2" before
// "12"): box 13, lock index 2.
const firstBox, firstLock = 13, 2

func TestDropOffWithCodeReceivesKeys(t *testing.T) {
	r := newRig(t)
	r.start()
	s := r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: "111 111"})
	wantScreen(t, s, kiosk.ScreenDoorOpen, "")
	if s.Compartment != "2" || s.WorkOrderNumber != "АА-000101" || r.unlocks(firstLock) != 1 {
		t.Fatalf("opened %q for %q, unlocks %d", s.Compartment, s.WorkOrderNumber, r.unlocks(firstLock))
	}
	r.closeDoor(firstLock, true)
	s = r.waitScreen(kiosk.ScreenDone)
	if !s.ReopenUntil.Equal(r.clock.Now().Add(3 * 60e9)) {
		t.Fatalf("ReopenUntil %v", s.ReopenUntil)
	}
	if c := r.box(firstBox); c.State != lockerwire.StateHeld || c.WorkOrderID != 101 || !c.Item || !c.DoorClosed {
		t.Fatalf("box after drop-off: %+v", c)
	}
	if got := r.hub.kinds(); !slices.Contains(got, lockerwire.EventDoorOpened) || count(got, lockerwire.EventKeysReceived) != 1 {
		t.Fatalf("events %v", got)
	}
	for _, ev := range r.hub.events() {
		if ev.Kind == lockerwire.EventKeysReceived && (ev.WorkOrderID != 101 || ev.CompartmentID != firstBox || ev.Actor != "customer") {
			t.Fatalf("keys_received %+v", ev)
		}
	}
	if r.totalUnlocks() != 1 {
		t.Fatalf("%d unlocks", r.totalUnlocks())
	}
}

func TestDropOffWithOrderNumberAndPhone(t *testing.T) {
	r := newRig(t)
	r.start()
	s := r.submit(kiosk.ModeDropOff, kiosk.Entry{OrderNumber: "101", PhoneLast4: "4567"})
	wantScreen(t, s, kiosk.ScreenDoorOpen, "")
	s = r.submit(kiosk.ModeDropOff, kiosk.Entry{OrderNumber: "101", PhoneLast4: "0000"})
	wantScreen(t, s, kiosk.ScreenEntry, kiosk.ProblemWrongCode)
}

// Door closed on nothing: the customer may reopen once, then give up.
func TestDropOffNoItemReopenOnceThenGiveUp(t *testing.T) {
	r := newRig(t)
	r.start()
	r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101})
	r.closeDoor(firstLock, false)
	s := r.waitScreen(kiosk.ScreenNoItem)
	if s.ReopenUntil.IsZero() {
		t.Fatal("no reopen offered")
	}
	if c := r.box(firstBox); c.State != lockerwire.StateFree {
		t.Fatalf("box after an empty drop-off: %+v", c)
	}
	if err := r.e.Reopen(t.Context()); err != nil {
		t.Fatal(err)
	}
	wantScreen(t, r.e.Screen(), kiosk.ScreenDoorOpen, "")
	if r.unlocks(firstLock) != 2 {
		t.Fatalf("reopen: %d unlocks", r.unlocks(firstLock))
	}
	r.closeDoor(firstLock, false)
	s = r.waitScreen(kiosk.ScreenNoItem)
	if !s.ReopenUntil.IsZero() {
		t.Fatal("a second reopen offered")
	}
	if err := r.e.Reopen(t.Context()); err != nil {
		t.Fatal(err)
	}
	if r.unlocks(firstLock) != 2 {
		t.Fatal("reopened twice")
	}
	if err := r.e.Finish(t.Context()); err != nil {
		t.Fatal(err)
	}
	wantScreen(t, r.e.Screen(), kiosk.ScreenStart, "")
	r.sync()
	got := r.hub.kinds()
	if count(got, lockerwire.EventNoItem) != 2 || count(got, lockerwire.EventDropOffAborted) != 1 {
		t.Fatalf("events %v", got)
	}
	var details []string
	for _, ev := range r.hub.events() {
		if ev.Kind == lockerwire.EventDoorOpened {
			details = append(details, ev.Detail)
		}
	}
	if !slices.Equal(details, []string{"dropoff", "reopen"}) {
		t.Fatalf("door_opened details %v", details)
	}
	if c := r.box(firstBox); c.State != lockerwire.StateFree {
		t.Fatalf("box after giving up: %+v", c)
	}
}

// "I forgot something": a reopen after keys_received, closed with the keys
// still in, leaves the box held.
func TestDropOffReopenAfterDone(t *testing.T) {
	r := newRig(t)
	r.start()
	r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101})
	r.closeDoor(firstLock, true)
	r.waitScreen(kiosk.ScreenDone)
	if err := r.e.Reopen(t.Context()); err != nil {
		t.Fatal(err)
	}
	wantScreen(t, r.e.Screen(), kiosk.ScreenDoorOpen, "")
	r.closeDoor(firstLock, true)
	if s := r.waitScreen(kiosk.ScreenDone); !s.ReopenUntil.IsZero() {
		t.Fatal("reopen offered twice")
	}
	if c := r.box(firstBox); c.State != lockerwire.StateHeld || c.WorkOrderID != 101 {
		t.Fatalf("box %+v", c)
	}
	if r.unlocks(firstLock) != 2 {
		t.Fatalf("%d unlocks", r.unlocks(firstLock))
	}
}

// Reopen works only within ReopenWithin.
func TestReopenExpires(t *testing.T) {
	r := newRig(t)
	r.start()
	r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101})
	r.closeDoor(firstLock, true)
	r.waitScreen(kiosk.ScreenDone)
	r.clock.Add(3*60e9 + 1)
	if err := r.e.Reopen(t.Context()); err != nil {
		t.Fatal(err)
	}
	if r.unlocks(firstLock) != 1 || r.e.Screen().Kind != kiosk.ScreenDone {
		t.Fatal("reopened after ReopenWithin")
	}
}

func TestDropOffProblems(t *testing.T) {
	r := newRig(t)
	r.start()
	r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101})
	r.closeDoor(firstLock, true)
	r.waitScreen(kiosk.ScreenDone)

	wantScreen(t, r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101}), kiosk.ScreenEntry, kiosk.ProblemAlreadyIn)
	for _, in := range []kiosk.Entry{{}, {Code: "12"}, {Code: "12ab34"}, {OrderNumber: "101", PhoneLast4: "45"}, {OrderNumber: "AB", PhoneLast4: "4567"}} {
		s := r.submit(kiosk.ModeDropOff, in)
		wantScreen(t, s, kiosk.ScreenEntry, kiosk.ProblemBadFormat)
	}
	// Typing mistakes do not count towards the lockout.
	s := r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: "000000"})
	if s.Problem != kiosk.ProblemWrongCode || s.AttemptsLeft != 4 {
		t.Fatalf("after one wrong code: %+v", s)
	}
	if r.totalUnlocks() != 1 {
		t.Fatalf("%d unlocks", r.totalUnlocks())
	}
}

func TestDropOffNoFreeBox(t *testing.T) {
	r := newRig(t)
	r.hub.state.Compartments = testCompartments[:1]
	r.start()
	r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101})
	r.closeDoor(0, true)
	r.waitScreen(kiosk.ScreenDone)
	wantScreen(t, r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode102}), kiosk.ScreenEntry, kiosk.ProblemNoFreeBox)
	if r.totalUnlocks() != 1 {
		t.Fatalf("%d unlocks", r.totalUnlocks())
	}
}

// Home never changes a compartment: the door is still watched.
func TestHomeWhileDoorOpen(t *testing.T) {
	r := newRig(t)
	r.start()
	r.submit(kiosk.ModeDropOff, kiosk.Entry{Code: dropOffCode101})
	seq := r.e.Screen().Seq
	r.e.Home()
	s := r.e.Screen()
	wantScreen(t, s, kiosk.ScreenStart, "")
	if s.Seq <= seq {
		t.Fatal("Seq did not move")
	}
	r.closeDoor(firstLock, true)
	r.waitFor("keys received", func() bool { r.sync(); return count(r.hub.kinds(), lockerwire.EventKeysReceived) == 1 })
	wantScreen(t, r.e.Screen(), kiosk.ScreenStart, "")
}
