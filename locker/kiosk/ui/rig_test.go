package ui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"naryad/locker"
	"naryad/locker/kerong"
	"naryad/locker/kerong/sim"
	"naryad/locker/kiosk"
	"naryad/lockerwire"
)

// What the test customers and staff type.
const (
	dropOff101 = "111111" // АА-000101: paid, its pickup PIN works once its keys are back in a box
	pickup101  = "222222"
	dropOff102 = "333333" // АА-000102: not paid, no pickup PIN yet
	dropOff103 = "555555" // АА-000103: paid, keys not in the locker
	staffPIN   = "2468"
	wrongCode  = "000000"
)

// rigSite is the locker the hub describes.
var rigSite = lockerwire.Site{ID: 1, Name: "SAIK Locker", Locale: "ru", Branch: "Москва, Ленинский 1", Phone: "+7 495 123-45-67"}

// rigCompartments: two boxes on board 0; lock index = ID − 1. A drop-off
// takes the smallest free one, so box 1 first.
var rigCompartments = []lockerwire.Compartment{
	{ID: 1, Board: 0, Lock: 1, Size: lockerwire.SizeS, Label: "1"},
	{ID: 2, Board: 0, Lock: 2, Size: lockerwire.SizeM, Label: "2"},
}

// rigWorkOrder is a work order as the hub sends it: codes only as hashes.
func rigWorkOrder(id int64, number, phoneLast4, dropOff, pickup string, paid bool) lockerwire.WorkOrder {
	w := lockerwire.WorkOrder{ID: id, Number: number, Paid: paid, Ready: paid,
		OrderKeySalt: "k" + number, DropOffSalt: "d" + number}
	w.OrderKeyHash = lockerwire.Hash(w.OrderKeySalt, lockerwire.OrderKey(number, phoneLast4))
	w.DropOffHash = lockerwire.Hash(w.DropOffSalt, dropOff)
	if pickup != "" {
		w.PickupSalt = "p" + number
		w.PickupHash = lockerwire.Hash(w.PickupSalt, pickup)
	}
	return w
}

// memHub is the hub's end of the sync protocol in memory: the site, its
// work orders and staff, and every event the kiosk delivered (once each).
type memHub struct {
	mu     sync.Mutex
	state  lockerwire.SyncResponse
	events []lockerwire.Event
	seen   map[string]bool
}

func newMemHub() *memHub {
	return &memHub{seen: map[string]bool{}, state: lockerwire.SyncResponse{
		Digest:       "v1",
		Site:         rigSite,
		Compartments: slices.Clone(rigCompartments),
		WorkOrders: []lockerwire.WorkOrder{
			rigWorkOrder(101, "АА-000101", "4567", dropOff101, pickup101, true),
			rigWorkOrder(102, "АА-000102", "7654", dropOff102, "", false),
			rigWorkOrder(103, "АА-000103", "1111", dropOff103, "666666", true),
		},
		Staff: []lockerwire.StaffPIN{{UserID: 7, Login: "anna", Name: "Анна", PINSalt: "s7", PINHash: lockerwire.Hash("s7", staffPIN)}},
	}}
}

func (h *memHub) Sync(ctx context.Context, req lockerwire.SyncRequest) (lockerwire.SyncResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	resp := h.state
	resp.ServerTime = time.Now()
	for _, ev := range req.Events {
		if !h.seen[ev.ID] {
			h.seen[ev.ID] = true
			h.events = append(h.events, ev)
		}
		resp.Accepted = append(resp.Accepted, ev.ID)
	}
	return resp, nil
}

// count is how many events of a kind the hub holds.
func (h *memHub) count(kind string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, ev := range h.events {
		if ev.Kind == kind {
			n++
		}
	}
	return n
}

// jammable is the simulated board with a lock that may jam: the board
// answers, but a pulse opens nothing (the door stuck in its frame).
type jammable struct {
	locker.Board
	jammed atomic.Bool
}

var errJammed = errors.New("door did not open")

func (j *jammable) Unlock(ctx context.Context, board, index int) error {
	if j.jammed.Load() {
		return errJammed
	}
	return j.Board.Unlock(ctx, board, index)
}

// rigOptions shape a test kiosk.
type rigOptions struct {
	// pty drives the boards through the real driver on a pseudo-terminal,
	// as on the kiosk PC; otherwise the engine uses the sim's in-memory Board.
	pty            bool
	doorAlarmAfter time.Duration
	lockoutFor     time.Duration
}

// rig is a real kiosk engine running on a simulated locker.
type rig struct {
	sim    *sim.Sim
	board  *jammable
	hub    *memHub
	engine *kiosk.Engine
}

// startKiosk makes the engine, loads the hub's data and runs it until the
// test ends.
func startKiosk(t *testing.T, o rigOptions) *rig {
	t.Helper()
	r := &rig{sim: sim.New(1, sim.Options{}), hub: newMemHub()}
	r.board = &jammable{Board: r.sim.Board()}
	if o.pty {
		r.board.Board = openPTYBoard(t, r.sim)
	}
	if o.doorAlarmAfter == 0 {
		o.doorAlarmAfter = time.Minute
	}
	if o.lockoutFor == 0 {
		o.lockoutFor = time.Hour
	}
	e, err := kiosk.New(t.Context(), kiosk.Options{
		Board: r.board, Hub: r.hub, DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		PollEvery: 20 * time.Millisecond, IdleEvery: 50 * time.Millisecond, SyncEvery: 200 * time.Millisecond,
		DoorAlarmAfter: o.doorAlarmAfter, MaxWrongEntries: 5, LockoutFor: o.lockoutFor, ReopenWithin: time.Minute,
	})
	if err != nil {
		t.Fatalf("kiosk.New: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	if err := e.SyncNow(t.Context()); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	r.engine = e
	// t.Context ends before the cleanups run; Run is waited for (below)
	// before Close (above), as cleanups run last-registered first.
	done := make(chan error, 1)
	go func() { done <- e.Run(t.Context()) }()
	t.Cleanup(func() {
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("engine Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("engine Run did not stop within 10 s")
		}
	})
	return r
}

// openPTYBoard serves the sim on a pseudo-terminal and opens it with the
// real driver.
func openPTYBoard(t *testing.T, s *sim.Sim) locker.Board {
	t.Helper()
	p, err := sim.ListenPTY(t.Context(), s, "")
	if err != nil {
		t.Fatalf("sim on a pty: %v", err)
	}
	t.Cleanup(func() {
		p.Close()
		p.Wait()
	})
	d, err := kerong.Open(p.Path(), kerong.Options{})
	if err != nil {
		t.Fatalf("open %s with the driver: %v", p.Path(), err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// waitScreen waits until the engine shows a screen of kind.
func (r *rig) waitScreen(t *testing.T, kind string) kiosk.Screen {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := r.engine.Screen()
		if s.Kind == kind {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("screen %q not shown within 10 s; showing %+v", kind, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// unlocks is how many pulses the locker's locks received in all.
func (r *rig) unlocks() int {
	n := 0
	for _, c := range rigCompartments {
		n += r.sim.Unlocks(c.Board, c.Lock-1)
	}
	return n
}

// putIn and takeOut are a person at box id's door: the item in or out,
// then the door shut.
func (r *rig) putIn(id int64) {
	r.sim.SetItem(0, int(id-1), true)
	r.sim.CloseDoor(0, int(id-1))
}

func (r *rig) takeOut(id int64) {
	r.sim.SetItem(0, int(id-1), false)
	r.sim.CloseDoor(0, int(id-1))
}
