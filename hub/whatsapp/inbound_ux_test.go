package whatsapp_test

import (
	"testing"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// quoting is a customer's reply quoting an earlier message, as WhatsApp
// sends it: the quoted id and words in the ContextInfo.
func quoting(text, quotedID, quotedText string) *waE2E.Message {
	return &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String(text),
		ContextInfo: &waE2E.ContextInfo{StanzaID: proto.String(quotedID), Participant: proto.String(ivanDigits + "@s.whatsapp.net"),
			QuotedMessage: &waE2E.Message{Conversation: proto.String(quotedText)}}}}
}

func key(chat types.JID, id string, fromMe bool) *waCommon.MessageKey {
	return &waCommon.MessageKey{RemoteJID: proto.String(chat.String()), ID: proto.String(id), FromMe: proto.Bool(fromMe)}
}

func marks(t *testing.T, s *store.Store, threadID int64) store.MessageMarks {
	t.Helper()
	m, err := s.ThreadMessageMarks(t.Context(), threadID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A customer's quote shows the words it quotes, tied to the quoted
// message when the hub has it; a quote of a message the hub never had
// keeps the words WhatsApp carried.
func TestInboundQuoteKeepsTheQuotedWords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", ivanPhone)
		th := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		from := watest.PhoneJID(ivanDigits)
		r.emit(t, watest.Direct(from, "Q1", "Иван", watest.Text("Сколько стоят колодки?")))
		r.emit(t, watest.Direct(from, "Q2", "Иван", quoting("И диски тоже", "Q1", "Сколько стоят колодки?")))
		r.emit(t, watest.Direct(from, "Q3", "Иван", quoting("Это ещё актуально?", "OLD", "Старое сообщение")))

		msgs := r.messages(t, th.ID)
		if len(msgs) != 3 || msgs[1].Body != "И диски тоже" {
			t.Fatalf("messages %+v", msgs)
		}
		got := marks(t, s, th.ID).Quotes
		q := got[msgs[1].ID]
		if q.QuotedID == nil || *q.QuotedID != msgs[0].ID || q.Text != "Сколько стоят колодки?" {
			t.Fatalf("quote of the second message = %+v, want the first one's words and id", q)
		}
		if q := got[msgs[2].ID]; q.QuotedID != nil || q.Text != "Старое сообщение" {
			t.Fatalf("quote of an unknown message = %+v, want its words alone", q)
		}
		if _, ok := got[msgs[0].ID]; ok {
			t.Fatal("a message without a quote got one")
		}
	})
}

// A reaction shows on the message it reacts to, replaces the person's
// earlier one, and an empty one takes it back. A 👍 on the estimate
// message approves no line and is no message of its own.
func TestInboundReactionShowsAndNeverApproves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", ivanPhone)
		th := r.order(t, "ЗН-1", hub.StatusWaitingApproval, ivan, ivanPhone)
		err := s.UpsertLines(ctx, *th.WorkOrderID, []hub.WorkOrderLine{{ExternalID: "1", Position: 1, Kind: hub.LinePart,
			Name: "Колодки", QtyMilli: 1000, UnitPriceMinor: 450000, TotalMinor: 450000, NeedsApproval: true}})
		if err != nil {
			t.Fatal(err)
		}
		// Sent over WhatsApp: only such a message takes a WhatsApp reaction.
		estimate, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: th.ID, Channel: hub.ChannelWhatsApp, Recipient: ivanPhone,
			Body: "Согласуйте колодки: 4500 ₽", Author: "Анна"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Gorm(ctx).Exec(`UPDATE messages SET provider_id = ?, delivery = ? WHERE id = ?`,
			"3EB0ESTIMATE", hub.DeliveryDelivered, estimate.ID).Error; err != nil {
			t.Fatal(err)
		}
		from := watest.PhoneJID(ivanDigits)
		react := func(id, emoji string) {
			r.emit(t, watest.Direct(from, id, "Иван", &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{
				Key: key(from, "3EB0ESTIMATE", false), Text: proto.String(emoji)}}))
		}

		react("R1", "👍")
		got := marks(t, s, th.ID).Reactions[estimate.ID]
		if len(got) != 1 || got[0].Emoji != "👍" || got[0].Author != "customer" {
			t.Fatalf("reactions = %+v, want the customer's 👍", got)
		}
		lines, err := s.Lines(ctx, *th.WorkOrderID)
		if err != nil || len(lines) != 1 || lines[0].Decision != "" {
			t.Fatalf("lines = %+v %v: a reaction decided a line", lines, err)
		}
		if msgs := r.messages(t, th.ID); len(msgs) != 1 {
			t.Fatalf("messages %+v: a reaction became a message", msgs)
		}
		if n := len(r.changes(t, hub.ChangeCustomerMessage)); n != 0 {
			t.Fatalf("%d customer_message changes: the DMS heard a reaction as words", n)
		}

		react("R2", "❤️")
		if got := marks(t, s, th.ID).Reactions[estimate.ID]; len(got) != 1 || got[0].Emoji != "❤️" {
			t.Fatalf("reactions = %+v, want the new one in place of the old", got)
		}
		react("R3", "")
		if got := marks(t, s, th.ID).Reactions[estimate.ID]; len(got) != 0 {
			t.Fatalf("reactions = %+v, want none after it was taken back", got)
		}
		react("R4", "👍") // and once more, redelivered: still one
		react("R4", "👍")
		if got := marks(t, s, th.ID).Reactions[estimate.ID]; len(got) != 1 {
			t.Fatalf("reactions = %+v", got)
		}
	})
}

// An edit replaces the words and keeps the first ones for staff; a
// deletion for everyone keeps the message for staff, marked, and hides it
// from the customer's page.
func TestInboundEditAndDeleteKeepEvidence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", ivanPhone)
		th := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		from := watest.PhoneJID(ivanDigits)
		r.emit(t, watest.Direct(from, "E1", "Иван", watest.Text("Заберу в пятницу")))
		r.emit(t, watest.Direct(from, "E2", "Иван", watest.Text("Вы мне поцарапали дверь!")))

		// An edit as whatsmeow hands it over after unwrapping.
		edit := watest.Direct(from, "E1-edit", "Иван", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(), Key: key(from, "E1", true),
			EditedMessage: watest.Text("Заберу в субботу")}})
		edit.IsEdit, edit.Info.Edit = true, types.EditAttributeMessageEdit
		r.emit(t, edit)
		revoke := watest.Direct(from, "E2-revoke", "Иван", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: key(from, "E2", true)}})
		revoke.Info.Edit = types.EditAttributeSenderRevoke
		r.emit(t, revoke)
		// Changes of a message the hub never had are dropped, not failed.
		r.emit(t, watest.Direct(from, "E3-revoke", "Иван", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: key(from, "NEVER", true)}}))

		msgs := r.messages(t, th.ID)
		if len(msgs) != 2 {
			t.Fatalf("messages %+v: an edit or a deletion became a message", msgs)
		}
		if msgs[0].Body != "Заберу в субботу" {
			t.Fatalf("edited body %q", msgs[0].Body)
		}
		if msgs[1].Body != "Вы мне поцарапали дверь!" {
			t.Fatalf("deleted message's words %q, want them kept for staff", msgs[1].Body)
		}
		ch := marks(t, s, th.ID).Changes
		if c := ch[msgs[0].ID]; c.EditedAt == nil || c.RevokedAt != nil || c.OriginalBody != "Заберу в пятницу" {
			t.Fatalf("edit = %+v", c)
		}
		if c := ch[msgs[1].ID]; c.RevokedAt == nil || c.OriginalBody != "Вы мне поцарапали дверь!" {
			t.Fatalf("deletion = %+v", c)
		}
		revoked, err := s.RevokedMessageIDs(ctx, th.ID)
		if err != nil || len(revoked) != 1 || !revoked[msgs[1].ID] {
			t.Fatalf("revoked = %v %v", revoked, err)
		}

		// An edit after the deletion changes nothing: the evidence stays.
		late := watest.Direct(from, "E2-edit", "Иван", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(), Key: key(from, "E2", true), EditedMessage: watest.Text("всё хорошо")}})
		late.IsEdit = true
		r.emit(t, late)
		if m := r.messages(t, th.ID)[1]; m.Body != "Вы мне поцарапали дверь!" {
			t.Fatalf("deleted message edited to %q", m.Body)
		}
	})
}

// A chat's disappearing-message timer is learnt from the messages that
// carry it and from the setting's own message.
func TestInboundLearnsTheChatTimer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", ivanPhone)
		r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		from := watest.PhoneJID(ivanDigits)
		week := uint32(7 * 24 * 3600)
		r.emit(t, watest.Direct(from, "T1", "Иван", &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
			Text: proto.String("Привет"), ContextInfo: &waE2E.ContextInfo{Expiration: proto.Uint32(week)}}}))
		if got, err := s.WAChatTimer(ctx, r.acc.ID, from.String()); err != nil || got != week {
			t.Fatalf("timer = %d %v, want a week", got, err)
		}
		r.emit(t, watest.Direct(from, "T2", "Иван", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_EPHEMERAL_SETTING.Enum(), EphemeralExpiration: proto.Uint32(0)}}))
		if got, err := s.WAChatTimer(ctx, r.acc.ID, from.String()); err != nil || got != 0 {
			t.Fatalf("timer = %d %v, want off", got, err)
		}
	})
}
