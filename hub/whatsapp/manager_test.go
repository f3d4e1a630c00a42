package whatsapp_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types/events"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// Linked accounts connect when the manager runs; unlinked, logged-out and
// replaced ones do not; Client finds only what this process runs.
func TestManagerRunsLinkedAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		main := r.linked("main", "48500100200")
		idle := r.account("idle")
		gone := r.linked("gone", "48500100300")
		if _, err := s.SetWAAccountState(context.Background(), gone.ID, hub.WAReplaced, "", nil); err != nil {
			t.Fatal(err)
		}
		r.run()

		f := r.fake("48500100200", 1)
		a := r.waitState(main.ID, hub.WAConnected)
		if a.StateDetail != "" || !f.IsConnected() {
			t.Fatalf("connected account %+v, fake connected %v", a, f.IsConnected())
		}
		if cli, ok := r.mgr.Client(main.ID); !ok || cli != f {
			t.Fatalf("Client(main) = %v %v, want the running fake", cli, ok)
		}
		// A later account is picked up by a reload, which proves reloads
		// ran; the others never got a client.
		later := r.linked("later", "48500100400")
		r.fake("48500100400", 1)
		r.waitState(later.ID, hub.WAConnected)
		for _, id := range []int64{idle.ID, gone.ID} {
			if _, ok := r.mgr.Client(id); ok {
				t.Errorf("account %d has a client", id)
			}
		}
		if r.reg.For("48500100300") != nil || len(r.reg.All()) != 2 {
			t.Fatalf("clients made: %d", len(r.reg.All()))
		}
		if len(r.tasks()) != 0 {
			t.Fatalf("tasks raised: %+v", r.tasks())
		}
	})
}

// A dropped connection is shown as disconnected and reconnected after the
// backoff; the count of attempts starts again after a good connection.
func TestDisconnectedAccountReconnectsWithBackoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		gate := r.useGate()
		acc, f := r.runConnected("main", "48500100200")

		for round := 1; round <= 2; round++ {
			f.Drop()
			if n := gate.next(t); n != 1 {
				t.Fatalf("round %d: backoff attempt %d, want 1 (reset after connecting)", round, n)
			}
			a := r.load(acc.ID)
			if a.State != hub.WADisconnected || !strings.Contains(a.StateDetail, "connection lost") {
				t.Fatalf("round %d: while waiting %+v", round, a)
			}
			if f.Connects() != round {
				t.Fatalf("round %d: reconnected before the backoff: %d connects", round, f.Connects())
			}
			gate.release()
			watest.Eventually(t, "reconnect", func() bool { return f.Connects() == round+1 })
			r.waitState(acc.ID, hub.WAConnected)
		}
		if len(r.tasks()) != 0 {
			t.Fatalf("a network loss raised tasks: %+v", r.tasks())
		}
	})
}

// Connection attempts that fail are retried with a growing backoff, the
// account showing why meanwhile.
func TestConnectErrorsAreRetried(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		gate := r.useGate()
		r.reg.Setup = func(f *watest.Fake) {
			f.ConnectErr = func(n int) error {
				if n <= 2 {
					return errors.New("dial tcp: network is unreachable")
				}
				return nil
			}
		}
		acc := r.linked("main", "48500100200")
		r.run()
		for want := 1; want <= 2; want++ {
			if n := gate.next(t); n != want {
				t.Fatalf("backoff attempt %d, want %d", n, want)
			}
			if a := r.load(acc.ID); a.State != hub.WADisconnected || !strings.Contains(a.StateDetail, "network is unreachable") {
				t.Fatalf("after failed attempt %d: %+v", want, a)
			}
			gate.release()
		}
		r.fake("48500100200", 3)
		r.waitState(acc.ID, hub.WAConnected)
	})
}

// The phone removing the device logs the account out for good: state
// logged_out, the device forgotten, one staff task, no reconnecting.
func TestLoggedOutAccountIsUnlinkedAndStaffAlerted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		acc, f := r.runConnected("main", "48500100200")

		f.Emit(&events.LoggedOut{OnConnect: true, Reason: events.ConnectFailureLoggedOut})
		a := r.waitState(acc.ID, hub.WALoggedOut)
		if a.JID != "" || !strings.Contains(a.StateDetail, "logged out from another device") {
			t.Fatalf("logged out account %+v", a)
		}
		r.wantTask("WhatsApp account «main» logged out: link it again")
		watest.Eventually(t, "the session to end", func() bool { _, ok := r.mgr.Client(acc.ID); return !ok })
		watest.Eventually(t, "the device to be deleted", func() bool {
			d, err := r.sessions.Device(context.Background(), acc.JID)
			return err == nil && d == nil
		})
		f.Emit(&events.LoggedOut{Reason: events.ConnectFailureLoggedOut}) // a repeat changes nothing
		r.assertNoReconnect(f, 1)
		r.wantTask("logged out")
	})
}

// assertNoReconnect links another account and waits until it connects
// (so reloads ran meanwhile), then checks f was not connected again and
// no other client took its number.
func (r *connRig) assertNoReconnect(f *watest.Fake, connects int) {
	r.t.Helper()
	clients := len(r.reg.All())
	other := r.linked("witness", "48500109999")
	r.fake("48500109999", 1)
	r.waitState(other.ID, hub.WAConnected)
	if f.Connects() != connects || len(r.reg.All()) != clients+1 {
		r.t.Fatalf("reconnected: %d connects, %d clients made (had %d)", f.Connects(), len(r.reg.All()), clients)
	}
}

// A temporary ban shows with its expiry and reason, alerts staff once,
// drops the connection and reconnects when the ban is over.
func TestBannedAccountWaitsOutTheBan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		t0 := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
		clock := &connClock{now: t0}
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{Now: clock.Now})
		acc, f := r.runConnected("main", "48500100200")

		f.Emit(&events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: 2 * time.Hour})
		a := r.waitState(acc.ID, hub.WABanned)
		if a.BanExpiresAt == nil || !a.BanExpiresAt.Equal(t0.Add(2*time.Hour)) || !strings.HasPrefix(a.StateDetail, "101:") {
			t.Fatalf("banned account %+v (expiry %v)", a, a.BanExpiresAt)
		}
		r.wantTask("WhatsApp account «main» is temporarily banned until 2025-03-10 14:00 MSK")
		watest.Eventually(t, "the banned client to be disconnected", func() bool { return !f.IsConnected() })
		// The session is waiting: it reads the clock again and again
		// without connecting.
		reads := clock.readCount()
		watest.Eventually(t, "the session to look at the clock", func() bool { return clock.readCount() >= reads+3 })
		if f.Connects() != 1 {
			t.Fatalf("connected during the ban: %d", f.Connects())
		}

		clock.set(t0.Add(2*time.Hour + time.Second))
		watest.Eventually(t, "reconnect after the ban", func() bool { return f.Connects() == 2 })
		a = r.waitState(acc.ID, hub.WAConnected)
		if a.BanExpiresAt != nil || a.StateDetail != "" {
			t.Fatalf("after the ban %+v", a)
		}
		r.wantTask("banned")
	})
}

// A hub restarted during a ban waits the rest of it before connecting.
func TestBanRecordedBeforeAStartIsWaitedOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		t0 := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
		clock := &connClock{now: t0}
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{Now: clock.Now})
		acc := r.linked("main", "48500100200")
		until := t0.Add(time.Hour)
		if _, err := s.SetWAAccountState(context.Background(), acc.ID, hub.WABanned, "101", &until); err != nil {
			t.Fatal(err)
		}
		r.run()
		watest.Eventually(t, "a client", func() bool { return r.reg.For("48500100200") != nil })
		watest.Eventually(t, "the session to look at the clock", func() bool { return clock.readCount() >= 3 })
		f := r.reg.For("48500100200")
		if f.Connects() != 0 {
			t.Fatalf("connected during the ban: %d", f.Connects())
		}
		clock.set(until)
		r.fake("48500100200", 1)
		r.waitState(acc.ID, hub.WAConnected)
	})
}

// Another session taking the keys over is shown and alerted, never
// fought; staff reconnect it by hand.
func TestReplacedAccountIsNotFoughtUntilReconnected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		acc, f := r.runConnected("main", "48500100200")
		ctx := context.Background()
		if err := r.mgr.Reconnect(ctx, acc.ID); err == nil || !strings.Contains(err.Error(), "only an account replaced") {
			t.Fatalf("Reconnect of a connected account: %v", err)
		}

		f.Emit(&events.StreamReplaced{})
		r.waitState(acc.ID, hub.WAReplaced)
		r.wantTask("WhatsApp account «main» was taken over by another session")
		watest.Eventually(t, "the session to end", func() bool { _, ok := r.mgr.Client(acc.ID); return !ok })
		r.assertNoReconnect(f, 1)

		if err := r.mgr.Reconnect(ctx, acc.ID); err != nil {
			t.Fatal(err)
		}
		watest.Eventually(t, "a new client", func() bool { g := r.reg.For("48500100200"); return g != f && g.Connects() == 1 })
		r.waitState(acc.ID, hub.WAConnected)
		r.wantTask("taken over")
	})
}

// The last events of a session whose account was linked to another device
// meanwhile (a race with a relinking) do not touch the account.
func TestEventsOfAnOldSessionLeaveTheAccountAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{Reload: time.Hour}) // only the first reload runs
		acc, f := r.runConnected("main", "48500100200")
		newJID := r.device("48500100777")
		if err := s.SetWALinked(context.Background(), acc.ID, newJID, "+48500100777"); err != nil {
			t.Fatal(err)
		}
		f.Emit(&events.StreamReplaced{})
		f.Emit(&events.LoggedOut{Reason: events.ConnectFailureLoggedOut})
		f.Emit(&events.TemporaryBan{Code: events.TempBanBlockedByUsers, Expire: time.Hour})
		if a := r.load(acc.ID); a.State != hub.WAConnecting || a.JID != newJID || a.BanExpiresAt != nil {
			t.Fatalf("the old session changed the account: %+v", a)
		}
		if len(r.tasks()) != 0 {
			t.Fatalf("the old session raised tasks: %+v", r.tasks())
		}
	})
}

// WhatsApp refusing the connection is shown and alerted; the session
// keeps retrying, except when it calls the client outdated (405).
func TestConnectFailureIsShownAndRetried(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		acc, f := r.runConnected("main", "48500100200")

		f.Emit(&events.ConnectFailure{Reason: events.ConnectFailureBadUserAgent, Message: "bad ua"})
		r.fake("48500100200", 2)
		r.waitState(acc.ID, hub.WAConnected)
		r.wantTask("WhatsApp account «main» cannot connect")
		tasks := r.tasks()
		if !strings.Contains(tasks[0].Body, "409: client user agent was rejected, bad ua") {
			t.Fatalf("task body %q", tasks[0].Body)
		}
		// 405 is not retried at once: see TestOutdatedClientIsShownAndNotRetriedInALoop.
		f.Emit(&events.ConnectFailure{Reason: events.ConnectFailureClientOutdated})
		r.waitState(acc.ID, hub.WAOutdated)
		if len(r.tasks()) != 2 || !strings.Contains(r.tasks()[1].Title, "refuses this naryad version") {
			t.Fatalf("tasks %+v", r.tasks())
		}
	})
}

// An account whose session store lost its device must be linked again.
func TestAccountWithoutItsSessionIsLoggedOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		acc := r.linked("main", "48500100200")
		if err := r.sessions.Delete(context.Background(), acc.JID); err != nil {
			t.Fatal(err)
		}
		r.run()
		a := r.waitState(acc.ID, hub.WALoggedOut)
		if a.JID != "" || len(r.reg.All()) != 0 {
			t.Fatalf("account %+v, %d clients", a, len(r.reg.All()))
		}
		r.wantTask("WhatsApp account «main» logged out: link it again")
	})
}

// Every event goes to the Handler with the account's session, and its
// answer is whatsmeow's ack; a Handler that panics stops nothing.
func TestHandlerGetsEventsAndPanicsStopNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		type seen struct {
			s   whatsapp.Session
			evt any
		}
		got := make(chan seen, 100)
		handler := func(sess whatsapp.Session, evt any) bool {
			got <- seen{sess, evt}
			if m, ok := evt.(*events.Message); ok {
				switch m.Info.ID {
				case "PANIC":
					panic("handler bug")
				case "REFUSE":
					return false
				}
			}
			return true
		}
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{Handler: handler})
		acc, f := r.runConnected("main", "48500100200")

		msg := watest.Direct(watest.PhoneJID("79161234567"), "OK", "Иван", watest.Text("Здравствуйте"))
		if !f.Emit(msg) {
			t.Fatal("a message the handler took is not acked")
		}
		var last seen
		watest.Eventually(t, "the message at the handler", func() bool {
			for {
				select {
				case last = <-got:
					if last.evt == msg {
						return true
					}
				default:
					return false
				}
			}
		})
		if last.s.Account.ID != acc.ID || last.s.Client != f || last.s.Device == nil || last.s.Device.ID.String() != acc.JID {
			t.Fatalf("session given to the handler: %+v", last.s)
		}
		if f.Emit(watest.Direct(watest.PhoneJID("79161234567"), "REFUSE", "Иван", watest.Text("?"))) {
			t.Fatal("a refused message is acked")
		}
		if f.Emit(watest.Direct(watest.PhoneJID("79161234567"), "PANIC", "Иван", watest.Text("!"))) {
			t.Fatal("a message whose handler panicked is acked")
		}
		// Still running: a drop is handled and reconnected.
		f.Drop()
		r.fake("48500100200", 2)
		r.waitState(acc.ID, hub.WAConnected)
	})
}
