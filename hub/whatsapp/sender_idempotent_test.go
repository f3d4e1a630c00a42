package whatsapp_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// TestSendRetryKeepsWhatsAppID: a send whose answer never came (the call
// timed out: WhatsApp may have the message) is retried under the id
// stored before the first try, so the customer's phone shows it once; the
// message's provider id is that id.
func TestSendRetryKeepsWhatsAppID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		var mu sync.Mutex
		calls := 0
		r.fake.SendErr = func(types.JID, *waE2E.Message) error {
			mu.Lock()
			defer mu.Unlock()
			if calls++; calls == 1 {
				return fmt.Errorf("%w: %w", whatsmeow.ErrMessageTimedOut, context.DeadlineExceeded)
			}
			return nil
		}
		m := r.queue(t, sendCustomer, "Машина готова")
		r.runPools(t, sendFast())
		got := r.waitMessage(t, m.ID, leftQueue)
		attempts := r.fake.Attempts()
		if got.Delivery != hub.DeliverySent || len(attempts) != 2 {
			t.Fatalf("message %s %q after %d calls, want sent on the second", got.Delivery, got.Error, len(attempts))
		}
		if attempts[0].ID == "" || attempts[0].ID != attempts[1].ID || got.ProviderID != string(attempts[0].ID) {
			t.Fatalf("ids: first call %q, retry %q, stored %q; want one id throughout", attempts[0].ID, attempts[1].ID, got.ProviderID)
		}
	})
}

// TestSendSkipsPartsAlreadySent: a message of two parts whose second part
// failed sends only that part again, under its own stored id.
func TestSendSkipsPartsAlreadySent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		var mu sync.Mutex
		failed := false
		r.fake.SendErr = func(_ types.JID, m *waE2E.Message) error {
			mu.Lock()
			defer mu.Unlock()
			if m.GetAudioMessage() != nil && !failed {
				failed = true
				return whatsmeow.ErrNotConnected
			}
			return nil
		}
		m := r.queue(t, sendCustomer, "Послушайте", sendFile{"voice.ogg", "audio/ogg", []byte("OggS voice")})
		r.runPools(t, sendFast())
		if got := r.waitMessage(t, m.ID, leftQueue); got.Delivery != hub.DeliverySent {
			t.Fatalf("message %s %q, want sent", got.Delivery, got.Error)
		}
		sent, attempts := r.fake.Sent(), r.fake.Attempts()
		if len(sent) != 2 || len(attempts) != 3 || attempts[1].ID != attempts[2].ID || sent[0].Message.GetConversation() != "Послушайте" {
			t.Fatalf("sent %d, %d calls (%+v); want the words once and the voice note retried under its id", len(sent), len(attempts), attempts)
		}
	})
}

// TestReceiptBeforeSendReturns: WhatsApp's "delivered" may arrive while
// SendMessage has not returned yet; the id stored before the send lets it
// land at once, and the end of the send does not move it back.
func TestReceiptBeforeSendReturns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		in := whatsapp.NewInbound(s, r.media, whatsapp.InboundOptions{Logger: quiet()})
		var m hub.Message
		var early string
		r.fake.SendErr = func(to types.JID, _ *waE2E.Message) error {
			id := r.fake.Attempts()[0].ID
			if !in.Handle(whatsapp.Session{Account: r.acc, Client: r.fake}, watest.Receipt(to, types.ReceiptTypeDelivered, string(id))) {
				t.Error("receipt not taken")
			}
			early = storetest.Message(t, s, m.ID).Delivery
			return nil
		}
		m = r.queue(t, sendCustomer, "Машина готова")
		r.runPools(t, sendFast())
		watest.Eventually(t, "the send recorded", func() bool { return storetest.Outbox(t, s, m.ID).State == hub.OutboxDone })
		if early != hub.DeliveryDelivered {
			t.Fatalf("during the send the message was %q, want delivered", early)
		}
		if got := storetest.Message(t, s, m.ID); got.Delivery != hub.DeliveryDelivered {
			t.Fatalf("after the send: %s, want still delivered", got.Delivery)
		}
	})
}

// TestSend463IsRetried: error 463 (a new contact's privacy token missing)
// is not a refusal: the send is retried and goes through, the thread stays
// on WhatsApp and no SMS is sent.
func TestSend463IsRetried(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		var mu sync.Mutex
		calls := 0
		r.fake.SendErr = func(types.JID, *waE2E.Message) error {
			mu.Lock()
			defer mu.Unlock()
			if calls++; calls <= 2 {
				return watest.Err463
			}
			return nil
		}
		m := r.queue(t, sendCustomer, "Машина готова")
		r.runPools(t, sendFast())
		got := r.waitMessage(t, m.ID, leftQueue)
		if got.Delivery != hub.DeliverySent || len(r.fake.Sent()) != 1 {
			t.Fatalf("message %s %q, want sent by WhatsApp on the third try", got.Delivery, got.Error)
		}
		if item := storetest.Outbox(t, s, m.ID); item.Attempts != 3 {
			t.Fatalf("%d attempts, want 3", item.Attempts)
		}
		if th, _ := s.Thread(t.Context(), r.thread.ID); th.Channel != hub.ChannelWhatsApp {
			t.Fatalf("thread moved to %s", th.Channel)
		}
		if len(r.messages(t)) != 1 {
			t.Fatalf("thread has %d messages, want only the WhatsApp one", len(r.messages(t)))
		}
	})
}

// TestSendDailySendCap: over the account's cap of messages a day the
// message goes by SMS with the page link, as over the cap of new chats.
func TestSendDailySendCap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		if err := s.SetWADailySends(t.Context(), r.acc.ID, 2); err != nil {
			t.Fatal(err)
		}
		first := r.queue(t, sendCustomer, "Первое")
		r.runPools(t, sendFast())
		r.waitMessage(t, first.ID, leftQueue)
		second := r.queue(t, sendCustomer, "Второе")
		r.waitMessage(t, second.ID, leftQueue)
		third := r.queue(t, sendCustomer, "Третье")
		r.smsFallback(t, third, "account «main» sent its 2 WhatsApp messages of the last 24 hours")
		if n := len(r.fake.Sent()); n != 2 {
			t.Fatalf("WhatsApp got %d messages, want 2", n)
		}
	})
}

// TestSendJitter: each send waits the account's interval plus the jitter.
func TestSendJitter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		const jitter = 300 * time.Millisecond
		var mu sync.Mutex
		asked := 0
		r.sender = whatsapp.NewSender(s, r.media, r.clients, whatsapp.SenderOptions{Logger: quiet(), Jitter: func() time.Duration {
			mu.Lock()
			defer mu.Unlock()
			asked++
			return jitter
		}})
		var calls []time.Time
		r.fake.SendErr = func(types.JID, *waE2E.Message) error {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, time.Now())
			return nil
		}
		a := r.queue(t, sendCustomer, "Первое")
		b := r.queue(t, sendCustomer, "Второе")
		r.runPools(t, sendFast())
		r.waitMessage(t, a.ID, leftQueue)
		r.waitMessage(t, b.ID, leftQueue)
		mu.Lock()
		defer mu.Unlock()
		if asked != 2 {
			t.Fatalf("jitter asked %d times, want once per send", asked)
		}
		if len(calls) != 2 {
			t.Fatalf("%d sends, want 2", len(calls))
		}
		if gap := calls[1].Sub(calls[0]); gap < jitter {
			t.Fatalf("second send %v after the first, want at least the jitter %v", gap, jitter)
		}
	})
}

// TestFakeRefusesFileWithoutUpload: the fake fails a file message without
// what Upload returns, as a phone could not fetch it.
func TestFakeRefusesFileWithoutUpload(t *testing.T) {
	f := watest.New(nil)
	if err := f.Connect(); err != nil {
		t.Fatal(err)
	}
	_, err := f.SendMessage(t.Context(), watest.PhoneJID("79161230001"), &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		Mimetype: proto.String("image/jpeg"), URL: proto.String("https://mmg.whatsapp.net/x")}})
	if err == nil || !strings.Contains(err.Error(), "FileEncSHA256") {
		t.Fatalf("err = %v, want a refusal naming the missing fields", err)
	}
	up, err := f.Upload(t.Context(), []byte("jpeg"), whatsmeow.MediaImage)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.SendMessage(t.Context(), watest.PhoneJID("79161230001"), &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
		FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength)}})
	if err != nil {
		t.Fatal(err)
	}
}
