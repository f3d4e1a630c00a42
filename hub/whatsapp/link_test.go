package whatsapp_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// linkJID is the device JID the fake gives a linked phone by default.
const linkJID = "48500100200:7@s.whatsapp.net"

// shown collects what Link shows.
type shown struct {
	mu    sync.Mutex
	codes []string
}

func (s *shown) show(code string, expires time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes = append(s.codes, code)
}

func (s *shown) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.codes...)
}

// linking runs Link in the background; the result comes on the channel.
func (r *connRig) linking(ctx context.Context, id int64, phone string, sh *shown) <-chan error {
	done := make(chan error, 1)
	go func() { done <- r.mgr.Link(ctx, id, phone, sh.show) }()
	return done
}

func waitErr(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(15 * time.Second):
		t.Fatal("Link did not return")
		return nil
	}
}

// waitCode waits until the account shows the link code.
func (r *connRig) waitCode(id int64, code string) hub.WAAccount {
	r.t.Helper()
	var a hub.WAAccount
	watest.Eventually(r.t, "link code "+code, func() bool { a = r.load(id); return a.LinkCode == code })
	return a
}

// Linking by QR code: every code is published on the account; a scan links
// it (JID, number, connecting) and the running manager connects it.
func TestLinkByQRCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{Reload: time.Hour}) // connected at once, not by a tick
		r.reg.Setup = func(f *watest.Fake) {
			watest.Pairable(f)
			f.QRCodes = []string{"2@ref-one,noise,identity,adv", "2@ref-two,noise,identity,adv"}
		}
		acc := r.account("main")
		r.run()
		sh := &shown{}
		done := r.linking(context.Background(), acc.ID, "", sh)
		a := r.waitCode(acc.ID, "2@ref-two,noise,identity,adv")
		if a.LinkExpiresAt == nil || !a.LinkExpiresAt.After(time.Now()) || a.State != hub.WAUnlinked {
			t.Fatalf("while linking %+v", a)
		}
		if got := sh.list(); len(got) != 2 || got[0] != "2@ref-one,noise,identity,adv" {
			t.Fatalf("shown %q", got)
		}
		linker := r.reg.All()[0]
		linker.ScanQR()
		if err := waitErr(t, done); err != nil {
			t.Fatal(err)
		}
		a = r.load(acc.ID)
		if a.JID != linkJID || a.Phone != "+48500100200" || a.LinkCode != "" || a.LinkExpiresAt != nil {
			t.Fatalf("linked account %+v", a)
		}
		if linker.IsConnected() {
			t.Fatal("the linking client is still connected")
		}
		watest.Eventually(t, "the manager's client", func() bool { f := r.reg.For("48500100200"); return f != linker && f.Connects() == 1 })
		r.waitState(acc.ID, hub.WAConnected)
	})
}

// Linking by phone number shows the pairing code instead of QR codes.
func TestLinkByPhoneNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		r.reg.Setup = func(f *watest.Fake) {
			watest.Pairable(f)
			f.QRCodes = []string{"2@ref-one,noise,identity,adv"}
		}
		acc := r.account("main")
		sh := &shown{}
		done := r.linking(context.Background(), acc.ID, "+48500100200", sh)
		r.waitCode(acc.ID, "FAKE-CODE")
		if got := sh.list(); len(got) != 1 || got[0] != "FAKE-CODE" {
			t.Fatalf("shown %q, want only the pairing code", got)
		}
		if err := r.reg.All()[0].Pair(context.Background(), watest.PhoneJID("48500100200")); err != nil {
			t.Fatal(err)
		}
		if err := waitErr(t, done); err != nil {
			t.Fatal(err)
		}
		if a := r.load(acc.ID); a.Phone != "+48500100200" || a.State != hub.WAConnecting || a.LinkCode != "" {
			t.Fatalf("linked account %+v", a)
		}
	})
}

// A linking nobody completes, or that fails, clears the code and says why;
// bad requests are refused before anything starts.
func TestLinkEndsCleanlyWithoutAPhone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		r.reg.Setup = func(f *watest.Fake) {
			watest.Pairable(f)
			f.QRCodes = []string{"2@ref-one,noise,identity,adv"}
		}
		acc := r.account("main")

		ctx, cancel := context.WithCancel(context.Background())
		done := r.linking(ctx, acc.ID, "", &shown{})
		r.waitCode(acc.ID, "2@ref-one,noise,identity,adv")
		cancel() // the time is up
		if err := waitErr(t, done); !errors.Is(err, whatsapp.ErrLinkTimeout) {
			t.Fatalf("timed out linking: %v", err)
		}
		if a := r.load(acc.ID); a.LinkCode != "" || a.LinkExpiresAt != nil || a.State != hub.WAUnlinked {
			t.Fatalf("after the timeout %+v", a)
		}

		r.reg.Setup = func(f *watest.Fake) {
			f.QRCodes = []string{"2@ref-one,noise,identity,adv"}
			f.PairResult = &whatsmeow.QRChannelTimeout
		}
		done = r.linking(context.Background(), acc.ID, "", &shown{})
		r.waitCode(acc.ID, "2@ref-one,noise,identity,adv")
		r.reg.All()[1].ScanQR()
		if err := waitErr(t, done); !errors.Is(err, whatsapp.ErrLinkTimeout) {
			t.Fatalf("codes ran out: %v", err)
		}
		if a := r.load(acc.ID); a.LinkCode != "" {
			t.Fatalf("code left after the codes ran out: %+v", a)
		}
		for _, fake := range r.reg.All() {
			if fake.IsConnected() {
				t.Fatal("a linking client is left connected")
			}
		}

		before := len(r.reg.All())
		for _, c := range []struct {
			id    int64
			phone string
			want  string
		}{
			{acc.ID, "48500100200", "not an international number"},
			{acc.ID, "+48 500", "not an international number"},
			{999999, "", "not found"},
		} {
			err := r.mgr.Link(context.Background(), c.id, c.phone, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Link(%d, %q): %v, want %q", c.id, c.phone, err, c.want)
			}
		}
		if len(r.reg.All()) != before {
			t.Fatal("a refused linking made a client")
		}
	})
}

// StartLink links in the background for the admin page; a second linking
// of the same account is refused while one runs.
func TestStartLinkRunsInTheBackground(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{Reload: time.Hour})
		r.reg.Setup = func(f *watest.Fake) {
			watest.Pairable(f)
			f.QRCodes = []string{"2@ref-one,noise,identity,adv"}
		}
		acc := r.account("main")
		r.run()
		if err := r.mgr.StartLink(acc.ID, ""); err != nil {
			t.Fatal(err)
		}
		r.waitCode(acc.ID, "2@ref-one,noise,identity,adv")
		if err := r.mgr.StartLink(acc.ID, ""); !errors.Is(err, whatsapp.ErrBusy) {
			t.Fatalf("a second linking: %v", err)
		}
		if err := r.mgr.StartLink(acc.ID, "123"); err == nil {
			t.Fatal("a bad number is not refused")
		}
		r.reg.All()[0].ScanQR()
		// (Registry.For only once the fake has paired: it writes the
		// device's JID without its lock.)
		watest.Eventually(t, "the account linked", func() bool { return r.load(acc.ID).JID == linkJID })
		r.fake("48500100200", 1)
		r.waitState(acc.ID, hub.WAConnected)
	})
}

// Linking an account again to another phone stops the old session and
// deletes its device.
func TestRelinkReplacesTheOldSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		acc := r.linked("main", "48500100300")
		r.run()
		old := r.fake("48500100300", 1)
		r.waitState(acc.ID, hub.WAConnected)
		r.reg.Setup = func(f *watest.Fake) {
			watest.Pairable(f)
			f.QRCodes = []string{"2@ref-one,noise,identity,adv"}
		}
		done := r.linking(context.Background(), acc.ID, "", &shown{})
		r.waitCode(acc.ID, "2@ref-one,noise,identity,adv")
		r.reg.All()[1].ScanQR()
		if err := waitErr(t, done); err != nil {
			t.Fatal(err)
		}
		if old.IsConnected() {
			t.Fatal("the old session still runs")
		}
		if d, err := r.sessions.Device(context.Background(), acc.JID); err != nil || d != nil {
			t.Fatalf("the old device is still stored: %v %v", d, err)
		}
		r.fake("48500100200", 1)
		if a := r.waitState(acc.ID, hub.WAConnected); a.JID != linkJID {
			t.Fatalf("relinked account %+v", a)
		}
	})
}
