package whatsapp_test

import (
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// A message the hub sent in several parts (its words with a photo, then a
// second photo) is one message in the thread: the customer's reaction to
// the second photo, and their reply quoting it, land on that message like
// those naming the first part.
func TestInboundFindsEveryPartOfASentMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newSendRig(t, s)
		in := whatsapp.NewInbound(s, r.media, whatsapp.InboundOptions{Logger: quiet()})
		sess := whatsapp.Session{Account: r.acc, Client: r.fake}
		r.fake.AddEventHandlerWithSuccessStatus(func(evt any) bool { return in.Handle(sess, evt) })
		m := r.queue(t, sendCustomer, "Было и стало",
			sendFile{"before.jpg", "image/jpeg", []byte("\xff\xd8\xff before")},
			sendFile{"after.jpg", "image/jpeg", []byte("\xff\xd8\xff after")})
		r.runPools(t, sendFast())
		if got := r.waitMessage(t, m.ID, leftQueue); got.Delivery != hub.DeliverySent {
			t.Fatalf("message %s %q, want sent", got.Delivery, got.Error)
		}
		sent := r.fake.Sent()
		if len(sent) != 2 {
			t.Fatalf("WhatsApp got %d parts, want 2 photos", len(sent))
		}
		second := string(sent[1].ID)

		customer := watest.PhoneJID(sendCustomerDigits)
		emit := func(id string, msg *waE2E.Message) {
			t.Helper()
			if !r.fake.Emit(watest.Direct(customer, id, "Иван", msg)) {
				t.Fatalf("message %s not taken", id)
			}
		}
		emit("R1", &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Key: key(customer, second, true), Text: proto.String("🔥")}})
		got := marks(t, s, r.thread.ID).Reactions[m.ID]
		if len(got) != 1 || got[0].Emoji != "🔥" || got[0].Author != "customer" {
			t.Fatalf("reactions on the message = %+v, want the customer's 🔥 on its second photo", got)
		}

		emit("Q1", &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("А тут царапина?"),
			ContextInfo: &waE2E.ContextInfo{StanzaID: proto.String(second), Participant: proto.String(r.acc.JID),
				QuotedMessage: &waE2E.Message{ImageMessage: &waE2E.ImageMessage{}}}}})
		var quoted bool
		for id, q := range marks(t, s, r.thread.ID).Quotes {
			if id != m.ID && q.QuotedID != nil && *q.QuotedID == m.ID && q.Text == "Было и стало" {
				quoted = true
			}
		}
		if !quoted {
			t.Fatalf("quotes %+v, want the reply tied to the message, with its words", marks(t, s, r.thread.ID).Quotes)
		}
	})
}
