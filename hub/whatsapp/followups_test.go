package whatsapp_test

import (
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
)

// TestUndeliveredStatusGoesBySMSToo: a status message WhatsApp sent but
// the phone never confirmed goes by SMS with the page link once the
// branch's hours passed, once however many sweepers run; the thread shows
// both. A delivered one, an advisor's own words and a young one do not.
func TestUndeliveredStatusGoesBySMSToo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newSendRig(t, s)
		status := r.queue(t, sendCustomer, "Машина готова")
		delivered := r.queue(t, sendCustomer, "Счёт готов")
		reply, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: r.thread.ID, Channel: hub.ChannelWhatsApp,
			Recipient: sendCustomer, Body: "Добрый день", Author: "Анна"})
		if err != nil {
			t.Fatal(err)
		}
		smsPool := sendStartPool(t, s, map[string]outbox.Sender{hub.ChannelSMS: r.smsBox}, sendFast())
		sendStartPool(t, s, map[string]outbox.Sender{hub.ChannelWhatsApp: r.sender}, sendFast())
		for _, m := range []hub.Message{status, delivered, reply} {
			r.waitMessage(t, m.ID, leftQueue)
		}
		deliveredID := storetest.Message(t, s, delivered.ID).ProviderID
		if found, err := s.UpdateDeliveryByWAID(ctx, deliveredID, hub.DeliveryDelivered); err != nil || !found {
			t.Fatalf("receipt: %v %v", found, err)
		}

		clock := time.Now()
		sweeper := func() *whatsapp.Followups {
			return whatsapp.NewFollowups(s, r.links, whatsapp.FollowupOptions{Logger: quiet(), Queued: smsPool.Wake,
				Now: func() time.Time { return clock }})
		}
		if n, err := sweeper().Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("at once: %d %v, want nothing", n, err)
		}
		clock = clock.Add(5*time.Hour + 59*time.Minute)
		if n, err := sweeper().Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("before 6 h: %d %v, want nothing", n, err)
		}
		clock = clock.Add(2 * time.Minute)
		if n, err := sweeper().Sweep(ctx); err != nil || n != 1 {
			t.Fatalf("after 6 h: %d %v, want one SMS", n, err)
		}
		for range 2 { // a second instance, a restart
			if n, err := sweeper().Sweep(ctx); err != nil || n != 0 {
				t.Fatalf("again: %d %v, want nothing", n, err)
			}
		}
		wa := storetest.Message(t, s, status.ID)
		if wa.Delivery != hub.DeliverySent || !strings.Contains(wa.Error, "sent by SMS too") {
			t.Fatalf("WhatsApp message %s %q, want sent and marked", wa.Delivery, wa.Error)
		}
		var followup *hub.Message
		for _, m := range r.messages(t) {
			if m.ID > reply.ID && strings.HasPrefix(m.Body, status.Body+"\n") {
				followup = &m
			}
		}
		if followup == nil || len(r.messages(t)) != 4 {
			t.Fatalf("thread %+v, want the three WhatsApp messages and one SMS", r.messages(t))
		}
		l, err := s.ActiveMagicLink(ctx, r.thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		if item := storetest.Outbox(t, s, followup.ID); item.Channel != hub.ChannelSMS || !strings.HasSuffix(followup.Body, hub.MaskLinks(r.links.URL(l.Salt))) {
			t.Fatalf("follow-up %+v on %s, want an SMS with the page link (masked as stored)", followup, item.Channel)
		}
		if got := r.waitMessage(t, followup.ID, leftQueue); got.Delivery != hub.DeliverySent || !r.smsBox.got(followup.ID) {
			t.Fatalf("SMS %s, want sent by the SMS pool", got.Delivery)
		}
		if body, want := r.smsBox.body(followup.ID), status.Body+"\n"+r.links.URL(l.Salt); body != want {
			t.Fatalf("the SMS provider got %q, want %q", body, want)
		}
	})
}

// TestFollowupOffForBranch: hours 0 turn follow-ups off.
func TestFollowupOffForBranch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newSendRig(t, s)
		if err := s.SetBranchWASettings(ctx, r.f.Branch.ID, store.WASettings{GroupLeaveDays: 3}); err != nil {
			t.Fatal(err)
		}
		m := r.queue(t, sendCustomer, "Машина готова")
		sendStartPool(t, s, map[string]outbox.Sender{hub.ChannelWhatsApp: r.sender}, sendFast())
		r.waitMessage(t, m.ID, leftQueue)
		f := whatsapp.NewFollowups(s, r.links, whatsapp.FollowupOptions{Logger: quiet(),
			Now: func() time.Time { return time.Now().Add(30 * 24 * time.Hour) }})
		if n, err := f.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("%d %v, want nothing", n, err)
		}
	})
}
