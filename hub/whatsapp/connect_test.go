package whatsapp_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types/events"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// versionAsker is a WebVersion answer that counts how often it was asked.
type versionAsker struct {
	mu    sync.Mutex
	asked int
	v     wastore.WAVersionContainer
	err   error
}

func (a *versionAsker) ask(ctx context.Context) (wastore.WAVersionContainer, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked++
	if _, ok := ctx.Deadline(); !ok {
		return wastore.WAVersionContainer{}, errors.New("asked without a timeout")
	}
	return a.v, a.err
}

func (a *versionAsker) count() int { a.mu.Lock(); defer a.mu.Unlock(); return a.asked }

// keepVersion puts whatsmeow's process-wide version back after a test.
func keepVersion(t *testing.T) wastore.WAVersionContainer {
	builtIn := wastore.GetWAVersion()
	t.Cleanup(func() { wastore.SetWAVersion(builtIn) })
	return builtIn
}

// At start the manager asks WhatsApp for the current web version once,
// whatever number of accounts, reconnects and linkings follow, and every
// client then advertises it.
func TestManagerUsesTheCurrentWebVersionOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		builtIn := keepVersion(t)
		current := wastore.WAVersionContainer{2, 3000, builtIn[2] + 1}
		asker := &versionAsker{v: current}
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{WebVersion: asker.ask})
		r.linked("other", "48500100300")
		_, f := r.runConnected("main", "48500100200")
		if got := wastore.GetWAVersion(); got != current {
			t.Fatalf("clients advertise %s, want the current %s", got, current)
		}
		f.Drop()
		r.fake("48500100200", 2)
		r.fake("48500100300", 1)
		if n := asker.count(); n != 1 {
			t.Fatalf("asked for the version %d times, want once per process", n)
		}
	})
}

// When WhatsApp cannot be asked, the built-in version stays and the
// accounts connect all the same.
func TestManagerKeepsTheBuiltInVersionWhenAskingFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		builtIn := keepVersion(t)
		asker := &versionAsker{err: errors.New("dial tcp: lookup web.whatsapp.com: no such host")}
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{WebVersion: asker.ask})
		r.runConnected("main", "48500100200")
		if got := wastore.GetWAVersion(); got != builtIn || asker.count() != 1 {
			t.Fatalf("version %s after a failed ask (%d asks), want the built-in %s", got, asker.count(), builtIn)
		}
	})
}

// WhatsApp refusing the client as outdated (405) is its own state with a
// staff task; the session does not hammer WhatsApp but tries again after
// OutdatedRetry, and connects when WhatsApp accepts it again.
func TestOutdatedClientIsShownAndNotRetriedInALoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{OutdatedRetry: time.Hour})
		gate := r.useGate()
		r.reg.Setup = func(f *watest.Fake) {
			f.RefuseConnect = func(int) events.ConnectFailureReason { return events.ConnectFailureClientOutdated }
		}
		acc := r.linked("main", "48500100200")
		r.run()
		a := r.waitState(acc.ID, hub.WAOutdated)
		if !strings.Contains(a.StateDetail, "refuses this naryad version") {
			t.Fatalf("outdated account %+v", a)
		}
		r.wantTask("WhatsApp account «main»: WhatsApp refuses this naryad version: upgrade")
		f := r.fake("48500100200", 1)
		// Reloads keep running (every 20 ms here): none restarts the session
		// or connects again, and no backoff is asked for.
		later := r.linked("later", "48500100400")
		r.fake("48500100400", 1)
		r.waitState(later.ID, hub.WAOutdated)
		if n := f.Connects(); n != 1 {
			t.Fatalf("%d connects to a WhatsApp that refuses the version, want 1", n)
		}
		select {
		case n := <-gate.calls:
			t.Fatalf("an outdated client went into the reconnect backoff (attempt %d)", n)
		default:
		}
		if len(r.reg.All()) != 2 {
			t.Fatalf("%d clients made, want one per account", len(r.reg.All()))
		}
		if a := r.load(acc.ID); a.Usable() {
			t.Fatalf("an outdated account counts as usable: %+v", a)
		}
	})
}

// After OutdatedRetry the session tries again; once WhatsApp accepts the
// version the account is connected.
func TestOutdatedClientTriesAgainLater(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{OutdatedRetry: 30 * time.Millisecond})
		r.reg.Setup = func(f *watest.Fake) {
			f.RefuseConnect = func(n int) events.ConnectFailureReason {
				if n == 1 {
					return events.ConnectFailureClientOutdated
				}
				return 0
			}
		}
		acc := r.linked("main", "48500100200")
		r.run()
		f := r.fake("48500100200", 2)
		r.waitState(acc.ID, hub.WAConnected)
		// The state may have passed by faster than a look: the task stays.
		r.wantTask("refuses this naryad version")
		if n := f.Connects(); n != 2 {
			t.Fatalf("%d connects", n)
		}
	})
}

// A hub restarted (upgraded) with an account left outdated connects it at once.
func TestOutdatedAccountConnectsAtStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		acc := r.linked("main", "48500100200")
		if _, err := s.SetWAAccountState(context.Background(), acc.ID, hub.WAOutdated, "405", nil); err != nil {
			t.Fatal(err)
		}
		r.run()
		r.fake("48500100200", 1)
		r.waitState(acc.ID, hub.WAConnected)
	})
}

// A linking WhatsApp wants confirmed with a passkey ends at once, saying
// what staff can do instead, with a task for the admin page's linkings.
func TestLinkAskedForAPasskeyEndsWithAdvice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		r.reg.Setup = func(f *watest.Fake) {
			watest.Pairable(f)
			f.QRCodes = []string{"2@ref-one,noise,identity,adv"}
			f.PairResult = &whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventPasskeyRequest,
				PasskeyRequest: &events.PairPasskeyRequest{}}
		}
		acc := r.account("main")
		r.run()
		done := r.linking(context.Background(), acc.ID, "", &shown{})
		r.waitCode(acc.ID, "2@ref-one,noise,identity,adv")
		r.reg.All()[0].ScanQR()
		err := waitErr(t, done)
		if !errors.Is(err, whatsapp.ErrLinkPasskey) {
			t.Fatalf("Link = %v, want ErrLinkPasskey", err)
		}
		if a := r.load(acc.ID); a.JID != "" || a.LinkCode != "" {
			t.Fatalf("account after a refused linking %+v", a)
		}
		r.wantTask("WhatsApp account «main» could not be linked")
		if body := r.tasks()[0].Body; !strings.Contains(body, "link by phone number") {
			t.Fatalf("task body %q", body)
		}
	})
}

// A linked session that hears of a passkey goes on.
func TestPasskeyEventsDoNotStopASession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		acc, f := r.runConnected("main", "48500100200")
		f.Emit(&events.PairPasskeyRequest{})
		f.Emit(&events.PairPasskeyError{Error: errors.New("no")})
		f.Drop()
		r.fake("48500100200", 2)
		r.waitState(acc.ID, hub.WAConnected)
	})
}
