package whatsapp_test

import (
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// sentOverWhatsApp queues a message on the rig's fixture thread and marks
// it sent under a WhatsApp id, as the sender does.
func sentOverWhatsApp(t *testing.T, r *inRig, body, waID string) hub.Message {
	t.Helper()
	ctx := t.Context()
	m, err := r.s.QueueMessage(ctx, store.Outgoing{ThreadID: r.f.Thread.ID, Channel: hub.ChannelWhatsApp,
		Recipient: r.f.Thread.Phone, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	items, err := r.s.ClaimOutbox(ctx, 10, time.Minute, []string{hub.ChannelWhatsApp})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.MessageID == m.ID {
			a := &hub.DeliveryAttempt{OutboxID: it.ID, Attempt: 1, Provider: "whatsapp", ProviderID: waID, StartedAt: time.Now(), FinishedAt: time.Now()}
			if err := r.s.MarkOutboxSent(ctx, it, a, hub.DeliverySent); err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
	t.Fatalf("message %d not claimed", m.ID)
	return m
}

func TestReceiptsMoveDeliveryForward(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		chat := watest.PhoneJID("79161234567")
		a := sentOverWhatsApp(t, r, "Машина готова", "3EB0SENT01")
		b := sentOverWhatsApp(t, r, "Голосовое", "3EB0SENT02")
		c := sentOverWhatsApp(t, r, "Счёт", "3EB0SENT03")
		delivery := func(m hub.Message) string {
			t.Helper()
			return storetest.Message(t, s, m.ID).Delivery
		}

		steps := []struct {
			receipt types.ReceiptType
			ids     []string
			want    map[hub.Message]string
		}{
			{types.ReceiptTypeDelivered, []string{"3EB0SENT01", "3EB0SENT02"},
				map[hub.Message]string{a: hub.DeliveryDelivered, b: hub.DeliveryDelivered, c: hub.DeliverySent}},
			{types.ReceiptTypeRead, []string{"3EB0SENT01"}, map[hub.Message]string{a: hub.DeliveryRead, b: hub.DeliveryDelivered}},
			{types.ReceiptTypePlayed, []string{"3EB0SENT02"}, map[hub.Message]string{b: hub.DeliveryRead}},
			// Late or foreign reports change nothing: never backwards,
			// never from our own devices' receipts.
			{types.ReceiptTypeDelivered, []string{"3EB0SENT01"}, map[hub.Message]string{a: hub.DeliveryRead}},
			{types.ReceiptTypeReadSelf, []string{"3EB0SENT03"}, map[hub.Message]string{c: hub.DeliverySent}},
			{types.ReceiptTypeSender, []string{"3EB0SENT03"}, map[hub.Message]string{c: hub.DeliverySent}},
			{types.ReceiptTypeRetry, []string{"3EB0SENT03"}, map[hub.Message]string{c: hub.DeliverySent}},
			{types.ReceiptTypeServerError, []string{"3EB0SENT03"}, map[hub.Message]string{c: hub.DeliverySent}},
			{types.ReceiptTypeRead, []string{"UNKNOWN"}, map[hub.Message]string{c: hub.DeliverySent}},
		}
		for i, st := range steps {
			r.emit(t, watest.Receipt(chat, st.receipt, st.ids...))
			for m, want := range st.want {
				if got := delivery(m); got != want {
					t.Errorf("step %d (%s): message %q is %s, want %s", i, st.receipt, m.Body, got, want)
				}
			}
		}
		evs, err := s.ThreadEventsAfter(t.Context(), r.f.Thread.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if last := evs[len(evs)-1]; last.Kind != hub.EventDelivery || last.MessageID == nil || *last.MessageID != b.ID {
			t.Errorf("live pages did not hear of the last change: %+v", last)
		}
	})
}

func TestReceiptNotStoredIsNotAcknowledged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		m := sentOverWhatsApp(t, r, "Машина готова", "3EB0SENT01")
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if r.fake.Emit(watest.Receipt(watest.PhoneJID("79161234567"), types.ReceiptTypeRead, "3EB0SENT01")) {
			t.Fatalf("a receipt for message %d that could not be stored was acknowledged", m.ID)
		}
	})
}
