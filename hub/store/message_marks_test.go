package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// inbound stores a customer's WhatsApp message in the world's thread.
func (w waWorld) inbound(t *testing.T, s *store.Store, waID, body string) hub.Message {
	t.Helper()
	m, err := s.AddWAInbound(t.Context(), store.WAInbound{AccountID: w.acc.ID, Chat: "79161234567@s.whatsapp.net", WAID: waID,
		Thread: w.Thread, Direction: hub.DirectionIn, Body: body, Author: "customer", Sender: "79161234567@s.whatsapp.net"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMessageQuotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		w := newWAWorld(t, s)
		asked := w.inbound(t, s, "A1", "Сколько?")
		answer := w.inbound(t, s, "A2", "Понятно")
		if _, err := s.MessageQuoteOf(ctx, answer.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("quote of a message without one: %v", err)
		}
		if err := s.AddMessageQuote(ctx, answer.ID, nil, "  старое  "); err != nil {
			t.Fatal(err)
		}
		long := strings.Repeat("я", 600)
		if err := s.AddMessageQuote(ctx, answer.ID, &asked.ID, long); err != nil { // replaces the first
			t.Fatal(err)
		}
		q, err := s.MessageQuoteOf(ctx, answer.ID)
		if err != nil || q.QuotedID == nil || *q.QuotedID != asked.ID || len([]rune(q.Text)) != 501 {
			t.Fatalf("quote = %+v %v, want the second, its words cut to 500 and an ellipsis", q, err)
		}
		got, err := s.MessageByProviderID(ctx, w.Branch.ID, "A1")
		if err != nil || got.ID != asked.ID {
			t.Fatalf("by provider id = %+v %v", got, err)
		}
		for _, c := range []struct {
			branch int64
			id     string
		}{{w.Branch.ID, "NOPE"}, {w.Branch.ID, ""}, {w.Branch.ID + 1000, "A1"}} {
			if _, err := s.MessageByProviderID(ctx, c.branch, c.id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("message %q at branch %d: %v, want not found", c.id, c.branch, err)
			}
		}
		ref, err := s.WAInboundOfMessage(ctx, asked.ID)
		if err != nil || ref.WAID != "A1" || ref.Sender != "79161234567@s.whatsapp.net" || ref.AccountID != w.acc.ID {
			t.Fatalf("WhatsApp side = %+v %v", ref, err)
		}
		if ref, err := s.WAInboundByWAID(ctx, w.acc.ID, "79161234567@s.whatsapp.net", "A2"); err != nil || ref.MessageID != answer.ID {
			t.Fatalf("by WhatsApp id = %+v %v", ref, err)
		}
		if _, err := s.WAInboundByWAID(ctx, w.acc.ID, "other@s.whatsapp.net", "A2"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another chat's id: %v", err)
		}
	})
}

func TestMessageReactionsEditsAndDeletions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		w := newWAWorld(t, s)
		m := w.inbound(t, s, "B1", "Заберу в пятницу")
		other := w.inbound(t, s, "B2", "Вы поцарапали дверь")
		at := time.Now().UTC().Truncate(time.Second)

		for _, r := range []store.Reaction{
			{MessageID: m.ID, Reactor: "ivan", Author: "customer", Emoji: "👍", ReactedAt: at},
			{MessageID: m.ID, Reactor: "anna", Author: "WhatsApp phone", Emoji: "🙏", ReactedAt: at.Add(time.Second)},
			{MessageID: m.ID, Reactor: "ivan", Author: "customer", Emoji: "❤️", ReactedAt: at.Add(2 * time.Second)},
			{MessageID: m.ID, Reactor: "anna", Emoji: ""}, // taken back
		} {
			if err := s.SetReaction(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.EditMessage(ctx, m.ID, "Заберу в субботу", at); err != nil {
			t.Fatal(err)
		}
		if err := s.EditMessage(ctx, m.ID, "Заберу в воскресенье", at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeMessage(ctx, other.ID, at); err != nil {
			t.Fatal(err)
		}
		if err := s.EditMessage(ctx, other.ID, "всё хорошо", at.Add(time.Minute)); err != nil { // after the deletion: nothing
			t.Fatal(err)
		}
		if err := s.EditMessage(ctx, 999999, "x", at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("edit of a missing message: %v", err)
		}

		marks, err := s.ThreadMessageMarks(ctx, w.Thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rs := marks.Reactions[m.ID]; len(rs) != 1 || rs[0].Emoji != "❤️" || rs[0].Author != "customer" {
			t.Fatalf("reactions = %+v, want Иван's newest alone", rs)
		}
		if c := marks.Changes[m.ID]; c.OriginalBody != "Заберу в пятницу" || c.EditedAt == nil || c.RevokedAt != nil {
			t.Fatalf("edit = %+v, want the first words kept", c)
		}
		if c := marks.Changes[other.ID]; c.RevokedAt == nil || c.EditedAt != nil || c.OriginalBody != "Вы поцарапали дверь" {
			t.Fatalf("deletion = %+v", c)
		}
		if got := storetest.Message(t, s, m.ID).Body; got != "Заберу в воскресенье" {
			t.Fatalf("body %q, want the newest edit", got)
		}
		if got := storetest.Message(t, s, other.ID).Body; got != "Вы поцарапали дверь" {
			t.Fatalf("deleted message's body %q, want it kept", got)
		}
		revoked, err := s.RevokedMessageIDs(ctx, w.Thread.ID)
		if err != nil || len(revoked) != 1 || !revoked[other.ID] {
			t.Fatalf("revoked = %v %v", revoked, err)
		}
	})
}

func TestWhatsAppReadMarksTimersAndSetting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		w := newWAWorld(t, s)
		first, second := w.inbound(t, s, "C1", "раз"), w.inbound(t, s, "C2", "два")
		if _, err := s.AddWAInbound(ctx, store.WAInbound{AccountID: w.acc.ID, Chat: "79161234567@s.whatsapp.net", WAID: "C3",
			Thread: w.Thread, Direction: hub.DirectionOut, Delivery: hub.DeliverySent, Body: "с телефона", Author: "WhatsApp phone"}); err != nil {
			t.Fatal(err)
		}
		unread, err := s.UnreadWAInbound(ctx, w.Thread.ID, 10)
		if err != nil || len(unread) != 2 || unread[0].MessageID != first.ID || unread[1].WAID != "C2" {
			t.Fatalf("unread = %+v %v, want the customer's two", unread, err)
		}
		if unread, _ := s.UnreadWAInbound(ctx, w.Thread.ID, 1); len(unread) != 1 {
			t.Fatalf("limit 1 gave %d", len(unread))
		}
		if err := s.MarkWAInboundRead(ctx, []int64{first.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkWAInboundRead(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if unread, err := s.UnreadWAInbound(ctx, w.Thread.ID, 10); err != nil || len(unread) != 1 || unread[0].MessageID != second.ID {
			t.Fatalf("unread after marking = %+v %v", unread, err)
		}

		chat := "79161234567@s.whatsapp.net"
		if got, err := s.WAChatTimer(ctx, w.acc.ID, chat); err != nil || got != 0 {
			t.Fatalf("timer of an unknown chat = %d %v", got, err)
		}
		for _, secs := range []uint32{86400, 86400, 604800} {
			if err := s.SetWAChatTimer(ctx, w.acc.ID, chat, secs, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := s.WAChatTimer(ctx, w.acc.ID, chat); err != nil || got != 604800 {
			t.Fatalf("timer = %d %v, want the last one", got, err)
		}

		if on, err := s.BranchWAMarkRead(ctx, w.Branch.ID); err != nil || !on {
			t.Fatalf("read receipts = %v %v, want on by default", on, err)
		}
		if err := s.SetBranchWAMarkRead(ctx, w.Branch.ID, false); err != nil {
			t.Fatal(err)
		}
		if on, err := s.BranchWAMarkRead(ctx, w.Branch.ID); err != nil || on {
			t.Fatalf("read receipts = %v %v, want off", on, err)
		}
		if err := s.SetBranchWAMarkRead(ctx, w.Branch.ID+1000, true); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("setting of a missing branch: %v", err)
		}
		if _, err := s.BranchWAMarkRead(ctx, w.Branch.ID+1000); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("setting of a missing branch: %v", err)
		}
	})
}
