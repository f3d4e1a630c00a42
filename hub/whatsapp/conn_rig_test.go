package whatsapp_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// connRig is a manager on a real store and a real session store, with the
// fake WhatsApp behind it: the connections' test bench.
type connRig struct {
	t        *testing.T
	st       *store.Store
	backend  storetest.Backend
	sessions *whatsapp.Sessions
	reg      *watest.Registry
	branch   hub.Branch
	opts     whatsapp.ManagerOptions
	mgr      *whatsapp.Manager
	gate     *connGate // when set (before run), the backoff waits for the test
}

// newConnRig opens the session store of the backend and makes a branch;
// the manager's options default to a fast reload and a tiny backoff.
func newConnRig(t *testing.T, st *store.Store, b storetest.Backend, opts whatsapp.ManagerOptions) *connRig {
	t.Helper()
	sessions, err := whatsapp.OpenSessions(context.Background(), b.DatabaseURL, b.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sessions.Close() })
	r := &connRig{t: t, st: st, backend: b, sessions: sessions, reg: &watest.Registry{Setup: watest.Pairable}}
	r.branch = hub.Branch{Code: "MSK1", Name: "Москва", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
	if err := st.CreateBranch(context.Background(), &r.branch); err != nil {
		t.Fatal(err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Reload == 0 {
		opts.Reload = 20 * time.Millisecond
	}
	if opts.Backoff == nil {
		opts.Backoff = func(attempt int) time.Duration {
			if r.gate != nil {
				return r.gate.backoff(attempt)
			}
			return time.Millisecond
		}
	}
	r.opts = opts
	r.mgr = whatsapp.NewManager(st, sessions, r.reg.NewClient, opts)
	return r
}

// run starts the manager until the test ends, and checks it then returns
// nil with every client disconnected.
func (r *connRig) run() {
	r.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.mgr.Run(ctx) }()
	r.t.Cleanup(func() {
		cancel()
		if r.gate != nil {
			close(r.gate.stop) // a session waiting at the gate moves on, and sees the end
		}
		select {
		case err := <-done:
			if err != nil {
				r.t.Errorf("Run: %v", err)
			}
		case <-time.After(20 * time.Second):
			r.t.Error("Run did not return after its context ended")
		}
		for _, f := range r.reg.All() {
			if f.IsConnected() {
				r.t.Errorf("a client of %v is still connected after Run returned", f.Device.ID)
			}
		}
	})
}

// account stores an unlinked account of the rig's branch.
func (r *connRig) account(name string) hub.WAAccount {
	r.t.Helper()
	a := hub.WAAccount{BranchID: r.branch.ID, Name: name}
	if err := r.st.CreateWAAccount(context.Background(), &a); err != nil {
		r.t.Fatal(err)
	}
	return a
}

// linked stores an account linked to a device of the number (digits), as
// a finished linking leaves it: the device saved, the row connecting.
func (r *connRig) linked(name, digits string) hub.WAAccount {
	r.t.Helper()
	a := r.account(name)
	jid := r.device(digits)
	if err := r.st.SetWALinked(context.Background(), a.ID, jid, "+"+digits); err != nil {
		r.t.Fatal(err)
	}
	return r.load(a.ID)
}

// device saves a linked device of the number in the session store.
func (r *connRig) device(digits string) string {
	r.t.Helper()
	d := r.sessions.NewDevice()
	jid := types.NewADJID(digits, 0, 3)
	d.ID = &jid
	watest.SignedByPhone(d) // as a linking leaves it
	if err := d.Save(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	return jid.String()
}

func (r *connRig) load(id int64) hub.WAAccount {
	r.t.Helper()
	a, err := r.st.WAAccount(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

// waitState waits until the account is in state.
func (r *connRig) waitState(id int64, state string) hub.WAAccount {
	r.t.Helper()
	var a hub.WAAccount
	watest.Eventually(r.t, "account in state "+state, func() bool { a = r.load(id); return a.State == state })
	return a
}

// fake waits for the newest client of the number whose Connect was called
// at least connects times.
func (r *connRig) fake(digits string, connects int) *watest.Fake {
	r.t.Helper()
	var f *watest.Fake
	watest.Eventually(r.t, "a client of "+digits+" connected", func() bool {
		f = r.reg.For(digits)
		return f != nil && f.Connects() >= connects
	})
	return f
}

// runConnected links an account to the number, runs the manager and waits
// until the account's client has connected: where most connection tests
// start.
func (r *connRig) runConnected(name, digits string) (hub.WAAccount, *watest.Fake) {
	r.t.Helper()
	acc := r.linked(name, digits)
	r.run()
	f := r.fake(digits, 1)
	r.waitState(acc.ID, hub.WAConnected)
	return acc, f
}

// tasks lists the open WhatsApp staff tasks of the branch.
func (r *connRig) tasks() []store.StaffTask {
	r.t.Helper()
	all, err := r.st.OpenStaffTasks(context.Background(), r.branch.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	var out []store.StaffTask
	for _, t := range all {
		if t.Kind == whatsapp.StaffTaskKind {
			out = append(out, t)
		}
	}
	return out
}

// wantTask checks there is exactly one WhatsApp task, saying want.
func (r *connRig) wantTask(want string) {
	r.t.Helper()
	tasks := r.tasks()
	if len(tasks) != 1 || !strings.Contains(tasks[0].Title, want) {
		r.t.Fatalf("staff tasks %+v, want one saying %q", tasks, want)
	}
}

// connClock is a clock a test moves; it counts reads, so a test can see a
// session is waiting (it reads the clock every reload).
type connClock struct {
	mu    sync.Mutex
	now   time.Time
	reads int
}

func (c *connClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads++
	return c.now
}

func (c *connClock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

func (c *connClock) readCount() int { c.mu.Lock(); defer c.mu.Unlock(); return c.reads }

// connGate is a Backoff a test releases one wait at a time, so it can look
// at the state between a disconnection and the reconnect.
type connGate struct {
	calls chan int
	open  chan struct{}
	stop  chan struct{}
}

// useGate makes the rig's backoff wait for the test; call it before run.
func (r *connRig) useGate() *connGate {
	r.gate = &connGate{calls: make(chan int, 100), open: make(chan struct{}), stop: make(chan struct{})}
	return r.gate
}

func (g *connGate) backoff(attempt int) time.Duration {
	g.calls <- attempt
	select {
	case <-g.open:
	case <-g.stop:
	}
	return time.Millisecond
}

// next waits for the session to ask for a backoff and returns the attempt.
func (g *connGate) next(t *testing.T) int {
	t.Helper()
	select {
	case n := <-g.calls:
		return n
	case <-time.After(15 * time.Second):
		t.Fatal("timed out waiting for a reconnect backoff")
		return 0
	}
}

func (g *connGate) release() { g.open <- struct{}{} }
