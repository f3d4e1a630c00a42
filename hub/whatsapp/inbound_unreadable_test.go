package whatsapp_test

import (
	"context"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types/events"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// A message whatsmeow could not decrypt shows in its thread as a stand-in;
// when the phone sends it again (same id, here addressed by LID where the
// first came by number) it fills that stand-in: one message, in its place,
// told to the DMS once, with its words.
func TestUndecryptableMessageIsAStandInUntilItComes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", ivanPhone)
		order := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		msg := watest.Direct(watest.PhoneJID(ivanDigits), "3EB0UNREAD1", "Иван", watest.Text("Можно забрать в пять?"))
		msg.Info.Timestamp = time.Now().Add(-3 * time.Minute).Truncate(time.Second)

		r.emit(t, watest.Undecryptable(msg))
		r.emit(t, watest.Undecryptable(msg)) // whatsmeow may report it again
		msgs := r.messages(t, order.ID)
		if len(msgs) != 1 || !msgs[0].Unreadable || msgs[0].Body != "" || msgs[0].Direction != hub.DirectionIn {
			t.Fatalf("stand-ins %+v", msgs)
		}
		standIn := msgs[0]
		if n := len(r.changes(t, hub.ChangeCustomerMessage)); n != 0 {
			t.Fatalf("the DMS heard of a message nobody could read: %d changes", n)
		}
		if th := r.thread(t, order.ID); th.Channel != hub.ChannelWhatsApp {
			t.Fatalf("thread %+v: the customer wrote on WhatsApp", th)
		}
		// A message written after it arrives before it.
		r.emit(t, watest.Direct(watest.PhoneJID(ivanDigits), "3EB0NEXT", "Иван", watest.Text("Или в шесть")))

		resent := watest.DirectLID(watest.LIDJID("777001"), watest.PhoneJID(ivanDigits), "3EB0UNREAD1", "Иван",
			watest.Text("Можно забрать в пять?"))
		resent.Info.Timestamp = msg.Info.Timestamp
		r.emit(t, resent)
		r.emit(t, resent) // and a redelivery of it
		r.emit(t, watest.Undecryptable(msg))
		msgs = r.messages(t, order.ID)
		if len(msgs) != 2 || msgs[0].ID != standIn.ID || msgs[0].Unreadable || msgs[0].Body != "Можно забрать в пять?" ||
			msgs[1].Body != "Или в шесть" {
			t.Fatalf("after the message came: %+v", msgs)
		}
		if !msgs[0].CreatedAt.Equal(msg.Info.Timestamp) {
			t.Fatalf("filled message at %s, want WhatsApp's %s", msgs[0].CreatedAt, msg.Info.Timestamp)
		}
		changes := r.changes(t, hub.ChangeCustomerMessage)
		if len(changes) != 2 || changes[1]["text"] != "Можно забрать в пять?" || changes[1]["message_id"] != float64(standIn.ID) {
			t.Fatalf("customer_message changes %v", changes)
		}
	})
}

// A stand-in for someone with no open work order opens their lead, and
// what WhatsApp hides when undecryptable (reactions, edits) is not kept.
func TestUndecryptableMessageFromANewNumberAndHiddenOnes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		hidden := watest.Undecryptable(watest.Direct(watest.PhoneJID("79160000001"), "HIDE1", "Пётр", nil))
		hidden.DecryptFailMode = events.DecryptFailHide
		r.emit(t, hidden)
		if leads := r.leads(t); len(leads) != 0 {
			t.Fatalf("a hidden undecryptable message opened %+v", leads)
		}
		r.emit(t, watest.Undecryptable(watest.Direct(watest.PhoneJID("79160000002"), "NEW1", "Пётр", nil)))
		leads := r.leads(t)
		if len(leads) != 1 {
			t.Fatalf("leads %+v", leads)
		}
		if msgs := r.messages(t, leads[0].ID); len(msgs) != 1 || !msgs[0].Unreadable {
			t.Fatalf("lead messages %+v", msgs)
		}
		r.emit(t, watest.Direct(watest.PhoneJID("79160000002"), "NEW1", "Пётр", watest.Text("Здравствуйте")))
		if msgs := r.messages(t, leads[0].ID); len(msgs) != 1 || msgs[0].Unreadable || msgs[0].Body != "Здравствуйте" {
			t.Fatalf("lead messages %+v", msgs)
		}
		if len(r.leads(t)) != 1 {
			t.Fatal("the message opened a second lead")
		}
	})
}

// Messages that arrive late take WhatsApp's time: a backlog delivered
// after an outage sits where it was written, before what staff wrote
// meanwhile; a live message, and one whose time is missing or far ahead,
// takes the time it arrived. The DMS hears of each message as it is stored.
func TestInboundMessagesKeepWhatsAppsTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", ivanPhone)
		order := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		staff := hub.Message{ThreadID: order.ID, Direction: hub.DirectionNote, Author: "anna", Body: "Клиент не отвечает"}
		if err := s.AddMessage(context.Background(), &staff); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for i, ago := range []time.Duration{10 * time.Minute, 7 * time.Minute} {
			m := watest.Direct(watest.PhoneJID(ivanDigits), "OLD"+string(rune('A'+i)), "Иван", watest.Text("backlog "+string(rune('A'+i))))
			m.Info.Timestamp = start.Add(-ago).Truncate(time.Second)
			r.emit(t, m)
		}
		// A live message (WhatsApp's time has whole seconds) keeps its place
		// after what was written before it arrived.
		live := watest.Direct(watest.PhoneJID(ivanDigits), "LIVE", "Иван", watest.Text("live"))
		live.Info.Timestamp = start.Add(-10 * time.Second).Truncate(time.Second)
		r.emit(t, live)
		zero := watest.Direct(watest.PhoneJID(ivanDigits), "ZERO", "Иван", watest.Text("no time"))
		zero.Info.Timestamp = time.Time{}
		r.emit(t, zero)
		future := watest.Direct(watest.PhoneJID(ivanDigits), "FUTURE", "Иван", watest.Text("from the future"))
		future.Info.Timestamp = start.Add(48 * time.Hour)
		r.emit(t, future)

		msgs := r.messages(t, order.ID)
		var bodies []string
		for _, m := range msgs {
			bodies = append(bodies, m.Body)
		}
		want := []string{"backlog A", "backlog B", "Клиент не отвечает", "live", "no time", "from the future"}
		if len(bodies) != len(want) {
			t.Fatalf("messages %q, want %q", bodies, want)
		}
		for i := range want {
			if bodies[i] != want[i] {
				t.Fatalf("messages %q, want %q", bodies, want)
			}
		}
		if !msgs[0].CreatedAt.Equal(start.Add(-10 * time.Minute).Truncate(time.Second)) {
			t.Fatalf("backlog message at %s", msgs[0].CreatedAt)
		}
		for _, m := range msgs[3:] {
			if m.CreatedAt.Before(start.Add(-time.Second)) || m.CreatedAt.After(time.Now().Add(time.Second)) {
				t.Fatalf("message %q at %s, want now", m.Body, m.CreatedAt)
			}
		}
		if n := len(r.changes(t, hub.ChangeCustomerMessage)); n != 5 {
			t.Fatalf("%d customer_message changes, want 5", n)
		}
	})
}
