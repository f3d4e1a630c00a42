package whatsapp_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// sendRig is a branch with a connected account «main» (a fake client, no
// pacing unless a test sets it), a WhatsApp thread of customer
// sendCustomer, the real Sender and Fallback on a real store, and an SMS
// box that records what the SMS pool sends.
type sendRig struct {
	s       *store.Store
	f       storetest.Fixture
	acc     hub.WAAccount
	fake    *watest.Fake
	clients *watest.Clients
	thread  hub.Thread
	media   *hub.Media
	links   *hub.Links
	sender  *whatsapp.Sender
	smsBox  *sendSMSBox
}

const (
	sendCustomer       = "+79161230001"
	sendCustomerDigits = "79161230001"
)

func newSendRig(t *testing.T, s *store.Store) *sendRig {
	t.Helper()
	ctx := t.Context()
	r := &sendRig{s: s, f: storetest.NewFixture(t, s), media: hub.NewMedia(t.TempDir()), smsBox: &sendSMSBox{},
		clients: &watest.Clients{}}
	r.acc = r.addAccount(t, "main", hub.WAConnected)
	r.fake = watest.New(nil)
	r.fake.OnWhatsApp[sendCustomerDigits] = true
	if err := r.fake.Connect(); err != nil {
		t.Fatal(err)
	}
	r.clients.Set(r.acc.ID, r.fake)
	// A WhatsApp conversation beside the fixture's work-order thread (a
	// lead's: the sender treats both alike).
	r.thread = hub.Thread{BranchID: r.f.Branch.ID, Phone: sendCustomer, Channel: hub.ChannelWhatsApp}
	if err := s.CreateThread(ctx, &r.thread); err != nil {
		t.Fatal(err)
	}
	links, err := hub.NewLinks(strings.Repeat("k", 32), "https://naryad.test")
	if err != nil {
		t.Fatal(err)
	}
	r.links = links
	r.sender = whatsapp.NewSender(s, r.media, r.clients, whatsapp.SenderOptions{Logger: quiet(), Jitter: noJitter})
	return r
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// addAccount stores an account of the branch, linked, in a state, with
// no pacing interval.
func (r *sendRig) addAccount(t *testing.T, name, state string) hub.WAAccount {
	t.Helper()
	ctx := t.Context()
	a := hub.WAAccount{BranchID: r.f.Branch.ID, Name: name}
	if err := r.s.CreateWAAccount(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := r.s.SetWAPacing(ctx, a.ID, 1, a.DailyNewChats); err != nil {
		t.Fatal(err)
	}
	r.setState(t, a.ID, state, nil)
	return r.account(t, a.ID)
}

func (r *sendRig) setState(t *testing.T, id int64, state string, banUntil *time.Time) {
	t.Helper()
	if _, err := r.s.SetWAAccountState(t.Context(), id, state, "", banUntil); err != nil {
		t.Fatal(err)
	}
}

func (r *sendRig) account(t *testing.T, id int64) hub.WAAccount {
	t.Helper()
	a, err := r.s.WAAccount(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// queue writes a message of the thread to a number, on WhatsApp, with
// files (name, content type, bytes) put in the media store.
func (r *sendRig) queue(t *testing.T, to, body string, files ...sendFile) hub.Message {
	t.Helper()
	var atts []hub.Attachment
	for _, f := range files {
		sum, err := r.media.Put(f.data)
		if err != nil {
			t.Fatal(err)
		}
		atts = append(atts, hub.Attachment{SHA256: sum, Name: f.name, ContentType: f.contentType, SizeBytes: int64(len(f.data))})
	}
	m, err := r.s.ForwardFiles(t.Context(), store.Outgoing{ThreadID: r.thread.ID, Channel: hub.ChannelWhatsApp, Recipient: to,
		Body: body, Author: "Анна", TemplateKey: "status.ready"}, atts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

type sendFile struct {
	name, contentType string
	data              []byte
}

// runPools runs the WhatsApp pool (the sender, the fallback as its
// Rerouter) and the SMS pool (the box) until the test ends.
func (r *sendRig) runPools(t *testing.T, opts outbox.Options) {
	t.Helper()
	smsPool := sendStartPool(t, r.s, map[string]outbox.Sender{hub.ChannelSMS: r.smsBox}, sendFast())
	opts.Reroute = whatsapp.NewFallback(r.s, r.links, whatsapp.FallbackOptions{Logger: quiet(), Queued: smsPool.Wake})
	sendStartPool(t, r.s, map[string]outbox.Sender{hub.ChannelWhatsApp: r.sender}, opts)
}

// sendFast keeps pools quick: short polls, no backoff, no log.
func sendFast() outbox.Options {
	return outbox.Options{PollInterval: 10 * time.Millisecond, Backoff: func(int) time.Duration { return 0 }, Logger: quiet()}
}

func sendStartPool(t *testing.T, s *store.Store, senders map[string]outbox.Sender, opts outbox.Options) *outbox.Pool {
	t.Helper()
	pool, err := outbox.New(s, senders, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pool.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("pool: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("pool did not stop")
		}
	})
	return pool
}

// waitMessage polls a message until cond holds (10 s at most).
func (r *sendRig) waitMessage(t *testing.T, id int64, cond func(hub.Message) bool) hub.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m := storetest.Message(t, r.s, id)
		if cond(m) {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %d stayed %s %q", id, m.Delivery, m.Error)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func leftQueue(m hub.Message) bool { return m.Delivery != hub.DeliveryQueued }

// messages lists the thread's messages.
func (r *sendRig) messages(t *testing.T) []hub.Message {
	t.Helper()
	msgs, err := r.s.Messages(t.Context(), r.thread.ID)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// smsFallback checks that the WhatsApp message failed with the reason and
// its words went by SMS with the customer's link, and returns the SMS.
func (r *sendRig) smsFallback(t *testing.T, orig hub.Message, reason string) hub.Message {
	t.Helper()
	got := r.waitMessage(t, orig.ID, leftQueue)
	if got.Delivery != hub.DeliveryFailed || got.Error != reason+"; sent by SMS instead" {
		t.Fatalf("WhatsApp message = %s %q, want failed with %q", got.Delivery, got.Error, reason+"; sent by SMS instead")
	}
	var fallback *hub.Message
	for _, m := range r.messages(t) {
		if m.ID > orig.ID && m.Direction == hub.DirectionOut && strings.HasPrefix(m.Body, orig.Body) {
			fallback = &m
			break
		}
	}
	if fallback == nil {
		t.Fatalf("no SMS after message %d in %+v", orig.ID, r.messages(t))
	}
	item := storetest.Outbox(t, r.s, fallback.ID)
	l, err := r.s.ActiveMagicLink(t.Context(), r.thread.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := orig.Body + "\n" + r.links.URL(l.Salt)
	// The thread shows the link masked; the SMS provider gets it whole.
	if item.Channel != hub.ChannelSMS || item.Recipient != r.thread.Phone || fallback.Body != hub.MaskLinks(want) ||
		fallback.Author != orig.Author || fallback.TemplateKey != orig.TemplateKey {
		t.Fatalf("SMS %+v (outbox %+v), want %q to %s", fallback, item, want, r.thread.Phone)
	}
	sent := r.waitMessage(t, fallback.ID, leftQueue)
	if sent.Delivery != hub.DeliverySent || !r.smsBox.got(fallback.ID) {
		t.Fatalf("the SMS pool did not send the fallback: %s", sent.Delivery)
	}
	if body := r.smsBox.body(fallback.ID); body != want {
		t.Fatalf("the SMS provider got %q, want %q", body, want)
	}
	return sent
}

// sendSMSBox is the SMS provider of the tests: it accepts every message.
type sendSMSBox struct {
	mu   sync.Mutex
	sent []outbox.Message
}

func (b *sendSMSBox) Name() string { return "sms-box" }

func (b *sendSMSBox) Send(_ context.Context, m outbox.Message) (outbox.Receipt, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent = append(b.sent, m)
	return outbox.Receipt{ProviderID: fmt.Sprintf("SMS-%d", m.MessageID)}, nil
}

func (b *sendSMSBox) got(messageID int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.sent {
		if m.MessageID == messageID {
			return true
		}
	}
	return false
}

func (b *sendSMSBox) body(messageID int64) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.sent {
		if m.MessageID == messageID {
			return m.Body
		}
	}
	return ""
}

// noJitter keeps the rig's sends at their interval exactly.
func noJitter() time.Duration { return 0 }
