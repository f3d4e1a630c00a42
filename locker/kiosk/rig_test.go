package kiosk_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"naryad/locker/kerong/sim"
	"naryad/locker/kiosk"
	"naryad/lockerwire"
)

// Codes the test customers and staff type.
const (
	dropOffCode101 = "111111"
	pickupPIN101   = "222222"
	dropOffCode102 = "333333"
	pickupPIN102   = "444444"
	staffPIN       = "9999"
)

// Compartments of the test locker, all on board 0: lock index = lock − 1.
var testCompartments = []lockerwire.Compartment{
	{ID: 11, Board: 0, Lock: 1, Size: lockerwire.SizeM, Label: "1"},
	{ID: 12, Board: 0, Lock: 2, Size: lockerwire.SizeS, Label: "12"},
	{ID: 13, Board: 0, Lock: 3, Size: lockerwire.SizeS, Label: "2"},
}

func workOrder(id int64, number, phoneLast4, dropOff, pickup string, paid bool) lockerwire.WorkOrder {
	w := lockerwire.WorkOrder{ID: id, Number: number, Paid: paid, Ready: paid,
		OrderKeySalt: "ok" + number, DropOffSalt: "do" + number}
	w.OrderKeyHash = lockerwire.Hash(w.OrderKeySalt, lockerwire.OrderKey(number, phoneLast4))
	w.DropOffHash = lockerwire.Hash(w.DropOffSalt, dropOff)
	if pickup != "" {
		w.PickupSalt = "pu" + number
		w.PickupHash = lockerwire.Hash(w.PickupSalt, pickup)
	}
	return w
}

// fakeHub is the hub's end of the sync protocol, in memory: it stores each
// event once by its ID, like lockerhub, and can fail or lose its answer.
type fakeHub struct {
	mu         sync.Mutex
	state      lockerwire.SyncResponse // site, compartments, work orders, staff, commands
	fail       bool                    // refuse every request, storing nothing
	loseAnswer bool                    // store the events, then fail (the answer lost on the way)
	acceptMax  int                     // accept at most this many events per request (0 = all)
	stored     map[string]lockerwire.Event
	order      []string // stored event IDs in arrival order
	deliveries int      // events received, counting re-sends
	last       lockerwire.SyncRequest
}

func newFakeHub() *fakeHub {
	return &fakeHub{
		stored: map[string]lockerwire.Event{},
		state: lockerwire.SyncResponse{
			Site:         lockerwire.Site{ID: 1, Name: "Locker A", Locale: "ru", Branch: "Москва"},
			Compartments: slices.Clone(testCompartments),
			WorkOrders: []lockerwire.WorkOrder{
				workOrder(101, "АА-000101", "4567", dropOffCode101, pickupPIN101, true),
				workOrder(102, "АА-000102", "7654", dropOffCode102, pickupPIN102, false),
			},
			Staff: []lockerwire.StaffPIN{{UserID: 5, Login: "ivan", Name: "Иван", PINSalt: "s5", PINHash: lockerwire.Hash("s5", staffPIN)}},
		},
	}
}

var errHubDown = errors.New("hub unreachable")

func (h *fakeHub) Sync(ctx context.Context, req lockerwire.SyncRequest) (lockerwire.SyncResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = req
	if h.fail {
		return lockerwire.SyncResponse{}, errHubDown
	}
	resp := h.state
	resp.Accepted = []string{}
	for i, ev := range req.Events {
		if h.acceptMax > 0 && i >= h.acceptMax {
			break
		}
		h.deliveries++
		if _, ok := h.stored[ev.ID]; !ok {
			h.stored[ev.ID] = ev
			h.order = append(h.order, ev.ID)
		}
		resp.Accepted = append(resp.Accepted, ev.ID)
	}
	if h.loseAnswer {
		h.loseAnswer = false
		return lockerwire.SyncResponse{}, errHubDown
	}
	body, _ := json.Marshal([]any{resp.Site, resp.Compartments, resp.WorkOrders, resp.Staff})
	sum := sha256.Sum256(body)
	resp.Digest = hex.EncodeToString(sum[:])
	if req.Known == resp.Digest {
		resp.Unchanged = true
		resp.Compartments, resp.WorkOrders, resp.Staff = nil, nil, nil
	}
	resp.ServerTime = time.Now()
	return resp, nil
}

func (h *fakeHub) set(fn func(h *fakeHub)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fn(h)
}

// events lists the stored events in arrival order.
func (h *fakeHub) events() []lockerwire.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]lockerwire.Event, 0, len(h.order))
	for _, id := range h.order {
		out = append(out, h.stored[id])
	}
	return out
}

func (h *fakeHub) kinds() []string {
	var out []string
	for _, ev := range h.events() {
		out = append(out, ev.Kind)
	}
	return out
}

func (h *fakeHub) lastRequest() lockerwire.SyncRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

// clock is a test clock the engine reads through Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rig is a kiosk on a simulated board with a fake hub.
type rig struct {
	t     *testing.T
	sim   *sim.Sim
	hub   *fakeHub
	clock *clock
	dir   string
	e     *kiosk.Engine
	stop  func()
}

func newRig(t *testing.T) *rig {
	t.Helper()
	return &rig{t: t, sim: sim.New(1, sim.Options{}), hub: newFakeHub(),
		clock: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, dir: t.TempDir()}
}

func (r *rig) options() kiosk.Options {
	return kiosk.Options{
		Board: r.sim.Board(), Hub: r.hub, DataDir: r.dir, Now: r.clock.Now,
		Logger:    slog.New(slog.NewTextHandler(debugOut(), nil)),
		PollEvery: 2 * time.Millisecond, IdleEvery: 5 * time.Millisecond, SyncEvery: time.Hour,
		DoorAlarmAfter: time.Minute, MaxWrongEntries: 5, LockoutFor: 15 * time.Minute, ReopenWithin: 3 * time.Minute,
	}
}

// open makes the engine (New) and loads the hub's caches, without Run.
func (r *rig) open() *kiosk.Engine {
	r.t.Helper()
	e, err := kiosk.New(r.t.Context(), r.options())
	if err != nil {
		r.t.Fatal(err)
	}
	r.e = e
	r.t.Cleanup(func() { e.Close() })
	r.hub.set(func(h *fakeHub) { h.fail = false })
	if err := e.SyncNow(r.t.Context()); err != nil {
		r.t.Fatal(err)
	}
	return e
}

// start opens the engine and runs it until the test ends or r.stop.
func (r *rig) start() *kiosk.Engine {
	r.t.Helper()
	e := r.open()
	r.run()
	return e
}

func (r *rig) run() {
	ctx, cancel := context.WithCancel(r.t.Context())
	done := make(chan error, 1)
	go func() { done <- r.e.Run(ctx) }()
	r.stop = func() {
		cancel()
		if err := <-done; err != nil {
			r.t.Errorf("Run: %v", err)
		}
		r.stop = func() {}
	}
	r.t.Cleanup(func() { r.stop() })
}

// restart stops and closes the engine, then opens a new one on kiosk.db.
func (r *rig) restart() *kiosk.Engine {
	r.t.Helper()
	if r.stop != nil {
		r.stop()
	}
	if err := r.e.Close(); err != nil {
		r.t.Fatal(err)
	}
	e, err := kiosk.New(r.t.Context(), r.options())
	if err != nil {
		r.t.Fatal(err)
	}
	r.e = e
	r.t.Cleanup(func() { e.Close() })
	return e
}

// waitFor polls until ok holds (bounded), failing with what it last saw.
func (r *rig) waitFor(what string, ok func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %s; screen %+v", what, r.e.Screen())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (r *rig) waitScreen(kind string) kiosk.Screen {
	r.t.Helper()
	r.waitFor("screen "+kind, func() bool { return r.e.Screen().Kind == kind })
	return r.e.Screen()
}

func (r *rig) submit(mode kiosk.Mode, in kiosk.Entry) kiosk.Screen {
	r.t.Helper()
	r.e.Begin(mode)
	if err := r.e.Submit(r.t.Context(), in); err != nil {
		r.t.Fatal(err)
	}
	return r.e.Screen()
}

func (r *rig) sync() {
	r.t.Helper()
	if err := r.e.SyncNow(r.t.Context()); err != nil {
		r.t.Fatal(err)
	}
}

// box is the kiosk's view of one compartment, as the hub last got it (in
// the last request, answered or not).
func (r *rig) box(id int64) lockerwire.CompartmentState {
	r.t.Helper()
	// The snapshot is read from the request, which a hub that is down still
	// records; any other failed sync would leave an older one to read.
	if err := r.e.SyncNow(r.t.Context()); err != nil && !errors.Is(err, errHubDown) {
		r.t.Fatalf("sync for the snapshot of compartment %d: %v", id, err)
	}
	for _, c := range r.hub.lastRequest().Compartments {
		if c.ID == id {
			return c
		}
	}
	r.t.Fatalf("compartment %d not in the snapshot", id)
	return lockerwire.CompartmentState{}
}

// closeDoor puts an item in (or not) and shuts the door of lock index i.
func (r *rig) closeDoor(i int, item bool) {
	r.sim.SetItem(0, i, item)
	r.sim.CloseDoor(0, i)
}

func (r *rig) unlocks(i int) int { return r.sim.Unlocks(0, i) }

func (r *rig) totalUnlocks() int {
	n := 0
	for i := range 16 {
		n += r.unlocks(i)
	}
	return n
}

// count tells how many stored events have kind.
func count(kinds []string, kind string) int {
	n := 0
	for _, k := range kinds {
		if k == kind {
			n++
		}
	}
	return n
}

func wantScreen(t *testing.T, s kiosk.Screen, kind, problem string) {
	t.Helper()
	if s.Kind != kind || s.Problem != problem {
		t.Fatalf("screen %s/%q, want %s/%q (%+v)", s.Kind, s.Problem, kind, problem, s)
	}
}

func debugOut() io.Writer {
	if os.Getenv("KIOSK_DEBUG") != "" {
		return os.Stderr
	}
	return io.Discard
}
