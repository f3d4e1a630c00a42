package whatsapp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// Staff logging out a running account go through its own client: the
// account is unlinked, the session deleted and nothing reconnects.
func TestLogoutThroughTheRunningClient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		acc, f := r.runConnected("main", "48500100200")

		if err := r.mgr.Logout(context.Background(), acc.ID); err != nil {
			t.Fatal(err)
		}
		a := r.load(acc.ID)
		if a.State != hub.WAUnlinked || a.JID != "" || a.StateDetail != "logged out by staff" {
			t.Fatalf("after logout %+v", a)
		}
		if d, err := r.sessions.Device(context.Background(), acc.JID); err != nil || d != nil {
			t.Fatalf("session still stored: %v %v", d, err)
		}
		if _, ok := r.mgr.Client(acc.ID); ok || f.IsConnected() {
			t.Fatal("the client still runs")
		}
		if len(r.reg.All()) != 1 {
			t.Fatalf("a second client was made: %d", len(r.reg.All()))
		}
		r.assertNoReconnect(f, 1) // and the client Logout used was the running one
		if len(r.tasks()) != 0 {
			t.Fatalf("a staff logout raised tasks: %+v", r.tasks())
		}
		if err := r.mgr.Logout(context.Background(), acc.ID); !errors.Is(err, whatsapp.ErrNotLinked) {
			t.Fatalf("logging out an unlinked account: %v", err)
		}
	})
}

// Without a running session (the CLI), Logout connects the device itself.
func TestLogoutWithoutARunningSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		acc := r.linked("main", "48500100200")
		if err := r.mgr.Logout(context.Background(), acc.ID); err != nil {
			t.Fatal(err)
		}
		fakes := r.reg.All()
		if len(fakes) != 1 || fakes[0].Connects() != 1 || fakes[0].IsConnected() {
			t.Fatalf("logout client: %d made", len(fakes))
		}
		if a := r.load(acc.ID); a.State != hub.WAUnlinked || a.JID != "" {
			t.Fatalf("after logout %+v", a)
		}
		if d, _ := r.sessions.Device(context.Background(), acc.JID); d != nil {
			t.Fatal("session still stored")
		}
		if err := r.mgr.Logout(context.Background(), 999999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown account: %v", err)
		}
	})
}

// When WhatsApp cannot be told, the account is unlinked all the same and
// says what is left to do on the phone.
func TestLogoutWhenWhatsAppCannotBeReached(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		r.reg.Setup = func(f *watest.Fake) { f.ConnectErr = func(int) error { return errors.New("network is unreachable") } }
		acc := r.linked("main", "48500100200")
		if err := r.mgr.Logout(context.Background(), acc.ID); err != nil {
			t.Fatal(err)
		}
		a := r.load(acc.ID)
		if a.State != hub.WAUnlinked || a.JID != "" || !strings.Contains(a.StateDetail, "did not confirm") ||
			!strings.Contains(a.StateDetail, "remove the linked device on the phone") {
			t.Fatalf("after logout %+v", a)
		}
		if d, _ := r.sessions.Device(context.Background(), acc.JID); d != nil {
			t.Fatal("session still stored")
		}
	})
}
