package whatsapp_test

import (
	"strings"
	"testing"

	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// TestHiddenNumberIsAnsweredAndLinked: a customer WhatsApp shows only by
// a LID is answered in that LID chat; once a message reveals their number,
// the same thread and its customer get it, and no second lead is opened.
func TestHiddenNumberIsAnsweredAndLinked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newInRig(t, s, whatsapp.InboundOptions{})
		if err := r.fake.Connect(); err != nil {
			t.Fatal(err)
		}
		lid := watest.LIDJID("404")
		r.emit(t, watest.DirectLID(lid, types.EmptyJID, "L1", "Оля", watest.Text("когда будет готово?")))
		leads := r.leads(t)
		if len(leads) != 1 || leads[0].Phone != "" {
			t.Fatalf("leads %+v, want one without a number", leads)
		}
		lead := leads[0]

		reply, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: lead.ID, Channel: hub.ChannelWhatsApp, Recipient: lead.Phone,
			Body: "Завтра к обеду", Author: "Анна"})
		if err != nil {
			t.Fatal(err)
		}
		item := storetest.Outbox(t, s, reply.ID)
		if reply.Delivery != hub.DeliveryQueued || item.Recipient != lid.String() {
			t.Fatalf("reply %s %q to %q, want queued to %s", reply.Delivery, reply.Error, item.Recipient, lid)
		}
		clients := &watest.Clients{}
		clients.Set(r.acc.ID, r.fake)
		sender := whatsapp.NewSender(s, r.media, clients, whatsapp.SenderOptions{Logger: quiet(), Jitter: noJitter})
		if _, err := sender.Send(ctx, outbox.Message{To: item.Recipient, Body: reply.Body, ThreadID: lead.ID, MessageID: reply.ID}); err != nil {
			t.Fatalf("send to the LID: %v", err)
		}
		if sent := r.fake.Sent(); len(sent) != 1 || sent[0].To != lid {
			t.Fatalf("sent %+v, want the LID chat", sent)
		}
		if checked := r.fake.Checked(); len(checked) != 0 {
			t.Fatalf("asked WhatsApp about %v: a LID has no number to check", checked)
		}

		r.emit(t, watest.DirectLID(lid, watest.PhoneJID("79160004040"), "L2", "Оля", watest.Text("спасибо")))
		if leads := r.leads(t); len(leads) != 1 || leads[0].ID != lead.ID || leads[0].Phone != "+79160004040" {
			t.Fatalf("leads %+v, want the same one with the number", leads)
		}
		msgs := r.messages(t, lead.ID)
		last := msgs[len(msgs)-1]
		if last.Body != "спасибо" || !strings.Contains(msgs[len(msgs)-2].Body, "+79160004040") {
			t.Fatalf("thread %+v, want a note naming the number and the message", msgs)
		}
		phones, err := s.CustomerPhones(ctx, *lead.CustomerID)
		if err != nil || len(phones) != 1 || phones[0] != "+79160004040" {
			t.Fatalf("customer phones %v %v", phones, err)
		}
	})
}
