package inbound_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"naryad/email"
	"naryad/email/inbound"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/templates"
)

// A hard bounce (Action: failed, Status 5.x.x) fails the message with the
// remote server's reason, tells the DMS by delivery_failed and marks the
// address invalid; the same bounce again changes nothing.
func TestHardBounce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		r := newRig(t, s, inbound.Options{})
		m := r.queueEmail(t, "m1@reply.example.pl")
		bounce := r.addrs.Bounce(m.ID)
		mail := dsn(bounce, "failed", "5.1.1", "550 5.1.1 <anna@example.pl>: Recipient address rejected: User unknown")
		if err := r.send(bounce, mail); err != nil {
			t.Fatal(err)
		}
		got := storetest.Message(t, s, m.ID)
		if got.Delivery != hub.DeliveryFailed || !strings.Contains(got.Error, "User unknown") || strings.Contains(got.Error, "smtp;") {
			t.Fatalf("message %s %q", got.Delivery, got.Error)
		}
		if item := storetest.Outbox(t, s, m.ID); item.State != hub.OutboxFailed {
			t.Fatalf("outbox row %s", item.State)
		}
		if _, ok, err := s.EmailUsable(ctx, r.customer); err != nil || ok {
			t.Fatalf("address still usable: %v %v", ok, err)
		}
		ch := r.changes(t, hub.ChangeDeliveryFailed)
		if len(ch) != 1 {
			t.Fatalf("%d delivery_failed changes", len(ch))
		}
		var data hub.DeliveryFailedData
		if err := json.Unmarshal([]byte(ch[0].Data), &data); err != nil {
			t.Fatal(err)
		}
		if data.MessageID != m.ID || data.Recipient != "anna@example.pl" || !strings.Contains(data.Error, "User unknown") {
			t.Fatalf("change %+v", data)
		}

		if err := r.send(bounce, mail); err != nil {
			t.Fatal(err)
		}
		if n := len(r.changes(t, hub.ChangeDeliveryFailed)); n != 1 {
			t.Fatalf("a second bounce: %d delivery_failed changes", n)
		}
	})
}

// A delay (Action: delayed, Status 4.x.x) leaves a staff note and nothing
// else; an out-of-office reply to the bounce address is dropped.
func TestSoftBounceAndAutoReply(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		r := newRig(t, s, inbound.Options{})
		m := r.queueEmail(t, "m2@reply.example.pl")
		bounce := r.addrs.Bounce(m.ID)
		if err := r.send(bounce, dsn(bounce, "delayed", "4.4.1", "connect to mx.example.pl: Connection timed out")); err != nil {
			t.Fatal(err)
		}
		if got := storetest.Message(t, s, m.ID); got.Delivery != hub.DeliveryQueued {
			t.Fatalf("soft bounce moved the message to %s", got.Delivery)
		}
		if _, ok, _ := s.EmailUsable(ctx, r.customer); !ok {
			t.Fatal("soft bounce marked the address")
		}
		if notes := r.system(t, templates.SysEmailDelayed); len(notes) == 0 || !strings.Contains(notes[0].Text("en"), "timed out") {
			t.Fatalf("delay note: %+v", notes)
		}

		// A temporary failure said as "failed" is still no hard bounce.
		if err := r.send(bounce, dsn(bounce, "failed", "4.2.2", "452 4.2.2 Mailbox full")); err != nil {
			t.Fatal(err)
		}
		if got := storetest.Message(t, s, m.ID); got.Delivery != hub.DeliveryQueued {
			t.Fatalf("a 4.x.x failure moved the message to %s", got.Delivery)
		}

		ooo := "From: anna@example.pl\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nI am away until Monday.\r\n"
		if err := r.send(bounce, []byte(ooo)); err != nil {
			t.Fatalf("out-of-office: %v", err)
		}
		if got := storetest.Message(t, s, m.ID); got.Delivery != hub.DeliveryQueued {
			t.Fatalf("out-of-office moved the message to %s", got.Delivery)
		}
		if n := len(r.changes(t, hub.ChangeDeliveryFailed)); n != 0 {
			t.Fatalf("%d delivery_failed changes", n)
		}
		if got := r.inbound(t); len(got) != 0 {
			t.Fatalf("the auto-reply landed in the thread: %+v", got)
		}
	})
}

// fallbackCalls records the messages handed to the SMS fallback.
type fallbackCalls struct {
	mu  sync.Mutex
	ids []int64
}

func (f *fallbackCalls) EmailFailed(_ context.Context, messageID int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids = append(f.ids, messageID)
	return nil
}

func (f *fallbackCalls) calls() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int64(nil), f.ids...)
}

// A hard bounce hands the message to the SMS fallback once, and only on a
// branch whose e-mail settings ask for it.
func TestHardBounceSMSFallback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		fb := &fallbackCalls{}
		r := newRig(t, s, inbound.Options{Fallback: fb})
		if err := s.SaveBranchEmailSettings(ctx, hub.BranchEmailSettings{BranchID: r.f.Branch.ID, FromAddress: "serwis@example.pl"}); err != nil {
			t.Fatal(err)
		}
		first := r.queueEmail(t, "f1@reply.example.pl")
		if err := r.send(r.addrs.Bounce(first.ID), dsn(r.addrs.Bounce(first.ID), "failed", "5.1.1", "550 5.1.1 unknown")); err != nil {
			t.Fatal(err)
		}
		if got := fb.calls(); len(got) != 0 {
			t.Fatalf("fallback without the branch's setting: %v", got)
		}
		if err := s.SaveBranchEmailSettings(ctx, hub.BranchEmailSettings{BranchID: r.f.Branch.ID, FromAddress: "serwis@example.pl", SMSFallback: true}); err != nil {
			t.Fatal(err)
		}
		second := r.queueEmail(t, "f2@reply.example.pl")
		bounce := r.addrs.Bounce(second.ID)
		for range 2 {
			if err := r.send(bounce, dsn(bounce, "failed", "5.2.1", "550 5.2.1 mailbox disabled")); err != nil {
				t.Fatal(err)
			}
		}
		if got := fb.calls(); len(got) != 1 || got[0] != second.ID {
			t.Fatalf("fallback calls %v, want [%d]", got, second.ID)
		}
	})
}

// The listener with the outbound side's real fallback (as `serve` wires
// it): a branch with sms_fallback gets one SMS with the e-mail's words
// after a hard bounce, even when the bounce arrives twice.
func TestHardBounceSendsOneSMS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		r := newRig(t, s, inbound.Options{Fallback: email.NewFallback(s, nil, email.FallbackOptions{})})
		if err := s.SaveBranchEmailSettings(ctx, hub.BranchEmailSettings{BranchID: r.f.Branch.ID, FromAddress: "serwis@example.pl", SMSFallback: true}); err != nil {
			t.Fatal(err)
		}
		m := r.queueEmail(t, "sms1@reply.example.pl")
		bounce := r.addrs.Bounce(m.ID)
		for range 2 {
			if err := r.send(bounce, dsn(bounce, "failed", "5.1.1", "550 5.1.1 user unknown")); err != nil {
				t.Fatal(err)
			}
		}
		var sms []hub.OutboxItem
		err := s.Gorm(ctx).Raw(`SELECT o.* FROM outbox o JOIN messages m ON m.id = o.message_id WHERE m.thread_id = ? AND o.channel = ?`,
			r.f.Thread.ID, hub.ChannelSMS).Scan(&sms).Error
		if err != nil {
			t.Fatal(err)
		}
		if len(sms) != 1 || sms[0].Recipient != r.f.Thread.Phone || sms[0].Body != "Страховка заканчивается" {
			t.Fatalf("SMS = %+v, want one with the e-mail's words", sms)
		}
		if got := storetest.Message(t, s, m.ID); !strings.HasSuffix(got.Error, "; sent by SMS instead") {
			t.Fatalf("e-mail error %q", got.Error)
		}
	})
}
