package outbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/sms"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// fakeSender answers each call from a script and counts calls per message.
type fakeSender struct {
	mu    sync.Mutex
	calls map[int64]int
	total int
	// reply answers the call-th call (from 1) for m; nil accepts every message.
	reply func(ctx context.Context, m outbox.Message, call, total int) (outbox.Receipt, error)
	got   []outbox.Message
}

var _ outbox.Sender = (*fakeSender)(nil)

func (f *fakeSender) Name() string { return "fake" }

func (f *fakeSender) Send(ctx context.Context, m outbox.Message) (outbox.Receipt, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[int64]int{}
	}
	f.calls[m.MessageID]++
	f.total++
	call, total, reply := f.calls[m.MessageID], f.total, f.reply
	f.got = append(f.got, m)
	f.mu.Unlock()
	if reply != nil {
		return reply(ctx, m, call, total)
	}
	return accept(m, call), nil
}

func accept(m outbox.Message, call int) outbox.Receipt {
	return outbox.Receipt{ProviderID: fmt.Sprintf("SM%d-%d", m.MessageID, call)}
}

func (f *fakeSender) callsOf(messageID int64) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[messageID]
}

func (f *fakeSender) totalCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.total
}

// fast keeps tests quick: short polls, no backoff.
func fast() outbox.Options {
	return outbox.Options{
		PollInterval: 10 * time.Millisecond,
		Backoff:      func(int) time.Duration { return 0 },
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// start runs a pool until the returned stop is called (or the test ends);
// stop fails the test if Run does not return promptly.
func start(t *testing.T, s *store.Store, senders map[string]outbox.Sender, opts outbox.Options) (pool *outbox.Pool, stop func()) {
	t.Helper()
	pool, err := outbox.New(s, senders, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pool.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("Run did not return after cancel")
			}
		})
	}
	t.Cleanup(stop)
	return pool, stop
}

func sms1(f *fakeSender) map[string]outbox.Sender { return map[string]outbox.Sender{hub.ChannelSMS: f} }

func attempts(t *testing.T, s *store.Store, outboxID int64) []hub.DeliveryAttempt {
	t.Helper()
	out, err := s.DeliveryAttempts(context.Background(), outboxID)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// waitDelivery waits until the message has left the queue.
func waitDelivery(t *testing.T, s *store.Store, id int64) hub.Message {
	t.Helper()
	return storetest.WaitDelivery(t, s, id, 10*time.Second)
}

// lockedBuffer collects log output written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestSentOnFirstTry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		f := storetest.NewFixture(t, s)
		msgs := f.Queue(t, s, 1)
		fake := &fakeSender{}
		var logs lockedBuffer
		opts := fast()
		opts.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
		start(t, s, sms1(fake), opts)

		m := waitDelivery(t, s, msgs[0].ID)
		wantPID := fmt.Sprintf("SM%d-1", m.ID)
		if m.Delivery != hub.DeliverySent || m.ProviderID != wantPID || m.Error != "" {
			t.Fatalf("message = %s %q %q, want sent %s", m.Delivery, m.ProviderID, m.Error, wantPID)
		}
		item := storetest.Outbox(t, s, m.ID)
		if item.State != hub.OutboxDone || item.LeaseUntil != nil || item.Attempts != 1 {
			t.Fatalf("outbox = %s lease %v after %d attempts, want done after 1", item.State, item.LeaseUntil, item.Attempts)
		}
		as := attempts(t, s, item.ID)
		if len(as) != 1 {
			t.Fatalf("%d attempts recorded, want 1", len(as))
		}
		a := as[0]
		if a.Attempt != 1 || a.Provider != "fake" || a.ProviderID != wantPID || a.Error != "" ||
			a.StartedAt.IsZero() || a.FinishedAt.Before(a.StartedAt) {
			t.Fatalf("attempt = %+v", a)
		}
		fake.mu.Lock()
		got := fake.got[0]
		fake.mu.Unlock()
		if got.To != f.Thread.Phone || got.Body != msgs[0].Body || got.ThreadID != f.Thread.ID || got.MessageID != m.ID {
			t.Fatalf("provider got %+v", got)
		}

		storetest.WaitFor(t, 5*time.Second, func() bool { return strings.Contains(logs.String(), `"outcome"`) })
		var line map[string]any
		if err := json.Unmarshal([]byte(strings.SplitN(logs.String(), "\n", 2)[0]), &line); err != nil {
			t.Fatal(err)
		}
		if line["message_id"] != float64(m.ID) || line["attempt"] != float64(1) || line["outcome"] != "sent" {
			t.Fatalf("log line = %v", line)
		}
	})
}

func TestDeliveredReceipt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		f := storetest.NewFixture(t, s)
		msgs := f.Queue(t, s, 1)
		fake := &fakeSender{reply: func(_ context.Context, m outbox.Message, call, _ int) (outbox.Receipt, error) {
			return outbox.Receipt{ProviderID: "D1", Delivered: true}, nil
		}}
		start(t, s, sms1(fake), fast())
		if m := waitDelivery(t, s, msgs[0].ID); m.Delivery != hub.DeliveryDelivered || m.ProviderID != "D1" {
			t.Fatalf("message = %s %q, want delivered D1", m.Delivery, m.ProviderID)
		}
	})
}

func TestTemporaryErrorThenSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		f := storetest.NewFixture(t, s)
		msgs := f.Queue(t, s, 1)
		fake := &fakeSender{reply: func(_ context.Context, m outbox.Message, call, _ int) (outbox.Receipt, error) {
			if call == 1 {
				return outbox.Receipt{}, &sms.Error{Provider: "fake", Code: "503", Message: "service unavailable"}
			}
			return accept(m, call), nil
		}}
		start(t, s, sms1(fake), fast())

		m := waitDelivery(t, s, msgs[0].ID)
		if m.Delivery != hub.DeliverySent || m.ProviderID != fmt.Sprintf("SM%d-2", m.ID) || m.Error != "" {
			t.Fatalf("message = %s %q %q, want sent by the second call, error cleared", m.Delivery, m.ProviderID, m.Error)
		}
		if n := fake.callsOf(m.ID); n != 2 {
			t.Fatalf("%d calls, want 2", n)
		}
		as := attempts(t, s, storetest.Outbox(t, s, m.ID).ID)
		if len(as) != 2 || !strings.Contains(as[0].Error, "service unavailable") || as[1].Error != "" || as[1].Attempt != 2 {
			t.Fatalf("attempts = %+v", as)
		}
	})
}

func TestPermanentErrorFailsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		f := storetest.NewFixture(t, s)
		msgs := f.Queue(t, s, 1)
		fake := &fakeSender{reply: func(context.Context, outbox.Message, int, int) (outbox.Receipt, error) {
			return outbox.Receipt{}, &sms.Error{Provider: "fake", Permanent: true, Code: "21211", Message: "Invalid 'To' Phone Number"}
		}}
		opts := fast()
		opts.MaxAttempts = 5
		start(t, s, sms1(fake), opts)

		m := waitDelivery(t, s, msgs[0].ID)
		if m.Delivery != hub.DeliveryFailed || !strings.Contains(m.Error, "Invalid 'To' Phone Number") {
			t.Fatalf("message = %s %q, want failed with the provider's text", m.Delivery, m.Error)
		}
		if n := fake.callsOf(m.ID); n != 1 {
			t.Fatalf("%d calls, want 1", n)
		}
		if item := storetest.Outbox(t, s, m.ID); item.State != hub.OutboxFailed || item.Attempts != 1 {
			t.Fatalf("outbox = %s after %d attempts, want failed after 1", item.State, item.Attempts)
		}
		changes, err := s.ChangesAfter(context.Background(), []int64{f.Branch.ID}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 1 || changes[0].Type != hub.ChangeDeliveryFailed || changes[0].WorkOrderNumber != f.Order.Number {
			t.Fatalf("feed = %+v, want one delivery_failed for %s", changes, f.Order.Number)
		}
		var data struct {
			MessageID int64  `json:"message_id"`
			Error     string `json:"error"`
			Recipient string `json:"recipient"`
		}
		if err := json.Unmarshal([]byte(changes[0].Data), &data); err != nil {
			t.Fatal(err)
		}
		if data.MessageID != m.ID || data.Error != m.Error || data.Recipient != f.Thread.Phone {
			t.Fatalf("change data = %s", changes[0].Data)
		}
	})
}

func TestMaxAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		f := storetest.NewFixture(t, s)
		msgs := f.Queue(t, s, 1)
		fake := &fakeSender{reply: func(_ context.Context, _ outbox.Message, call, _ int) (outbox.Receipt, error) {
			return outbox.Receipt{}, &sms.Error{Provider: "fake", Message: fmt.Sprintf("busy %d", call)}
		}}
		opts := fast()
		opts.MaxAttempts = 3
		start(t, s, sms1(fake), opts)

		m := waitDelivery(t, s, msgs[0].ID)
		if m.Delivery != hub.DeliveryFailed || !strings.Contains(m.Error, "busy 3") {
			t.Fatalf("message = %s %q, want failed with the last error", m.Delivery, m.Error)
		}
		item := storetest.Outbox(t, s, m.ID)
		if item.State != hub.OutboxFailed || item.Attempts != 3 {
			t.Fatalf("outbox = %s after %d attempts, want failed after 3", item.State, item.Attempts)
		}
		if as := attempts(t, s, item.ID); len(as) != 3 {
			t.Fatalf("%d attempts recorded, want 3", len(as))
		}
		if n := fake.callsOf(m.ID); n != 3 {
			t.Fatalf("%d calls, want 3", n)
		}
	})
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		backoff    time.Duration
		retryAfter time.Duration
		want       time.Duration
	}{
		{"provider asks for longer", 0, time.Hour, time.Hour},
		{"backoff is longer", 2 * time.Hour, time.Hour, 2 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
				f := storetest.NewFixture(t, s)
				msgs := f.Queue(t, s, 1)
				fake := &fakeSender{reply: func(context.Context, outbox.Message, int, int) (outbox.Receipt, error) {
					return outbox.Receipt{}, &sms.Error{Provider: "fake", Code: "429", Message: "too many requests", RetryAfter: tt.retryAfter}
				}}
				opts := fast()
				opts.Backoff = func(int) time.Duration { return tt.backoff }
				before := time.Now()
				start(t, s, sms1(fake), opts)

				var item hub.OutboxItem
				storetest.WaitFor(t, 10*time.Second, func() bool {
					item = storetest.Outbox(t, s, msgs[0].ID)
					return item.Attempts > 0
				})
				if item.State != hub.OutboxPending || item.NextAttemptAt.Before(before.Add(tt.want)) {
					t.Fatalf("outbox = %s next %v, want pending not before %v", item.State, item.NextAttemptAt, before.Add(tt.want))
				}
				if m := storetest.Message(t, s, msgs[0].ID); m.Delivery != hub.DeliveryQueued || !strings.Contains(m.Error, "too many requests") {
					t.Fatalf("message = %s %q, want queued showing why it is late", m.Delivery, m.Error)
				}
			})
		})
	}
}

// TestPoolClaimsOnlyItsChannels: a pool takes only items of the channels it
// has senders for. The SMS pool every instance runs leaves WhatsApp items to
// the instance holding the WhatsApp connections, untouched (no attempt, no
// lease), and a WhatsApp pool leaves SMS items alone.
func TestPoolClaimsOnlyItsChannels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		f := storetest.NewFixture(t, s)
		wa := queueOn(t, s, f, hub.ChannelWhatsApp, "В WhatsApp")
		sm := queueOn(t, s, f, hub.ChannelSMS, "По SMS")
		smsFake := &fakeSender{}
		start(t, s, sms1(smsFake), fast())
		if m := waitDelivery(t, s, sm.ID); m.Delivery != hub.DeliverySent {
			t.Fatalf("sms message = %s, want sent", m.Delivery)
		}
		// The pool polled while the WhatsApp item was due, and left it.
		item := storetest.Outbox(t, s, wa.ID)
		if item.State != hub.OutboxPending || item.Attempts != 0 || item.LeaseUntil != nil || item.LastError != "" {
			t.Fatalf("the SMS pool touched the WhatsApp item: %+v", item)
		}
		if n := smsFake.callsOf(wa.ID); n != 0 {
			t.Fatalf("the SMS sender got the WhatsApp message %d times", n)
		}

		waFake := &fakeSender{}
		start(t, s, map[string]outbox.Sender{hub.ChannelWhatsApp: waFake}, fast())
		if m := waitDelivery(t, s, wa.ID); m.Delivery != hub.DeliverySent || waFake.callsOf(wa.ID) != 1 {
			t.Fatalf("whatsapp message = %s after %d calls, want sent by the WhatsApp pool", m.Delivery, waFake.callsOf(wa.ID))
		}
	})
}

// queueOn queues one message to the fixture's customer on a channel.
func queueOn(t *testing.T, s *store.Store, f storetest.Fixture, channel, body string) hub.Message {
	t.Helper()
	m, err := s.QueueMessage(context.Background(), store.Outgoing{ThreadID: f.Thread.ID, Channel: channel, Recipient: f.Thread.Phone, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// fakeRerouter records what the pool hands it and ends the item as failed,
// as a real one ends it in its own transaction.
type fakeRerouter struct {
	s   *store.Store
	mu  sync.Mutex
	got []rerouted
}

type rerouted struct {
	messageID int64
	attempts  int
	reason    string
}

func (r *fakeRerouter) Reroute(ctx context.Context, item hub.OutboxItem, attempts int, reason string) error {
	r.mu.Lock()
	r.got = append(r.got, rerouted{item.MessageID, attempts, reason})
	r.mu.Unlock()
	return r.s.MarkOutboxFailed(ctx, item, attempts, "rerouted: "+reason)
}

func (r *fakeRerouter) calls() []rerouted {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]rerouted(nil), r.got...)
}

// TestRerouter: on a pool with a Rerouter, every way of giving up (a
// Reroute error at once, a permanent error at once, attempts exhausted)
// hands the item over instead of failing it; a success never does.
func TestRerouter(t *testing.T) {
	tests := []struct {
		name         string
		err          func(call int) error
		maxAttempts  int
		wantAttempts int
		wantReason   string
	}{
		{"reroute error", func(int) error { return outbox.Reroute("account «%s» logged out", "main") }, 5, 1, "account «main» logged out"},
		{"permanent error", func(int) error { return &sms.Error{Provider: "fake", Permanent: true, Message: "invalid recipient"} }, 5, 1, "sms fake: invalid recipient"},
		{"attempts exhausted", func(call int) error { return fmt.Errorf("not connected (%d)", call) }, 3, 3, "not connected (3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
				f := storetest.NewFixture(t, s)
				msgs := f.Queue(t, s, 2) // the second goes to another number and is sent
				fake := &fakeSender{reply: func(_ context.Context, m outbox.Message, call, _ int) (outbox.Receipt, error) {
					if m.MessageID == msgs[1].ID {
						return accept(m, call), nil
					}
					return outbox.Receipt{}, tt.err(call)
				}}
				r := &fakeRerouter{s: s}
				opts := fast()
				opts.MaxAttempts = tt.maxAttempts
				opts.Reroute = r
				start(t, s, sms1(fake), opts)

				m := waitDelivery(t, s, msgs[0].ID)
				if m.Delivery != hub.DeliveryFailed || m.Error != "rerouted: "+tt.wantReason {
					t.Fatalf("message = %s %q, want ended by the rerouter", m.Delivery, m.Error)
				}
				waitDelivery(t, s, msgs[1].ID)
				got := r.calls()
				if len(got) != 1 || got[0] != (rerouted{msgs[0].ID, tt.wantAttempts, tt.wantReason}) {
					t.Fatalf("rerouter got %+v, want message %d after %d attempts: %q", got, msgs[0].ID, tt.wantAttempts, tt.wantReason)
				}
				if n := fake.callsOf(msgs[0].ID); n != tt.wantAttempts {
					t.Fatalf("%d calls, want %d", n, tt.wantAttempts)
				}
			})
		})
	}
}

// TestRerouteErrorWithoutRerouter: a pool with no Rerouter fails a message
// whose sender asked for a reroute at once, like a permanent error.
func TestRerouteErrorWithoutRerouter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		f := storetest.NewFixture(t, s)
		msgs := f.Queue(t, s, 1)
		fake := &fakeSender{reply: func(context.Context, outbox.Message, int, int) (outbox.Receipt, error) {
			return outbox.Receipt{}, fmt.Errorf("send: %w", outbox.Reroute("+79161234567 is not on WhatsApp"))
		}}
		start(t, s, sms1(fake), fast())
		m := waitDelivery(t, s, msgs[0].ID)
		if m.Delivery != hub.DeliveryFailed || m.Error != "send: +79161234567 is not on WhatsApp" || fake.callsOf(m.ID) != 1 {
			t.Fatalf("message = %s %q after %d calls, want failed after one", m.Delivery, m.Error, fake.callsOf(m.ID))
		}
	})
}

func TestWake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		f := storetest.NewFixture(t, s)
		fake := &fakeSender{}
		opts := fast()
		opts.PollInterval = time.Hour
		first := f.Queue(t, s, 1)
		pool, _ := start(t, s, sms1(fake), opts)
		waitDelivery(t, s, first[0].ID) // the pool has polled and now sleeps for an hour

		second := f.Queue(t, s, 1)
		pool.Wake()
		pool.Wake() // coalesces, never blocks
		if m := waitDelivery(t, s, second[0].ID); m.Delivery != hub.DeliverySent {
			t.Fatalf("message = %s, want sent", m.Delivery)
		}
	})
}

// TestTwoPools runs two pools, each on its own connection pool as two
// processes would, over the same messages: every message is sent once.
func TestTwoPools(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		f := storetest.NewFixture(t, s)
		const total = 200
		msgs := f.Queue(t, s, total)
		fake := &fakeSender{reply: func(ctx context.Context, m outbox.Message, call, _ int) (outbox.Receipt, error) {
			time.Sleep(time.Millisecond) // a provider takes a while
			return accept(m, call), nil
		}}
		other := storetest.Open(t, b)
		_, stop1 := start(t, s, sms1(fake), fast())
		_, stop2 := start(t, other, sms1(fake), fast())

		storetest.WaitFor(t, 60*time.Second, func() bool {
			pending, _, _, err := s.OutboxStats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return pending == 0
		})
		stop1()
		stop2()
		for _, m := range msgs {
			if n := fake.callsOf(m.ID); n != 1 {
				t.Errorf("message %d sent %d times", m.ID, n)
			}
			if got := storetest.Message(t, s, m.ID); got.Delivery != hub.DeliverySent {
				t.Errorf("message %d is %s", m.ID, got.Delivery)
			}
		}
		if n := fake.totalCalls(); n != total {
			t.Errorf("%d provider calls, want %d", n, total)
		}
	})
}

// TestRestart stops a pool while a send is in flight: that send still
// records its result, nothing stays leased, and a new pool sends the rest.
func TestRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		f := storetest.NewFixture(t, s)
		const total = 60
		msgs := f.Queue(t, s, total)

		var stop1 func()
		stopping := make(chan struct{})
		var stopOnce sync.Once
		fake := &fakeSender{reply: func(ctx context.Context, m outbox.Message, call, n int) (outbox.Receipt, error) {
			if n == 10 {
				stopOnce.Do(func() { close(stopping) })
				time.Sleep(50 * time.Millisecond) // Run sees the cancel while this send is in flight
			}
			if err := ctx.Err(); err != nil { // as a real provider call would
				return outbox.Receipt{}, &sms.Error{Provider: "fake", Message: "cancelled", Err: err}
			}
			return accept(m, call), nil
		}}
		opts := fast()
		opts.Workers = 2
		_, stop1 = start(t, s, sms1(fake), opts)
		<-stopping
		stop1()

		sentBefore := 0
		for _, m := range msgs {
			item := storetest.Outbox(t, s, m.ID)
			if item.State == hub.OutboxPending && item.LeaseUntil != nil {
				t.Fatalf("message %d is still leased after Run returned", m.ID)
			}
			if got := storetest.Message(t, s, m.ID); got.Delivery == hub.DeliverySent {
				sentBefore++
			} else if got.Delivery != hub.DeliveryQueued || got.Error != "" {
				t.Fatalf("message %d is %s %q after the first pool", m.ID, got.Delivery, got.Error)
			}
		}
		if calls := fake.totalCalls(); sentBefore != calls || sentBefore >= total {
			t.Fatalf("first pool: %d sent, %d calls; want every call recorded as sent and some left", sentBefore, calls)
		}

		start(t, s, sms1(fake), fast())
		for _, m := range msgs {
			waitDelivery(t, s, m.ID)
		}
		for _, m := range msgs {
			if n := fake.callsOf(m.ID); n != 1 {
				t.Errorf("message %d sent %d times", m.ID, n)
			}
			if got := storetest.Message(t, s, m.ID); got.Delivery != hub.DeliverySent {
				t.Errorf("message %d is %s", m.ID, got.Delivery)
			}
		}
	})
}

func TestDefaultBackoff(t *testing.T) {
	tests := []struct {
		attempt int
		base    time.Duration
	}{
		{1, 5 * time.Second},
		{2, 10 * time.Second},
		{4, 40 * time.Second},
		{9, 1280 * time.Second},
		{10, 30 * time.Minute},
		{50, 30 * time.Minute},
	}
	for _, tt := range tests {
		for range 50 {
			d := outbox.DefaultBackoff(tt.attempt)
			lo, hi := tt.base*8/10, tt.base*12/10
			if d < lo || d > hi {
				t.Fatalf("DefaultBackoff(%d) = %v, want %v ± 20%%", tt.attempt, d, tt.base)
			}
		}
	}
}

func TestNewRejectsShortLease(t *testing.T) {
	s := storetest.Open(t, storetest.Backend{Name: "sqlite", DataDir: t.TempDir()})
	if _, err := outbox.New(s, nil, outbox.Options{Lease: 20 * time.Second, SendTimeout: 30 * time.Second}); err == nil {
		t.Fatal("a lease shorter than a send was accepted")
	}
	if _, err := outbox.New(s, nil, outbox.Options{}); err != nil {
		t.Fatalf("defaults: %v", err)
	}
}
