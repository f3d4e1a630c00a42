package whatsapp_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// A customer's phone can send words no database keeps (a NUL byte,
// broken UTF-8) and far too many of them. A message, an edit, a quote
// or a reaction carrying them is stored cleaned, never refused: a
// refused one would be delivered again and again.
func TestInboundHostileWordsAreStoredClean(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", ivanPhone)
		th := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		from := watest.PhoneJID(ivanDigits)
		r.emit(t, watest.Direct(from, "H1", "Иван", watest.Text("до\x00бр\xffый")))
		edit := watest.Direct(from, "H1-edit", "Иван", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(), Key: key(from, "H1", true),
			EditedMessage: watest.Text("за\x00бе\xfeру " + strings.Repeat("я", 1<<19))}})
		edit.IsEdit, edit.Info.Edit = true, types.EditAttributeMessageEdit
		for range 15 {
			r.emit(t, edit)
		}
		r.emit(t, watest.Direct(from, "H2", "Иван", quoting("ответ", "H1", "цит\x00ата\xff"+strings.Repeat("ц", 1<<19))))
		r.emit(t, watest.Direct(from, "H3", "Иван", &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{
			Key: key(from, "H1", true), Text: proto.String("\x00👍\xff" + strings.Repeat("x", 1<<16))}}))

		msgs := r.messages(t, th.ID)
		if len(msgs) != 2 {
			t.Fatalf("%d messages, want 2", len(msgs))
		}
		for _, m := range msgs {
			if strings.ContainsRune(m.Body, 0) || !utf8.ValidString(m.Body) {
				t.Fatalf("body %q kept a NUL or broken UTF-8", m.Body[:min(len(m.Body), 40)])
			}
		}
		if !strings.HasPrefix(msgs[0].Body, "забе\uFFFDру я") || utf8.RuneCountInString(msgs[0].Body) > 65537 {
			t.Fatalf("edited body %q", msgs[0].Body[:40])
		}
		mk := marks(t, s, th.ID)
		if c := mk.Changes[msgs[0].ID]; c.EditedAt == nil || c.OriginalBody != "добр\uFFFDый" {
			t.Fatalf("edit = %+v", c)
		}
		q := mk.Quotes[msgs[1].ID]
		if strings.ContainsRune(q.Text, 0) || !utf8.ValidString(q.Text) || len(q.Text) > 4096 {
			t.Fatalf("quote %d bytes, NUL or broken", len(q.Text))
		}
		rs := mk.Reactions[msgs[0].ID]
		if len(rs) != 1 || strings.ContainsRune(rs[0].Emoji, 0) || !utf8.ValidString(rs[0].Emoji) || len(rs[0].Emoji) > 64 {
			t.Fatalf("reactions %d: %+v", len(rs), rs)
		}
	})
}

// A quote or a reaction names its message by an id the customer's phone
// chose. One naming a message WhatsApp never carried (another customer's
// SMS under its gateway's id) neither shows that message's words in this
// thread nor marks it.
func TestInboundQuoteOrReactionNeverReachesAnotherChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", ivanPhone)
		th := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		petr := r.customer(t, "C-2", "+79035556677")
		other := r.order(t, "ЗН-2", hub.StatusInProgress, petr, "+79035556677")
		sms := hub.Message{ThreadID: other.ID, Direction: hub.DirectionOut, Body: "Ваш код 4321", Author: "naryad", ProviderID: "777"}
		if err := s.AddMessage(t.Context(), &sms); err != nil {
			t.Fatal(err)
		}
		from := watest.PhoneJID(ivanDigits)
		r.emit(t, watest.Direct(from, "X1", "Иван", quoting("а это что?", "777", "")))
		r.emit(t, watest.Direct(from, "X2", "Иван", &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{
			Key: key(from, "777", false), Text: proto.String("👍")}}))

		msgs := r.messages(t, th.ID)
		if len(msgs) != 1 {
			t.Fatalf("%d messages, want the quoting one", len(msgs))
		}
		if q := marks(t, s, th.ID).Quotes[msgs[0].ID]; q.QuotedID != nil || strings.Contains(q.Text, "4321") {
			t.Fatalf("quote %+v reached another customer's SMS", q)
		}
		if rs := marks(t, s, other.ID).Reactions[sms.ID]; len(rs) != 0 {
			t.Fatalf("another customer's SMS got reactions %+v", rs)
		}
	})
}
