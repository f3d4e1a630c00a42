//go:build linux || darwin

package station_test

import (
	"strconv"
	"testing"
	"time"

	"naryad/locker"
	"naryad/locker/kerong/sim"
	"naryad/locker/kiosk"
)

// front is a person at the kiosk's screen and the doors in front of them:
// taps go to the engine, hands go to the simulated boards. Every locker in
// these tests has one board, so box label n is lock index n−1 on board 0.
type front struct {
	t      *testing.T
	e      *kiosk.Engine
	boards *sim.Sim
}

// opens runs a tap that must open exactly one door with exactly one unlock
// pulse, and returns that door's lock index.
func (f *front) opens(what string, tap func() error) int {
	f.t.Helper()
	before := f.unlocks()
	if err := tap(); err != nil {
		f.t.Fatalf("%s: %v", what, err)
	}
	s := f.e.Screen()
	if s.Kind != kiosk.ScreenDoorOpen {
		f.t.Fatalf("%s: screen %s/%q, want %s (%+v)", what, s.Kind, s.Problem, kiosk.ScreenDoorOpen, s)
	}
	label, err := strconv.Atoi(s.Compartment)
	if err != nil || label < 1 || label > locker.LocksPerBoard {
		f.t.Fatalf("%s: box %q is not on board 0", what, s.Compartment)
	}
	i := label - 1
	after := f.unlocks()
	for j := range after {
		want := before[j]
		if j == i {
			want++
		}
		if after[j] != want {
			f.t.Fatalf("%s: lock %d pulsed %d times, want %d (box %s opened)", what, j+1, after[j]-before[j], want-before[j], s.Compartment)
		}
	}
	return i
}

// enter begins mode at the start screen and types code.
func (f *front) enter(mode kiosk.Mode, code string) error {
	f.e.Begin(mode)
	return f.e.Submit(f.t.Context(), kiosk.Entry{Code: code})
}

// shut leaves an item in box i or not, closes its door and waits for the
// screen it leads to.
func (f *front) shut(i int, item bool, want string) kiosk.Screen {
	f.t.Helper()
	f.boards.SetItem(0, i, item)
	f.boards.CloseDoor(0, i)
	waitUntil(f.t, 5*time.Second, func() string { return "screen " + want + ", have " + f.e.Screen().Kind },
		func() bool { return f.e.Screen().Kind == want })
	return f.e.Screen()
}

// box finds a box of the staff menu by its work order and state.
func (f *front) box(number, state string) kiosk.Box {
	f.t.Helper()
	for _, b := range f.e.Screen().Boxes {
		if b.WorkOrderNumber == number && b.State == state {
			return b
		}
	}
	f.t.Fatalf("staff menu has no %s box of %s: %+v", state, number, f.e.Screen())
	return kiosk.Box{}
}

// sync runs one sync with the hub and fails the test unless it worked.
func (f *front) sync() {
	f.t.Helper()
	if err := f.e.SyncNow(f.t.Context()); err != nil {
		f.t.Fatalf("kiosk sync: %v", err)
	}
}

func (f *front) unlocks() []int {
	out := make([]int, locker.LocksPerBoard)
	for i := range out {
		out[i] = f.boards.Unlocks(0, i)
	}
	return out
}

func (f *front) totalUnlocks() int {
	n := 0
	for _, u := range f.unlocks() {
		n += u
	}
	return n
}
