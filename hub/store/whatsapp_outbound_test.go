package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestWAContactChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		const phone = "+79161234567"
		if _, err := s.WAContactCheck(ctx, phone); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("never checked: %v, want ErrNotFound", err)
		}
		if off, err := s.NumberOffWhatsApp(ctx, phone, time.Hour); err != nil || off {
			t.Fatalf("never checked: off=%v %v, want not known to be off", off, err)
		}
		now := time.Now().UTC().Truncate(time.Second)
		save := func(on bool, jid string, at time.Time) {
			t.Helper()
			if err := s.SaveWAContactCheck(ctx, store.WAContactCheck{Phone: phone, OnWhatsApp: on, JID: jid, CheckedAt: at}); err != nil {
				t.Fatal(err)
			}
		}
		save(false, "", now.Add(-2*time.Hour))
		if off, _ := s.NumberOffWhatsApp(ctx, phone, 3*time.Hour); !off {
			t.Fatal("a check two hours ago said off, not seen within three hours")
		}
		if off, _ := s.NumberOffWhatsApp(ctx, phone, time.Hour); off {
			t.Fatal("a check two hours old counted within one hour")
		}
		save(true, "79161234567@s.whatsapp.net", now)
		save(false, "", now.Add(-time.Minute)) // an older answer arriving late
		c, err := s.WAContactCheck(ctx, phone)
		if err != nil || !c.OnWhatsApp || c.JID != "79161234567@s.whatsapp.net" || !c.CheckedAt.Equal(now) {
			t.Fatalf("check = %+v %v, want the newest (on WhatsApp)", c, err)
		}
		if off, _ := s.NumberOffWhatsApp(ctx, phone, 3*time.Hour); off {
			t.Fatal("number on WhatsApp reported off")
		}
	})
}

func TestWAThreadAccountAndChats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		if _, err := s.ThreadWAAccount(ctx, f.Thread.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unbound thread: %v, want ErrNotFound", err)
		}
		a, b := hub.WAAccount{BranchID: f.Branch.ID, Name: "a"}, hub.WAAccount{BranchID: f.Branch.ID, Name: "b"}
		for _, acc := range []*hub.WAAccount{&a, &b} {
			if err := s.CreateWAAccount(ctx, acc); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range []int64{a.ID, b.ID} {
			if err := s.BindThreadToWAAccount(ctx, f.Thread.ID, id); err != nil {
				t.Fatal(err)
			}
			if got, err := s.ThreadWAAccount(ctx, f.Thread.ID); err != nil || got.ID != id || got.Name == "" {
				t.Fatalf("thread account = %+v %v, want %d", got, err, id)
			}
		}

		now := time.Now().UTC()
		for i, phone := range []string{"+79160000001", "+79160000002", "+79160000003"} {
			if err := s.RecordOutboundWAChat(ctx, a.ID, phone, now.Add(-time.Duration(i*12)*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		// A chat the account had stays as it was.
		if err := s.RecordOutboundWAChat(ctx, a.ID, "+79160000003", now); err != nil {
			t.Fatal(err)
		}
		if n, err := s.WANewChatsSince(ctx, a.ID, now.Add(-24*time.Hour).Add(time.Second)); err != nil || n != 2 {
			t.Fatalf("new chats in the last 24 h = %d %v, want 2 (the third started 24 h ago)", n, err)
		}
		if n, _ := s.WANewChatsSince(ctx, b.ID, now.Add(-48*time.Hour)); n != 0 {
			t.Fatalf("account b has %d new chats, want 0", n)
		}
		for _, tc := range []struct {
			acc   int64
			phone string
			want  bool
		}{{a.ID, "+79160000001", true}, {a.ID, "+79169999999", false}, {b.ID, "+79160000001", false}} {
			if got, err := s.WAChatKnown(ctx, tc.acc, tc.phone); err != nil || got != tc.want {
				t.Errorf("chat known (%d, %s) = %v %v, want %v", tc.acc, tc.phone, got, err, tc.want)
			}
		}
	})
}

// waThread is a WhatsApp thread with one queued message (author and
// template key set), claimed as the WhatsApp pool would.
type waThread struct {
	thread hub.Thread
	msg    hub.Message
	item   hub.OutboxItem
}

func newWAThread(t *testing.T, s *store.Store, f storetest.Fixture, phone, body string) waThread {
	t.Helper()
	ctx := context.Background()
	th := hub.Thread{BranchID: f.Branch.ID, Phone: phone, Channel: hub.ChannelWhatsApp}
	if err := s.CreateThread(ctx, &th); err != nil {
		t.Fatal(err)
	}
	m, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: th.ID, Channel: hub.ChannelWhatsApp, Recipient: phone,
		Body: body, Author: "Анна", TemplateKey: "status.ready"})
	if err != nil {
		t.Fatal(err)
	}
	items, err := s.ClaimOutbox(ctx, 10, time.Minute, []string{hub.ChannelWhatsApp})
	if err != nil || len(items) != 1 || items[0].MessageID != m.ID {
		t.Fatalf("claim = %+v %v", items, err)
	}
	return waThread{thread: th, msg: m, item: items[0]}
}

func testLinks(t *testing.T) *hub.Links {
	t.Helper()
	l, err := hub.NewLinks(strings.Repeat("s", 32), "https://naryad.test")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestRerouteOutboxToSMS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		links := testLinks(t)
		w := newWAThread(t, s, f, "+79161110001", "Машина готова")

		sms, err := s.RerouteOutboxToSMS(ctx, w.item, 2, "account «main» logged out", links)
		if err != nil {
			t.Fatal(err)
		}
		orig := storetest.Message(t, s, w.msg.ID)
		if orig.Delivery != hub.DeliveryFailed || orig.Error != "account «main» logged out; sent by SMS instead" {
			t.Fatalf("original = %s %q", orig.Delivery, orig.Error)
		}
		if item := storetest.Outbox(t, s, w.msg.ID); item.State != hub.OutboxFailed || item.Attempts != 2 || item.LeaseUntil != nil {
			t.Fatalf("original outbox = %+v", item)
		}
		l, err := s.ActiveMagicLink(ctx, w.thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantBody := "Машина готова\n" + links.URL(l.Salt)
		got := storetest.Message(t, s, sms.ID)
		// The thread shows the link masked; the SMS's outbox row has it.
		if got.ThreadID != w.thread.ID || got.Direction != hub.DirectionOut || got.Body != "Машина готова\nhttps://naryad.test/c/…" || got.Author != "Анна" ||
			got.TemplateKey != "status.ready" || got.Delivery != hub.DeliveryQueued {
			t.Fatalf("SMS message = %+v, want %q", got, wantBody)
		}
		item := storetest.Outbox(t, s, sms.ID)
		if item.Channel != hub.ChannelSMS || item.Recipient != "+79161110001" || item.Body != wantBody || item.State != hub.OutboxPending {
			t.Fatalf("SMS outbox = %+v", item)
		}
		if ch := deliveryFailedChanges(t, s, f.Branch.ID); len(ch) != 0 {
			t.Fatalf("delivery_failed changes = %+v; the customer was still reached", ch)
		}
		// Nothing said the number is off WhatsApp: the thread stays.
		if th, _ := s.Thread(ctx, w.thread.ID); th.Channel != hub.ChannelWhatsApp {
			t.Fatalf("thread channel = %s, want whatsapp", th.Channel)
		}
		msgs, _ := s.Messages(ctx, w.thread.ID)
		if len(msgs) != 2 {
			t.Fatalf("thread has %d messages, want both", len(msgs))
		}

		// A second reroute of the same claim has lost it: nothing changes.
		if _, err := s.RerouteOutboxToSMS(ctx, w.item, 3, "again", links); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("second reroute: %v, want ErrLeaseLost", err)
		}
		if msgs, _ := s.Messages(ctx, w.thread.ID); len(msgs) != 2 {
			t.Fatalf("a lost claim queued another message: %d", len(msgs))
		}
	})
}

func TestRerouteOutboxToSMSOffWhatsAppAndLinkOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		links := testLinks(t)
		th := hub.Thread{BranchID: f.Branch.ID, Phone: "+79161110002", Channel: hub.ChannelWhatsApp}
		if err := s.CreateThread(ctx, &th); err != nil {
			t.Fatal(err)
		}
		l, err := s.LiveMagicLink(ctx, th.ID, links)
		if err != nil {
			t.Fatal(err)
		}
		body := "Смета готова: " + links.URL(l.Salt)
		if _, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: th.ID, Channel: hub.ChannelWhatsApp, Recipient: th.Phone, Body: body}); err != nil {
			t.Fatal(err)
		}
		items, err := s.ClaimOutbox(ctx, 1, time.Minute, []string{hub.ChannelWhatsApp})
		if err != nil || len(items) != 1 {
			t.Fatalf("claim %v %v", items, err)
		}
		if err := s.SaveWAContactCheck(ctx, store.WAContactCheck{Phone: th.Phone, OnWhatsApp: false, CheckedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		sms, err := s.RerouteOutboxToSMS(ctx, items[0], 1, "+79161110002 is not on WhatsApp", links)
		if err != nil {
			t.Fatal(err)
		}
		if got := storetest.Outbox(t, s, sms.ID); got.Body != body {
			t.Fatalf("SMS body = %q, want the words as they were (the link once)", got.Body)
		}
		// The WhatsApp row ended: its text no longer holds the token.
		if got := storetest.Outbox(t, s, items[0].MessageID); got.Body != "Смета готова: https://naryad.test/c/…" {
			t.Fatalf("rerouted WhatsApp row body = %q, want the link masked", got.Body)
		}
		if got, _ := s.Thread(ctx, th.ID); got.Channel != hub.ChannelSMS {
			t.Fatalf("thread channel = %s, want sms for good", got.Channel)
		}
	})
}

func TestRerouteOutboxToSMSWithoutPhoneJustFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		w := newWAThread(t, s, f, "+79161110003", "Машина готова")
		// The DMS removed the number meanwhile.
		if err := s.UpdateThreadContact(ctx, w.thread.ID, nil, ""); err != nil {
			t.Fatal(err)
		}
		sms, err := s.RerouteOutboxToSMS(ctx, w.item, 1, "account «main» logged out", testLinks(t))
		if err != nil || sms.ID != 0 {
			t.Fatalf("reroute = %+v %v, want no SMS", sms, err)
		}
		if m := storetest.Message(t, s, w.msg.ID); m.Delivery != hub.DeliveryFailed || m.Error != "account «main» logged out" {
			t.Fatalf("original = %s %q", m.Delivery, m.Error)
		}
		if ch := deliveryFailedChanges(t, s, f.Branch.ID); len(ch) != 1 {
			t.Fatalf("delivery_failed changes = %d, want 1: nobody was reached", len(ch))
		}
		if msgs, _ := s.Messages(ctx, w.thread.ID); len(msgs) != 1 {
			t.Fatalf("thread has %d messages, want the failed one only", len(msgs))
		}
	})
}
