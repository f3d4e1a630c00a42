package outbox_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/sms"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// smsProvider is an SMS provider answering from a script, speaking the
// sms package's own message and receipt.
type smsProvider struct {
	mu    sync.Mutex
	got   []sms.Message
	reply func(call int) (sms.Receipt, error)
}

func (p *smsProvider) Name() string { return "sms-fake" }

func (p *smsProvider) Send(_ context.Context, m sms.Message) (sms.Receipt, error) {
	p.mu.Lock()
	p.got = append(p.got, m)
	call := len(p.got)
	p.mu.Unlock()
	return p.reply(call)
}

func (p *smsProvider) sent() []sms.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]sms.Message(nil), p.got...)
}

// An SMS provider wrapped by sms.OutboxSender gets the queued message whole,
// its name is recorded with the attempt, and its "delivered" receipt
// makes the message delivered.
func TestSMSProviderAsSender(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		f := storetest.NewFixture(t, s)
		msgs := f.Queue(t, s, 1)
		provider := &smsProvider{reply: func(int) (sms.Receipt, error) {
			return sms.Receipt{ProviderID: "SM-D1", State: sms.StateDelivered}, nil
		}}
		start(t, s, map[string]outbox.Sender{hub.ChannelSMS: sms.OutboxSender(provider)}, fast())

		m := waitDelivery(t, s, msgs[0].ID)
		if m.Delivery != hub.DeliveryDelivered || m.ProviderID != "SM-D1" {
			t.Fatalf("message = %s %q, want delivered SM-D1", m.Delivery, m.ProviderID)
		}
		got := provider.sent()
		want := sms.Message{To: f.Thread.Phone, Body: msgs[0].Body, ThreadID: f.Thread.ID, MessageID: m.ID}
		if len(got) != 1 || got[0] != want {
			t.Fatalf("provider got %+v, want %+v", got, want)
		}
		if as := attempts(t, s, storetest.Outbox(t, s, m.ID).ID); len(as) != 1 || as[0].Provider != "sms-fake" {
			t.Fatalf("attempts = %+v, want one by sms-fake", as)
		}
	})
}

// A sent receipt leaves the message sent, and a permanent *sms.Error
// through the wrapper fails the next message at once: the pool still
// reads the provider's classification.
func TestSMSProviderReceiptsAndErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		f := storetest.NewFixture(t, s)
		msgs := f.Queue(t, s, 2)
		provider := &smsProvider{reply: func(call int) (sms.Receipt, error) {
			if call == 1 {
				return sms.Receipt{ProviderID: "SM-S1", State: sms.StateSent}, nil
			}
			return sms.Receipt{}, &sms.Error{Provider: "sms-fake", Permanent: true, Code: "21211", Message: "Invalid 'To' Phone Number"}
		}}
		opts := fast()
		opts.Workers, opts.MaxAttempts = 1, 5
		start(t, s, map[string]outbox.Sender{hub.ChannelSMS: sms.OutboxSender(provider)}, opts)

		first, second := waitDelivery(t, s, msgs[0].ID), waitDelivery(t, s, msgs[1].ID)
		if first.Delivery != hub.DeliverySent || first.ProviderID != "SM-S1" {
			t.Errorf("first message = %s %q, want sent SM-S1", first.Delivery, first.ProviderID)
		}
		if second.Delivery != hub.DeliveryFailed || !strings.Contains(second.Error, "Invalid 'To' Phone Number") {
			t.Errorf("second message = %s %q, want failed with the provider's text", second.Delivery, second.Error)
		}
		if n := len(provider.sent()); n != 2 {
			t.Errorf("%d sends, want 2 (a permanent error is not retried)", n)
		}
	})
}
