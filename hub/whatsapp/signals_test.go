package whatsapp_test

import (
	"slices"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// signalRig is an inRig whose fake is connected and lent out, with the
// Signals the inbox calls.
func signalRig(t *testing.T, s *store.Store) (*inRig, *whatsapp.Signals) {
	t.Helper()
	r := newInRig(t, s, whatsapp.InboundOptions{})
	if err := r.fake.Connect(); err != nil {
		t.Fatal(err)
	}
	r.client.Set(r.acc.ID, r.fake)
	g := whatsapp.NewSignals(s, r.client, whatsapp.SignalOptions{Logger: quiet(), Now: r.clock.Now})
	t.Cleanup(g.Wait)
	return r, g
}

// Opening a thread marks the customer's unread messages read in WhatsApp,
// once, in one receipt per chat; words typed on the linked phone need
// none; a branch that turned it off sends none.
func TestSignalsMarkCustomerMessagesRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r, g := signalRig(t, s)
		ivan := r.customer(t, "C-1", ivanPhone)
		th := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		from := watest.PhoneJID(ivanDigits)
		r.emit(t, watest.Direct(from, "R1", "Иван", watest.Text("Добрый день")))
		r.emit(t, watest.Direct(from, "R2", "Иван", watest.Text("Машина готова?")))
		own := watest.Direct(from, "R3", "", watest.Text("Да, забирайте"))
		own.Info.IsFromMe, own.Info.Sender = true, watest.PhoneJID(inAccountDigits)
		r.emit(t, own)

		g.MarkRead(th.ID)
		g.Wait()
		marks := r.fake.ReadMarks()
		if len(marks) != 1 || !slices.Equal(marks[0].IDs, []types.MessageID{"R1", "R2"}) || marks[0].Chat != from ||
			marks[0].Type != types.ReceiptTypeRead {
			t.Fatalf("read receipts %+v, want R1 and R2 in the customer's chat", marks)
		}
		g.MarkRead(th.ID) // opened again: nothing new to mark
		g.Wait()
		if n := len(r.fake.ReadMarks()); n != 1 {
			t.Fatalf("%d receipts after a second opening, want still 1", n)
		}

		if err := s.SetBranchWAMarkRead(t.Context(), r.f.Branch.ID, false); err != nil {
			t.Fatal(err)
		}
		if on, err := s.BranchWAMarkRead(t.Context(), r.f.Branch.ID); err != nil || on {
			t.Fatalf("setting = %v %v, want off", on, err)
		}
		r.emit(t, watest.Direct(from, "R4", "Иван", watest.Text("Алло?")))
		g.MarkRead(th.ID)
		g.Wait()
		if n := len(r.fake.ReadMarks()); n != 1 {
			t.Fatalf("%d receipts with the branch's setting off, want still 1", n)
		}
	})
}

// While an advisor writes the customer sees "typing…": repeated at most
// every 5 s, ended when they stop, the account online only meanwhile.
func TestSignalsTyping(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r, g := signalRig(t, s)
		ivan := r.customer(t, "C-1", ivanPhone)
		th := r.order(t, "ЗН-1", hub.StatusInProgress, ivan, ivanPhone)
		from := watest.PhoneJID(ivanDigits)
		r.emit(t, watest.Direct(from, "T1", "Иван", watest.Text("Жду ответа"))) // the thread now runs on the account

		g.Typing(th.ID, true)
		g.Typing(th.ID, true) // a second key press within 5 s
		g.Wait()
		r.clock.Add(6 * time.Second)
		g.Typing(th.ID, true)
		g.Wait()
		g.Typing(th.ID, false)
		g.Wait()
		g.Typing(th.ID, false) // nothing left to end
		g.Wait()

		want := []watest.ChatState{{To: from, State: types.ChatPresenceComposing}, {To: from, State: types.ChatPresenceComposing},
			{To: from, State: types.ChatPresencePaused}}
		if got := r.fake.ChatStates(); !slices.Equal(got, want) {
			t.Fatalf("chat states %+v, want %+v", got, want)
		}
		wantPresence := []types.Presence{types.PresenceAvailable, types.PresenceUnavailable}
		if got := r.fake.Presences(); !slices.Equal(got, wantPresence) {
			t.Fatalf("presences %v, want %v", got, wantPresence)
		}
	})
}
