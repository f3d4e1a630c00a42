package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// waWorld is a fixture with a linked WhatsApp account at its branch.
type waWorld struct {
	storetest.Fixture
	acc hub.WAAccount
}

func newWAWorld(t *testing.T, s *store.Store) waWorld {
	t.Helper()
	w := waWorld{Fixture: storetest.NewFixture(t, s)}
	w.acc = hub.WAAccount{BranchID: w.Branch.ID, Name: "main"}
	if err := s.CreateWAAccount(context.Background(), &w.acc); err != nil {
		t.Fatal(err)
	}
	return w
}

// customer stores a DMS customer with phones.
func waCustomer(t *testing.T, s *store.Store, nodeID int64, ext string, phones ...string) int64 {
	t.Helper()
	id, err := s.UpsertCustomer(context.Background(), store.CustomerData{NodeID: nodeID, ExternalID: ext, Name: "Клиент " + ext, Phones: phones})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// waOrder stores a work order of a customer with its thread.
func waOrder(t *testing.T, s *store.Store, f storetest.Fixture, number, status string, customerID int64) hub.Thread {
	t.Helper()
	ctx := context.Background()
	w := hub.WorkOrder{NodeID: f.Node.ID, BranchID: f.Branch.ID, Number: number, Version: 1, Status: status, CustomerID: &customerID,
		OpenedAt: time.Now().UTC()}
	if _, err := s.SaveWorkOrder(ctx, &w); err != nil {
		t.Fatal(err)
	}
	th := hub.Thread{BranchID: f.Branch.ID, WorkOrderID: &w.ID, CustomerID: &customerID, Phone: "+70000000000", Channel: hub.ChannelSMS}
	if err := s.CreateThread(ctx, &th); err != nil {
		t.Fatal(err)
	}
	return th
}

func countRows(t *testing.T, s *store.Store, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.Gorm(context.Background()).Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func changesOf(t *testing.T, s *store.Store, branchID int64, typ string) []hub.Change {
	t.Helper()
	all, err := s.ChangesAfter(context.Background(), []int64{branchID}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []hub.Change
	for _, c := range all {
		if c.Type == typ {
			out = append(out, c)
		}
	}
	return out
}

func TestAddWAInboundStoresOnceAndRunsTheThreadOnWhatsApp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newWAWorld(t, s)
		if err := s.SetThreadState(ctx, w.Thread.ID, hub.ThreadResolved); err != nil {
			t.Fatal(err)
		}
		in := store.WAInbound{AccountID: w.acc.ID, Chat: "79031112233@s.whatsapp.net", WAID: "3EB0A1", Thread: w.Thread,
			Direction: hub.DirectionIn, Body: "Когда готово?", Author: "customer",
			Phone: "+79031112233", JID: "79031112233@s.whatsapp.net", ChatStartedBy: "customer"}
		var m hub.Message
		err := s.Tx(ctx, func(tx *store.Store) error {
			var err error
			m, err = tx.AddWAInbound(ctx, in)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if k, err := s.WAInboundLookup(ctx, w.acc.ID, in.Chat, in.WAID); err != nil || !k.Stored || k.UnreadableID != 0 {
			t.Fatalf("lookup = %+v %v", k, err)
		}
		if k, _ := s.WAInboundLookup(ctx, w.acc.ID, in.Chat, "other"); k.Stored {
			t.Fatal("another id counts as stored")
		}

		in.Body = "again"
		err = s.Tx(ctx, func(tx *store.Store) error { _, err := tx.AddWAInbound(ctx, in); return err })
		if !errors.Is(err, store.ErrWADuplicate) {
			t.Fatalf("second store: %v, want ErrWADuplicate", err)
		}
		msgs, err := s.Messages(ctx, w.Thread.ID)
		if err != nil || len(msgs) != 1 || msgs[0].ID != m.ID || msgs[0].Body != "Когда готово?" || msgs[0].ProviderID != "3EB0A1" {
			t.Fatalf("messages after a duplicate: %+v %v", msgs, err)
		}

		th, err := s.Thread(ctx, w.Thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		if th.Channel != hub.ChannelWhatsApp || th.Phone != "+79031112233" || th.State != hub.ThreadOpen {
			t.Fatalf("thread after a WhatsApp message: %+v", th)
		}
		if n := countRows(t, s, "SELECT COUNT(*) FROM wa_threads WHERE thread_id = ? AND account_id = ?", th.ID, w.acc.ID); n != 1 {
			t.Errorf("wa_threads rows %d", n)
		}
		if n := countRows(t, s, "SELECT COUNT(*) FROM wa_contacts WHERE phone = ? AND on_whatsapp AND jid = ?", in.Phone, in.JID); n != 1 {
			t.Errorf("wa_contacts rows %d", n)
		}
		if n := countRows(t, s, "SELECT COUNT(*) FROM wa_chats WHERE account_id = ? AND phone = ? AND started_by = 'customer'", w.acc.ID, in.Phone); n != 1 {
			t.Errorf("wa_chats rows %d", n)
		}
		changes := changesOf(t, s, w.Branch.ID, hub.ChangeCustomerMessage)
		if len(changes) != 1 || changes[0].WorkOrderNumber != w.Order.Number {
			t.Fatalf("customer_message changes: %+v", changes)
		}
		var data map[string]any
		if err := json.Unmarshal([]byte(changes[0].Data), &data); err != nil {
			t.Fatal(err)
		}
		if data["channel"] != hub.ChannelWhatsApp || data["text"] != "Когда готово?" || data["message_id"] != float64(m.ID) {
			t.Fatalf("change data %v", data)
		}
	})
}

func TestAddWAInboundOutgoingAndPendingFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newWAWorld(t, s)
		out := store.WAInbound{AccountID: w.acc.ID, Chat: "c", WAID: "OUT1", Thread: w.Thread, Direction: hub.DirectionOut,
			Delivery: hub.DeliverySent, Body: "Добрый день", Author: "WhatsApp phone"}
		photo := store.WAInbound{AccountID: w.acc.ID, Chat: "c", WAID: "IN1", Thread: w.Thread, Direction: hub.DirectionIn,
			Author: "customer", FilesPending: true}
		for _, in := range []store.WAInbound{out, photo} {
			if _, err := s.AddWAInbound(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		msgs, err := s.Messages(ctx, w.Thread.ID)
		if err != nil || len(msgs) != 2 {
			t.Fatalf("messages %+v %v", msgs, err)
		}
		if m := msgs[0]; m.Direction != hub.DirectionOut || m.Delivery != hub.DeliverySent || m.ProviderID != "OUT1" {
			t.Errorf("typed on the phone: %+v", m)
		}
		if _, err := s.OutboxByMessage(ctx, msgs[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a message typed on the phone went to the outbox: %v", err)
		}
		if c := changesOf(t, s, w.Branch.ID, hub.ChangeCustomerMessage); len(c) != 0 {
			t.Errorf("changes before the file is known: %+v", c)
		}
		th, err := s.Thread(ctx, w.Thread.ID)
		if err != nil || th.Phone != w.Thread.Phone || th.Channel != hub.ChannelWhatsApp {
			t.Errorf("thread without a known number: %+v %v", th, err)
		}
	})
}

func TestWAInboundRouting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newWAWorld(t, s)
		ivan := waCustomer(t, s, w.Node.ID, "C-1", "+79031112233", "+79035550000")
		older := waOrder(t, s, w.Fixture, "ЗН-1", hub.StatusInProgress, ivan)
		newer := waOrder(t, s, w.Fixture, "ЗН-2", hub.StatusReady, ivan)
		waOrder(t, s, w.Fixture, "ЗН-3", hub.StatusDelivered, ivan)
		waOrder(t, s, w.Fixture, "ЗН-4", hub.StatusCancelled, ivan)
		// ЗН-1 saw activity last.
		if err := s.AddMessage(ctx, &hub.Message{ThreadID: older.ID, Direction: hub.DirectionNote, Body: "later"}); err != nil {
			t.Fatal(err)
		}

		got, err := s.WAInboundOrderThreads(ctx, w.Branch.ID, "+79035550000")
		if err != nil {
			t.Fatal(err)
		}
		var numbers []string
		for _, o := range got {
			numbers = append(numbers, o.Number)
		}
		if !slices.Equal(numbers, []string{"ЗН-1", "ЗН-2"}) || got[1].Thread.ID != newer.ID {
			t.Fatalf("open threads %v", numbers)
		}
		if got, _ := s.WAInboundOrderThreads(ctx, w.Branch.ID+1000, "+79035550000"); len(got) != 0 {
			t.Errorf("another branch's threads: %+v", got)
		}
		if got, _ := s.WAInboundOrderThreads(ctx, w.Branch.ID, "+79160000000"); len(got) != 0 {
			t.Errorf("a stranger's threads: %+v", got)
		}

		c, known, err := s.WAInboundCustomer(ctx, "+79031112233")
		if err != nil || !known || c.ID != ivan {
			t.Fatalf("known customer %+v %v %v", c, known, err)
		}
		if _, known, _ := s.WAInboundCustomer(ctx, "+79160000000"); known {
			t.Fatal("a stranger is known")
		}
	})
}

func TestCreateWALead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newWAWorld(t, s)
		if _, err := s.WAInboundLead(ctx, w.Branch.ID, "+79160000001", ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("lead before any: %v", err)
		}
		var lead hub.Thread
		err := s.Tx(ctx, func(tx *store.Store) error {
			if err := tx.LockWALeads(ctx, w.Branch.ID); err != nil {
				return err
			}
			var err error
			lead, err = tx.CreateWALead(ctx, store.WALead{BranchID: w.Branch.ID, Phone: "+79160000001",
				JID: "79160000001@s.whatsapp.net", Name: "Пётр", Text: "Здравствуйте"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if lead.WorkOrderID != nil || lead.Channel != hub.ChannelWhatsApp || lead.Phone != "+79160000001" || lead.CustomerID == nil {
			t.Fatalf("lead %+v", lead)
		}
		cu, err := s.Customer(ctx, *lead.CustomerID)
		if err != nil || cu.Name != "Пётр" || cu.NodeID != nil {
			t.Fatalf("lead customer %+v %v", cu, err)
		}
		found, err := s.WAInboundLead(ctx, w.Branch.ID, "+79160000001", "")
		if err != nil || found.ID != lead.ID {
			t.Fatalf("lead by phone %+v %v", found, err)
		}
		changes := changesOf(t, s, w.Branch.ID, hub.ChangeLead)
		if len(changes) != 1 || changes[0].WorkOrderNumber != "" {
			t.Fatalf("lead changes %+v", changes)
		}
		var data map[string]any
		if err := json.Unmarshal([]byte(changes[0].Data), &data); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"thread_id": float64(lead.ID), "phone": "+79160000001", "name": "Пётр", "channel": "whatsapp", "text": "Здравствуйте"}
		for k, v := range want {
			if data[k] != v {
				t.Errorf("lead change %s = %v, want %v (%v)", k, data[k], v, data)
			}
		}

		// A known customer's lead names them; a hidden number's lead is
		// found by its chat.
		ivan := waCustomer(t, s, w.Node.ID, "C-7", "+79031112233")
		c, _, _ := s.WAInboundCustomer(ctx, "+79031112233")
		known, err := s.CreateWALead(ctx, store.WALead{BranchID: w.Branch.ID, Phone: "+79031112233", Customer: &c, Text: "?"})
		if err != nil || known.CustomerID == nil || *known.CustomerID != ivan {
			t.Fatalf("known customer's lead %+v %v", known, err)
		}
		changes = changesOf(t, s, w.Branch.ID, hub.ChangeLead)
		if err := json.Unmarshal([]byte(changes[1].Data), &data); err != nil || data["customer_external_id"] != "C-7" {
			t.Fatalf("known customer's lead change %v %v", data, err)
		}
		hidden, err := s.CreateWALead(ctx, store.WALead{BranchID: w.Branch.ID, JID: "1234567@lid", Name: "Аня"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddWAInbound(ctx, store.WAInbound{AccountID: w.acc.ID, Chat: "1234567@lid", WAID: "L1", Thread: hidden,
			Direction: hub.DirectionIn, Body: "hi"}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.WAInboundLead(ctx, w.Branch.ID, "", "1234567@lid"); err != nil || got.ID != hidden.ID {
			t.Fatalf("lead by chat %+v %v", got, err)
		}
		hc, err := s.Customer(ctx, *hidden.CustomerID)
		if err != nil || hc.Name != "Аня (WhatsApp 1234567@lid)" {
			t.Fatalf("hidden lead's name %+v %v", hc, err)
		}
	})
}

func TestWAInboundGroupThreadAndNotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newWAWorld(t, s)
		err := s.Gorm(ctx).Exec(`INSERT INTO wa_groups (thread_id, account_id, jid, name, state, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			w.Thread.ID, w.acc.ID, "120363000000000001@g.us", "ЗН-1", hub.WAGroupActive, time.Now().UTC()).Error
		if err != nil {
			t.Fatal(err)
		}
		if th, err := s.WAInboundGroupThread(ctx, w.acc.ID, "120363000000000001@g.us"); err != nil || th.ID != w.Thread.ID {
			t.Fatalf("group thread %+v %v", th, err)
		}
		for _, q := range []struct {
			acc int64
			jid string
		}{{w.acc.ID, "120363000000000002@g.us"}, {w.acc.ID + 1, "120363000000000001@g.us"}, {w.acc.ID, ""}} {
			if _, err := s.WAInboundGroupThread(ctx, q.acc, q.jid); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("group %d %q: %v, want not found", q.acc, q.jid, err)
			}
		}

		const note = "other orders"
		add := func(dir, body string) {
			t.Helper()
			if err := s.AddMessage(ctx, &hub.Message{ThreadID: w.Thread.ID, Direction: dir, Body: body}); err != nil {
				t.Fatal(err)
			}
		}
		steps := []struct {
			add     func()
			repeats bool
		}{
			{func() {}, false},
			{func() { add(hub.DirectionIn, "1"); add(hub.DirectionSystem, note) }, true},
			{func() { add(hub.DirectionIn, "2") }, true},
			{func() { add(hub.DirectionOut, "reply") }, false},
			{func() { add(hub.DirectionSystem, "something else") }, false},
		}
		for i, st := range steps {
			st.add()
			if got, err := s.WAInboundNoteRepeats(ctx, w.Thread.ID, note); err != nil || got != st.repeats {
				t.Errorf("step %d: repeats = %v %v, want %v", i, got, err, st.repeats)
			}
		}
	})
}

// An unreadable stand-in is found by its id in any chat, tells the DMS
// nothing, and is filled once, in place, keeping WhatsApp's time.
func TestWAUnreadableStandInIsFilledOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newWAWorld(t, s)
		sent := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
		in := store.WAInbound{AccountID: w.acc.ID, Chat: "79031112233@s.whatsapp.net", WAID: "3EB0U1", Thread: w.Thread,
			Direction: hub.DirectionIn, Author: "customer", Phone: "+79031112233", JID: "79031112233@s.whatsapp.net",
			SentAt: sent, Unreadable: true}
		standIn, err := s.AddWAInbound(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if !standIn.Unreadable || !standIn.CreatedAt.Equal(sent) {
			t.Fatalf("stand-in %+v", standIn)
		}
		if n := len(changesOf(t, s, w.Branch.ID, hub.ChangeCustomerMessage)); n != 0 {
			t.Fatalf("%d customer_message changes for a stand-in", n)
		}
		k, err := s.WAInboundLookup(ctx, w.acc.ID, "777001@lid", in.WAID)
		if err != nil || k.Stored || k.UnreadableID != standIn.ID {
			t.Fatalf("lookup from another chat = %+v %v", k, err)
		}
		real := store.WAInbound{AccountID: w.acc.ID, Chat: "777001@lid", WAID: in.WAID, Body: "Готово?"}
		m, err := s.FillWAUnreadable(ctx, standIn.ID, real)
		if err != nil || m.ID != standIn.ID || m.Unreadable || m.Body != "Готово?" || !m.CreatedAt.Equal(sent) {
			t.Fatalf("filled %+v %v", m, err)
		}
		if _, err := s.FillWAUnreadable(ctx, standIn.ID, real); !errors.Is(err, store.ErrWADuplicate) {
			t.Fatalf("second fill: %v, want ErrWADuplicate", err)
		}
		for _, chat := range []string{in.Chat, real.Chat} {
			if k, err := s.WAInboundLookup(ctx, w.acc.ID, chat, in.WAID); err != nil || !k.Stored || k.UnreadableID != 0 {
				t.Fatalf("lookup in %s after the fill = %+v %v", chat, k, err)
			}
		}
		changes := changesOf(t, s, w.Branch.ID, hub.ChangeCustomerMessage)
		if len(changes) != 1 {
			t.Fatalf("customer_message changes %+v", changes)
		}
		var data map[string]any
		if err := json.Unmarshal([]byte(changes[0].Data), &data); err != nil || data["text"] != "Готово?" {
			t.Fatalf("change data %s %v", changes[0].Data, err)
		}
	})
}
