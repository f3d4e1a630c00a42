package whatsapp_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

func TestSendText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newSendRig(t, s)
		m := r.queue(t, sendCustomer, "Машина готова")
		r.runPools(t, sendFast())

		got := r.waitMessage(t, m.ID, leftQueue)
		sent := r.fake.Sent()
		if len(sent) != 1 || sent[0].To != watest.PhoneJID(sendCustomerDigits) || sent[0].Message.GetConversation() != "Машина готова" {
			t.Fatalf("WhatsApp got %+v", sent)
		}
		if got.Delivery != hub.DeliverySent || got.ProviderID != string(sent[0].ID) || got.Error != "" {
			t.Fatalf("message = %s %q %q, want sent under WhatsApp's id %s", got.Delivery, got.ProviderID, got.Error, sent[0].ID)
		}
		as, err := s.DeliveryAttempts(ctx, storetest.Outbox(t, s, m.ID).ID)
		if err != nil || len(as) != 1 || as[0].Provider != "whatsapp" {
			t.Fatalf("attempts = %+v %v", as, err)
		}
		// The thread now runs on the account; the chat and the check are kept.
		if acc, err := s.ThreadWAAccount(ctx, r.thread.ID); err != nil || acc.ID != r.acc.ID {
			t.Fatalf("thread account = %+v %v", acc, err)
		}
		if known, err := s.WAChatKnown(ctx, r.acc.ID, sendCustomer); err != nil || !known {
			t.Fatalf("chat not recorded: %v %v", known, err)
		}
		if n, _ := s.WANewChatsSince(ctx, r.acc.ID, time.Now().Add(-time.Hour)); n != 1 {
			t.Fatalf("%d new chats counted, want 1", n)
		}
		c, err := s.WAContactCheck(ctx, sendCustomer)
		if err != nil || !c.OnWhatsApp || c.JID != watest.PhoneJID(sendCustomerDigits).String() {
			t.Fatalf("contact check = %+v %v", c, err)
		}
	})
}

func TestSendFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newSendRig(t, s)
		pdf := []byte("%PDF-1.7 заказ-наряд")
		jpg := []byte("\xff\xd8\xff a photo")
		m := r.queue(t, sendCustomer, "Заказ-наряд и фото",
			sendFile{"ЗН-1.pdf", "application/pdf", pdf}, sendFile{"car.jpg", "image/jpeg", jpg})
		r.runPools(t, sendFast())
		got := r.waitMessage(t, m.ID, leftQueue)

		sent := r.fake.Sent()
		if len(sent) != 2 {
			t.Fatalf("WhatsApp got %d messages, want a document and a photo", len(sent))
		}
		doc, img := sent[0].Message.GetDocumentMessage(), sent[1].Message.GetImageMessage()
		if doc == nil || img == nil {
			t.Fatalf("WhatsApp got %+v", sent)
		}
		if doc.GetFileName() != "ЗН-1.pdf" || doc.GetMimetype() != "application/pdf" || doc.GetCaption() != "Заказ-наряд и фото" ||
			doc.GetFileLength() != uint64(len(pdf)) || len(doc.GetMediaKey()) == 0 || doc.GetURL() == "" {
			t.Fatalf("document = %+v", doc)
		}
		if img.GetMimetype() != "image/jpeg" || img.Caption != nil || img.GetFileLength() != uint64(len(jpg)) {
			t.Fatalf("photo = %+v, want no caption (the words went with the first file)", img)
		}
		if ups := r.fake.Uploads(); len(ups) != 2 || !bytes.Equal(ups[0], pdf) || !bytes.Equal(ups[1], jpg) {
			t.Fatalf("uploads = %q", ups)
		}
		// The customer's phone fetches each file by what the message says.
		for msg, want := range map[whatsmeow.DownloadableMessage][]byte{doc: pdf, img: jpg} {
			if data, err := r.fake.Download(ctx, msg); err != nil || !bytes.Equal(data, want) {
				t.Fatalf("download %s = %q %v", msg.GetDirectPath(), data, err)
			}
		}
		if got.Delivery != hub.DeliverySent || got.ProviderID != string(sent[0].ID) {
			t.Fatalf("message = %s %q, want sent under the first part's id %s", got.Delivery, got.ProviderID, sent[0].ID)
		}

		// A voice note takes no caption: the words go first, on their own.
		m = r.queue(t, sendCustomer, "Послушайте мастера", sendFile{"voice.ogg", "audio/ogg", []byte("OggS voice")})
		got = r.waitMessage(t, m.ID, leftQueue)
		sent = r.fake.Sent()[2:]
		if len(sent) != 2 || sent[0].Message.GetConversation() != "Послушайте мастера" || sent[1].Message.GetAudioMessage().GetMimetype() != "audio/ogg" {
			t.Fatalf("WhatsApp got %+v", sent)
		}
		if got.ProviderID != string(sent[0].ID) {
			t.Fatalf("provider id %q, want %s", got.ProviderID, sent[0].ID)
		}
	})
}

// TestSendPacing: several workers sending for one account at once still
// send one at a time, at least MinIntervalMs apart (measured between the
// times WhatsApp was called).
func TestSendPacing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		const interval = 200 * time.Millisecond
		if err := s.SetWAPacing(t.Context(), r.acc.ID, int(interval/time.Millisecond), 30); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var at []time.Time
		r.fake.SendErr = func(types.JID, *waE2E.Message) error {
			mu.Lock()
			at = append(at, time.Now())
			mu.Unlock()
			return nil
		}
		var msgs []hub.Message
		for i := range 4 { // four numbers, so the outbox hands them out together
			digits := fmt.Sprintf("7916555000%d", i)
			r.fake.OnWhatsApp[digits] = true
			msgs = append(msgs, r.queue(t, "+"+digits, fmt.Sprintf("Сообщение %d", i)))
		}
		opts := sendFast()
		opts.Workers = 4
		r.runPools(t, opts)
		for _, m := range msgs {
			if got := r.waitMessage(t, m.ID, leftQueue); got.Delivery != hub.DeliverySent {
				t.Fatalf("message %d = %s %q", m.ID, got.Delivery, got.Error)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
		for i := 1; i < len(at); i++ {
			if gap := at[i].Sub(at[i-1]); gap < interval {
				t.Fatalf("sends %d and %d were %v apart, want at least %v", i-1, i, gap, interval)
			}
		}
		if len(at) != len(msgs) {
			t.Fatalf("%d sends, want %d", len(at), len(msgs))
		}
	})
}

// TestSendDailyCap: a new chat beyond the account's daily cap goes by SMS
// (the thread stays on WhatsApp); a chat the account already had does not
// count.
func TestSendDailyCap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newSendRig(t, s)
		if err := s.SetWAPacing(ctx, r.acc.ID, 1, 2); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for phone, ago := range map[string]time.Duration{"+79160000001": time.Hour, "+79160000002": 23 * time.Hour, "+79160000003": 25 * time.Hour} {
			if err := s.RecordOutboundWAChat(ctx, r.acc.ID, phone, now.Add(-ago)); err != nil {
				t.Fatal(err)
			}
		}
		r.fake.OnWhatsApp["79160000003"] = true
		first := r.queue(t, sendCustomer, "Запишитесь на ТО")
		old := r.queue(t, "+79160000003", "Ваш автомобиль готов")
		r.runPools(t, sendFast())

		r.smsFallback(t, first, "account «main» started its 2 new chats of the last 24 hours")
		if got := r.waitMessage(t, old.ID, leftQueue); got.Delivery != hub.DeliverySent {
			t.Fatalf("message to a known chat = %s %q, want sent by WhatsApp", got.Delivery, got.Error)
		}
		if sent := r.fake.Sent(); len(sent) != 1 || sent[0].To.User != "79160000003" {
			t.Fatalf("WhatsApp got %+v, want only the known chat's message", sent)
		}
		if th, _ := s.Thread(ctx, r.thread.ID); th.Channel != hub.ChannelWhatsApp {
			t.Fatalf("thread channel = %s, want whatsapp (the cap is the account's, not the customer's)", th.Channel)
		}
	})
}

// TestSendNotOnWhatsApp: a number WhatsApp does not know gets the message
// by SMS with the page link, and its thread moves to SMS for good.
func TestSendNotOnWhatsApp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newSendRig(t, s)
		delete(r.fake.OnWhatsApp, sendCustomerDigits)
		m := r.queue(t, sendCustomer, "Смета готова")
		r.runPools(t, sendFast())

		r.smsFallback(t, m, sendCustomer+" is not on WhatsApp")
		if th, _ := s.Thread(ctx, r.thread.ID); th.Channel != hub.ChannelSMS {
			t.Fatalf("thread channel = %s, want sms", th.Channel)
		}
		if off, err := s.NumberOffWhatsApp(ctx, sendCustomer, time.Hour); err != nil || !off {
			t.Fatalf("check not stored: %v %v", off, err)
		}
		if sent := r.fake.Sent(); len(sent) != 0 {
			t.Fatalf("WhatsApp got %+v", sent)
		}
	})
}

// TestSendKeepsContactChecks: whether a number is on WhatsApp is asked once
// per ContactTTL, not before every message.
func TestSendKeepsContactChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		clock := time.Now()
		sender := whatsapp.NewSender(s, r.media, r.clients, whatsapp.SenderOptions{
			Logger: quiet(), ContactTTL: 24 * time.Hour, Now: func() time.Time { return clock },
		})
		send := func() {
			t.Helper()
			m := r.queue(t, sendCustomer, "Ответ")
			if _, err := sender.Send(t.Context(), outbox.Message{To: sendCustomer, Body: m.Body, ThreadID: r.thread.ID, MessageID: m.ID}); err != nil {
				t.Fatal(err)
			}
		}
		send()
		send()
		if n := len(r.fake.Checked()); n != 1 {
			t.Fatalf("asked WhatsApp %d times within the TTL, want once", n)
		}
		clock = clock.Add(25 * time.Hour)
		send()
		if checked := r.fake.Checked(); len(checked) != 2 || checked[1] != sendCustomer {
			t.Fatalf("after the TTL asked %v, want a second check of %s", checked, sendCustomer)
		}
		if n := len(r.fake.Sent()); n != 3 {
			t.Fatalf("%d messages sent, want 3", n)
		}
	})
}

// TestSendWithoutUsableAccount: logged out, banned, replaced or no account
// at all: the message goes by SMS at once and says why.
func TestSendWithoutUsableAccount(t *testing.T) {
	banUntil := time.Date(2031, 3, 4, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name   string
		setup  func(t *testing.T, r *sendRig)
		reason string
	}{
		{"logged out", func(t *testing.T, r *sendRig) { r.setState(t, r.acc.ID, hub.WALoggedOut, nil) }, "account «main» logged out"},
		{"banned", func(t *testing.T, r *sendRig) { r.setState(t, r.acc.ID, hub.WABanned, &banUntil) },
			"account «main» banned until 04.03.2031 12:30 MSK"},
		{"none usable", func(t *testing.T, r *sendRig) {
			r.setState(t, r.acc.ID, hub.WALoggedOut, nil)
			r.addAccount(t, "spare", hub.WAReplaced)
		}, "no WhatsApp account connected at the branch (account «main» logged out, account «spare» replaced by another session)"},
		{"no account", func(t *testing.T, r *sendRig) {
			b := hub.Branch{Code: "spb1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
			if err := r.s.CreateBranch(t.Context(), &b); err != nil {
				t.Fatal(err)
			}
			r.thread = hub.Thread{BranchID: b.ID, Phone: sendCustomer, Channel: hub.ChannelWhatsApp}
			if err := r.s.CreateThread(t.Context(), &r.thread); err != nil {
				t.Fatal(err)
			}
		}, "no WhatsApp account connected at the branch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
				r := newSendRig(t, s)
				tt.setup(t, r)
				m := r.queue(t, sendCustomer, "Машина готова")
				r.runPools(t, sendFast())
				r.smsFallback(t, m, tt.reason)
				if item := storetest.Outbox(t, s, m.ID); item.Attempts != 1 {
					t.Fatalf("%d attempts, want the first to reroute", item.Attempts)
				}
				if th, _ := s.Thread(t.Context(), r.thread.ID); th.Channel != hub.ChannelWhatsApp {
					t.Fatalf("thread channel = %s; the number may still be on WhatsApp", th.Channel)
				}
			})
		})
	}
}

// TestSendMovesThreadToAnotherAccount: the thread's account logged out
// while another of the branch is connected: the message goes through that
// one, which the thread keeps.
func TestSendMovesThreadToAnotherAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newSendRig(t, s)
		if err := s.BindThreadToWAAccount(ctx, r.thread.ID, r.acc.ID); err != nil {
			t.Fatal(err)
		}
		r.setState(t, r.acc.ID, hub.WALoggedOut, nil)
		r.addAccount(t, "a-reconnecting", hub.WADisconnected) // usable, but a connected one comes first
		spare := r.addAccount(t, "spare", hub.WAConnected)
		other := watest.New(nil)
		other.OnWhatsApp[sendCustomerDigits] = true
		if err := other.Connect(); err != nil {
			t.Fatal(err)
		}
		r.clients.Set(spare.ID, other)
		m := r.queue(t, sendCustomer, "Машина готова")
		r.runPools(t, sendFast())

		if got := r.waitMessage(t, m.ID, leftQueue); got.Delivery != hub.DeliverySent {
			t.Fatalf("message = %s %q", got.Delivery, got.Error)
		}
		if len(other.Sent()) != 1 || len(r.fake.Sent()) != 0 {
			t.Fatalf("spare sent %d, main sent %d; want the spare only", len(other.Sent()), len(r.fake.Sent()))
		}
		if acc, err := s.ThreadWAAccount(ctx, r.thread.ID); err != nil || acc.ID != spare.ID {
			t.Fatalf("thread account = %+v %v, want spare", acc, err)
		}
	})
}

// TestSendWhileDisconnected: an account reconnecting is retried; when it
// is back in time the message goes by WhatsApp, else by SMS once the
// attempts run out.
func TestSendWhileDisconnected(t *testing.T) {
	for _, back := range []bool{false, true} {
		t.Run(fmt.Sprintf("reconnects=%v", back), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
				r := newSendRig(t, s)
				r.setState(t, r.acc.ID, hub.WADisconnected, nil)
				r.fake.Drop()
				m := r.queue(t, sendCustomer, "Машина готова")
				opts := sendFast()
				opts.MaxAttempts = 3
				opts.Backoff = func(attempt int) time.Duration {
					if back && attempt == 2 { // called after the second failure, before the third try
						if err := r.fake.Connect(); err != nil {
							t.Error(err)
						}
					}
					return 0
				}
				r.runPools(t, opts)
				if back {
					got := r.waitMessage(t, m.ID, leftQueue)
					if got.Delivery != hub.DeliverySent || len(r.fake.Sent()) != 1 {
						t.Fatalf("message = %s %q, want sent by WhatsApp on the third try", got.Delivery, got.Error)
					}
				} else {
					r.smsFallback(t, m, "whatsapp: account «main» is not connected (disconnected): websocket not connected")
				}
				if item := storetest.Outbox(t, s, m.ID); item.Attempts != 3 {
					t.Fatalf("%d attempts, want 3", item.Attempts)
				}
			})
		})
	}
}

// TestSendRefusedByWhatsApp: WhatsApp refusing the message (an error code
// for it) reroutes at once; a lost connection mid-send is retried.
func TestSendRefusedByWhatsApp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		calls := 0
		r.fake.SendErr = func(types.JID, *waE2E.Message) error {
			calls++
			if calls == 1 {
				return fmt.Errorf("%w: connection reset", whatsmeow.ErrNotConnected)
			}
			return fmt.Errorf("%w 400", whatsmeow.ErrServerReturnedError)
		}
		m := r.queue(t, sendCustomer, "Машина готова")
		r.runPools(t, sendFast())
		r.smsFallback(t, m, "WhatsApp refused the message to "+sendCustomerDigits+": server returned error 400")
		if item := storetest.Outbox(t, s, m.ID); item.Attempts != 2 {
			t.Fatalf("%d attempts, want 2 (a retry, then the refusal)", item.Attempts)
		}
	})
}

// TestSendToGroup: when the group router says so the message goes to the
// work order's group: no number check, no new chat counted, no cap.
func TestSendToGroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newSendRig(t, s)
		if err := s.SetWAPacing(ctx, r.acc.ID, 1, 0); err != nil { // no new chats at all
			t.Fatal(err)
		}
		group := watest.GroupJID("120363000000000001")
		router := &sendRouter{jid: group}
		r.sender = whatsapp.NewSender(s, r.media, r.clients, whatsapp.SenderOptions{Logger: quiet(), Groups: router})
		m := r.queue(t, sendCustomer, "Работы начаты")
		r.runPools(t, sendFast())

		if got := r.waitMessage(t, m.ID, leftQueue); got.Delivery != hub.DeliverySent {
			t.Fatalf("message = %s %q", got.Delivery, got.Error)
		}
		if sent := r.fake.Sent(); len(sent) != 1 || sent[0].To != group {
			t.Fatalf("WhatsApp got %+v, want the group", sent)
		}
		if len(r.fake.Checked()) != 0 {
			t.Fatalf("checked %v for a group message", r.fake.Checked())
		}
		if known, _ := s.WAChatKnown(ctx, r.acc.ID, sendCustomer); known {
			t.Fatal("a group message counted as a new direct chat")
		}
		if got := router.seen(); len(got) != 1 || got[0] != r.thread.ID {
			t.Fatalf("router asked for threads %v", got)
		}
	})
}

// sendRouter sends every thread to one group.
type sendRouter struct {
	jid     types.JID
	mu      sync.Mutex
	threads []int64
}

func (g *sendRouter) GroupFor(_ context.Context, _ whatsapp.Client, _ hub.WAAccount, t hub.Thread) (types.JID, bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.threads = append(g.threads, t.ID)
	return g.jid, true, nil
}

func (g *sendRouter) seen() []int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]int64(nil), g.threads...)
}
