package whatsapp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

const (
	ivanDigits = "79031112233"
	ivanPhone  = "+" + ivanDigits
)

func TestInboundAppendsToTheOneOpenWorkOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", "+79035550000", ivanPhone)
		open := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, "+79035550000")
		r.order(t, "ЗН-0", hub.StatusDelivered, ivan, "+79035550000") // handed over: not a place for new words
		if err := s.SetThreadState(t.Context(), open.ID, hub.ThreadResolved); err != nil {
			t.Fatal(err)
		}

		r.emit(t, watest.Direct(watest.PhoneJID(ivanDigits), "3EB0AA01", "Иван", watest.Text("Когда будет готово?")))

		msgs := r.messages(t, open.ID)
		if len(msgs) != 1 {
			t.Fatalf("messages %+v", msgs)
		}
		if m := msgs[0]; m.Direction != hub.DirectionIn || m.Body != "Когда будет готово?" || m.Author != "customer" {
			t.Fatalf("message %+v", m)
		}
		th := r.thread(t, open.ID)
		if th.Channel != hub.ChannelWhatsApp || th.Phone != ivanPhone || th.State != hub.ThreadOpen {
			t.Fatalf("thread %+v: want WhatsApp to the sender, reopened", th)
		}
		if n := r.count(t, "SELECT COUNT(*) FROM wa_threads WHERE thread_id = ? AND account_id = ?", open.ID, r.acc.ID); n != 1 {
			t.Error("thread not bound to the account")
		}
		if n := r.count(t, "SELECT COUNT(*) FROM wa_contacts WHERE phone = ? AND on_whatsapp", ivanPhone); n != 1 {
			t.Error("number not marked as on WhatsApp")
		}
		if n := r.count(t, "SELECT COUNT(*) FROM wa_chats WHERE account_id = ? AND phone = ? AND started_by = 'customer'", r.acc.ID, ivanPhone); n != 1 {
			t.Error("chat not recorded as started by the customer")
		}
		changes := r.changes(t, hub.ChangeCustomerMessage)
		if len(changes) != 1 || changes[0]["work_order_number"] != "ЗН-1" || changes[0]["channel"] != "whatsapp" ||
			changes[0]["text"] != "Когда будет готово?" {
			t.Fatalf("customer_message changes %v", changes)
		}
		if leads := r.leads(t); len(leads) != 0 {
			t.Fatalf("a lead was opened: %+v", leads)
		}
	})
}

func TestInboundSeveralOpenOrdersGoToTheLatestWithANote(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", ivanPhone)
		first := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		second := r.order(t, "ЗН-2", hub.StatusWaitingParts, ivan, ivanPhone)
		latest := r.order(t, "ЗН-3", hub.StatusReady, ivan, ivanPhone)
		// ЗН-2 saw activity last.
		if err := s.AddMessage(t.Context(), &hub.Message{ThreadID: second.ID, Direction: hub.DirectionNote, Body: "запчасть едет"}); err != nil {
			t.Fatal(err)
		}
		from := watest.PhoneJID(ivanDigits)
		r.emit(t, watest.Direct(from, "M1", "Иван", watest.Text("Добрый день")))
		r.emit(t, watest.Direct(from, "M2", "Иван", watest.Text("Это про вторую машину")))

		msgs := r.messages(t, second.ID)
		var got []string
		for _, m := range msgs {
			got = append(got, m.Direction+":"+m.Body)
		}
		if len(msgs) != 4 || msgs[1].Body != "Добрый день" || msgs[3].Body != "Это про вторую машину" {
			t.Fatalf("the most recent thread holds %q", got)
		}
		note := msgs[2]
		if note.Direction != hub.DirectionSystem || !strings.Contains(note.Body, "ЗН-1") || !strings.Contains(note.Body, "ЗН-3") ||
			strings.Contains(note.Body, "ЗН-2") {
			t.Fatalf("note %+v, want one naming the other work orders", note)
		}
		for _, th := range []hub.Thread{first, latest} {
			if msgs := r.messages(t, th.ID); len(msgs) != 0 {
				t.Errorf("thread %d got %+v", th.ID, msgs)
			}
		}
	})
}

func TestInboundUnknownNumberOpensOneLead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		from := watest.PhoneJID("79167770011")
		r.emit(t, watest.Direct(from, "L1", "Пётр", watest.Text("Можно записаться на ТО?")))
		r.emit(t, watest.Direct(from, "L2", "Пётр", watest.Text("В субботу")))

		leads := r.leads(t)
		if len(leads) != 1 {
			t.Fatalf("leads %+v, want one", leads)
		}
		lead := leads[0]
		if lead.Phone != "+79167770011" || lead.Channel != hub.ChannelWhatsApp || lead.CustomerID == nil {
			t.Fatalf("lead %+v", lead)
		}
		if cu, err := s.Customer(t.Context(), *lead.CustomerID); err != nil || cu.Name != "Пётр" {
			t.Fatalf("lead shows %+v %v, want the push name", cu, err)
		}
		if msgs := r.messages(t, lead.ID); len(msgs) != 2 || msgs[1].Body != "В субботу" {
			t.Fatalf("lead messages %+v", msgs)
		}
		changes := r.changes(t, hub.ChangeLead)
		if len(changes) != 1 {
			t.Fatalf("lead changes %v, want one", changes)
		}
		c := changes[0]
		if c["phone"] != "+79167770011" || c["name"] != "Пётр" || c["thread_id"] != float64(lead.ID) ||
			c["text"] != "Можно записаться на ТО?" || c["customer_external_id"] != nil {
			t.Fatalf("lead change %v", c)
		}
		if n := len(r.changes(t, hub.ChangeCustomerMessage)); n != 2 {
			t.Errorf("%d customer_message changes, want 2", n)
		}

		// A known customer with no open work order: a lead naming them.
		r.customer(t, "C-9", ivanPhone)
		r.emit(t, watest.Direct(watest.PhoneJID(ivanDigits), "K1", "Ваня", watest.Text("Здравствуйте")))
		changes = r.changes(t, hub.ChangeLead)
		if len(changes) != 2 || changes[1]["customer_external_id"] != "C-9" || changes[1]["name"] != "Ваня" {
			t.Fatalf("known customer's lead change %v", changes)
		}
	})
}

func TestInboundLIDSenders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", ivanPhone)
		anna := r.customer(t, "C-2", "+79160001122")
		ivanOrder := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		annaOrder := r.order(t, "ЗН-2", hub.StatusInProgress, anna, "+79160001122")

		// The phone number comes along as the alternative address.
		r.emit(t, watest.DirectLID(watest.LIDJID("101"), watest.PhoneJID(ivanDigits), "A1", "Иван", watest.Text("по LID")))
		if msgs := r.messages(t, ivanOrder.ID); len(msgs) != 1 || msgs[0].Body != "по LID" {
			t.Fatalf("LID with its number: %+v", msgs)
		}
		if th := r.thread(t, ivanOrder.ID); th.Phone != ivanPhone {
			t.Fatalf("thread phone %q, want the number, never the LID", th.Phone)
		}

		// Only the device store knows the number.
		if err := r.dev.LIDs.PutLIDMapping(ctx, watest.LIDJID("202"), watest.PhoneJID("79160001122")); err != nil {
			t.Fatal(err)
		}
		r.emit(t, watest.DirectLID(watest.LIDJID("202"), types.EmptyJID, "A2", "Анна", watest.Text("по сохранённому")))
		if msgs := r.messages(t, annaOrder.ID); len(msgs) != 1 || msgs[0].Body != "по сохранённому" {
			t.Fatalf("LID with a stored mapping: %+v", msgs)
		}

		// Nobody knows the number: a lead shown by the LID, found again by it.
		r.emit(t, watest.DirectLID(watest.LIDJID("303"), types.EmptyJID, "A3", "Оля", watest.Text("кто я?")))
		r.emit(t, watest.DirectLID(watest.LIDJID("303"), types.EmptyJID, "A4", "Оля", watest.Text("ещё раз")))
		leads := r.leads(t)
		if len(leads) != 1 || leads[0].Phone != "" {
			t.Fatalf("leads %+v, want one without a number", leads)
		}
		if msgs := r.messages(t, leads[0].ID); len(msgs) != 2 {
			t.Fatalf("hidden sender's lead holds %+v", msgs)
		}
		cu, err := s.Customer(ctx, *leads[0].CustomerID)
		if err != nil || !strings.Contains(cu.Name, "Оля") || !strings.Contains(cu.Name, "303@lid") {
			t.Fatalf("hidden lead shows %+v %v", cu, err)
		}
		if c := r.changes(t, hub.ChangeLead); len(c) != 1 || c[0]["whatsapp_id"] != "303@lid" || c[0]["phone"] != "" {
			t.Fatalf("lead change %v", c)
		}
	})
}

func TestInboundRedeliveryIsStoredOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		evt := watest.Direct(watest.PhoneJID("79167770011"), "DUP1", "Пётр", watest.Text("один раз"))
		r.emit(t, evt)
		r.emit(t, evt)
		leads := r.leads(t)
		if len(leads) != 1 {
			t.Fatalf("leads %+v", leads)
		}
		if msgs := r.messages(t, leads[0].ID); len(msgs) != 1 {
			t.Fatalf("a redelivered message was stored again: %+v", msgs)
		}
		if n := len(r.changes(t, hub.ChangeCustomerMessage)); n != 1 {
			t.Fatalf("%d customer_message changes", n)
		}
		if n := len(r.changes(t, hub.ChangeLead)); n != 1 {
			t.Fatalf("%d lead changes", n)
		}
	})
}

func TestInboundFailingStoreIsNotAcknowledged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", ivanPhone)
		order := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		db := s.Gorm(t.Context())
		if err := db.Exec("ALTER TABLE wa_inbound RENAME TO wa_inbound_away").Error; err != nil {
			t.Fatal(err)
		}
		evt := watest.Direct(watest.PhoneJID(ivanDigits), "F1", "Иван", watest.Text("не потеряйте"))
		if r.fake.Emit(evt) {
			t.Fatal("a message that could not be stored was acknowledged")
		}
		if msgs := r.messages(t, order.ID); len(msgs) != 0 {
			t.Fatalf("half a message stayed: %+v", msgs)
		}
		if err := db.Exec("ALTER TABLE wa_inbound_away RENAME TO wa_inbound").Error; err != nil {
			t.Fatal(err)
		}
		r.emit(t, evt) // WhatsApp delivers it again
		if msgs := r.messages(t, order.ID); len(msgs) != 1 || msgs[0].Body != "не потеряйте" {
			t.Fatalf("after redelivery: %+v", msgs)
		}
	})
}

func TestInboundIgnoresWhatIsNotAMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		from := watest.PhoneJID("79167770011")
		status := watest.Direct(from, "S1", "Пётр", watest.Text("мой статус"))
		status.Info.Chat = types.StatusBroadcastJID
		edit := watest.Direct(from, "S2", "Пётр", watest.Text("исправил"))
		edit.IsEdit = true
		revoke := watest.Direct(from, "S3", "Пётр", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_REVOKE.Enum()}})
		reaction := watest.Direct(from, "S4", "Пётр", &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍")}})
		empty := watest.Direct(from, "S5", "Пётр", &waE2E.Message{})
		blank := watest.Direct(from, "S6", "Пётр", watest.Text("   "))
		own := watest.Direct(watest.PhoneJID(inAccountDigits), "S7", "", watest.Text("заметка себе"))
		own.Info.IsFromMe = true
		for _, evt := range []*events.Message{status, edit, revoke, reaction, empty, blank, own} {
			r.emit(t, evt)
		}
		r.emit(t, &events.Connected{}) // not a message at all
		if leads := r.leads(t); len(leads) != 0 {
			t.Fatalf("stored as a lead: %+v", leads)
		}
		if n := r.count(t, "SELECT COUNT(*) FROM messages"); n != 0 {
			t.Fatalf("%d messages stored", n)
		}
	})
}

func TestInboundTypedOnThePhone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", ivanPhone)
		order := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		evt := watest.Direct(watest.PhoneJID(ivanDigits), "3EB0PHONE1", "Сервис", watest.Text("Машина готова, забирайте"))
		evt.Info.IsFromMe, evt.Info.Sender = true, watest.PhoneJID(inAccountDigits)
		r.emit(t, evt)

		msgs := r.messages(t, order.ID)
		if len(msgs) != 1 {
			t.Fatalf("messages %+v", msgs)
		}
		m := msgs[0]
		if m.Direction != hub.DirectionOut || m.Delivery != hub.DeliverySent || m.ProviderID != "3EB0PHONE1" || m.Author != "WhatsApp phone" {
			t.Fatalf("message %+v", m)
		}
		if _, err := s.OutboxByMessage(t.Context(), m.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("typed on the phone but queued: %v", err)
		}
		if c := r.changes(t, hub.ChangeCustomerMessage); len(c) != 0 {
			t.Fatalf("the DMS hears the phone's words as the customer's: %v", c)
		}
		// The customer's read receipt reaches it like any sent message.
		r.emit(t, watest.Receipt(watest.PhoneJID(ivanDigits), types.ReceiptTypeRead, "3EB0PHONE1"))
		if got := r.messages(t, order.ID)[0]; got.Delivery != hub.DeliveryRead {
			t.Fatalf("after the read receipt: %+v", got)
		}
	})
}

func TestInboundGroupMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{})
		ivan := r.customer(t, "C-1", ivanPhone, "+79035550000")
		order := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		group := watest.GroupJID("120363000000000001")
		err := s.Gorm(t.Context()).Exec(`INSERT INTO wa_groups (thread_id, account_id, jid, name, state, created_at)
			VALUES (?, ?, ?, 'ЗН-1', 'active', CURRENT_TIMESTAMP)`, order.ID, r.acc.ID, group.String()).Error
		if err != nil {
			t.Fatal(err)
		}
		r.emit(t, watest.InGroup(group, watest.PhoneJID(ivanDigits), "G1", "Иван", watest.Text("Спасибо!")))
		r.emit(t, watest.InGroup(group, watest.PhoneJID("79035550000"), "G2", "Иван", watest.Text("со второго номера")))
		r.emit(t, watest.InGroup(group, watest.PhoneJID("74951234568"), "G3", "Ольга", watest.Text("Колодки заменили")))
		r.emit(t, watest.InGroup(watest.GroupJID("120363000000000099"), watest.PhoneJID(ivanDigits), "G4", "Иван", watest.Text("чужая группа")))

		msgs := r.messages(t, order.ID)
		if len(msgs) != 3 {
			t.Fatalf("group thread holds %+v", msgs)
		}
		for i, want := range []struct{ dir, author, delivery string }{
			{hub.DirectionIn, "customer", ""}, {hub.DirectionIn, "customer", ""}, {hub.DirectionOut, "Ольга (WhatsApp)", hub.DeliveryDelivered},
		} {
			if m := msgs[i]; m.Direction != want.dir || m.Author != want.author || m.Delivery != want.delivery {
				t.Errorf("message %d: %+v, want %+v", i, m, want)
			}
		}
		if _, err := s.OutboxByMessage(t.Context(), msgs[2].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the advisor's group message went to the outbox: %v", err)
		}
		if n := len(r.changes(t, hub.ChangeCustomerMessage)); n != 2 {
			t.Errorf("%d customer_message changes, want the customer's two", n)
		}
		if leads := r.leads(t); len(leads) != 0 {
			t.Errorf("an unknown group opened a lead: %+v", leads)
		}
	})
}

func TestInboundOptOutOverWhatsApp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newInRig(t, s, whatsapp.InboundOptions{OptOut: inOptOut()})
		ivan := r.customer(t, "C-1", ivanPhone)
		r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		r.emit(t, watest.Direct(watest.PhoneJID(ivanDigits), "O1", "Иван", watest.Text(" Стоп! ")))
		if out, err := s.CustomerOptedOut(t.Context(), ivan); err != nil || !out {
			t.Fatalf("opted out = %v %v after СТОП over WhatsApp", out, err)
		}
		r.emit(t, watest.Direct(watest.PhoneJID(ivanDigits), "O2", "Иван", watest.Text("START")))
		if out, err := s.CustomerOptedOut(t.Context(), ivan); err != nil || out {
			t.Fatalf("opted out = %v %v after START", out, err)
		}
	})
}
