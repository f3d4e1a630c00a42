package inbox_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"naryad/app"
	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp/watest"
)

const ivanDigits = "79161234567" // the customer apptest's work orders carry

// waHub is the whole hub with a WhatsApp account linked through the admin
// page to a fake phone, and an advisor signed in.
type waHub struct {
	h       *apptest.Hub
	phone   *watest.Fake
	advisor *apptest.Client
}

func newWAHub(t *testing.T, b storetest.Backend) *waHub {
	t.Helper()
	ctx := context.Background()
	reg := &watest.Registry{Setup: func(f *watest.Fake) {
		watest.Pairable(f)
		f.QRCodes = []string{"2@qr-ref,noise,identity,adv"}
		f.PairJID = types.JID{User: "74957770011", Server: types.DefaultUserServer, Device: 3}
		f.OnWhatsApp[ivanDigits] = true
	}}
	h := apptest.StartWith(t, b, app.Deps{WhatsAppClient: reg.NewClient})
	h.Run(t)
	if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "root", Name: "Root", Role: store.RoleAdmin,
		Password: password, BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
		t.Fatal(err)
	}
	admin := h.NewClient(t).SignIn("root", password)
	if resp, page := admin.Post("/admin/whatsapp/accounts", url.Values{"branch": {"MSK1"}, "name": {"reception"}}); resp.StatusCode != 303 {
		t.Fatalf("add account: %d\n%s", resp.StatusCode, page)
	}
	acc, err := h.Store.WAAccountByName(ctx, "reception")
	if err != nil {
		t.Fatal(err)
	}
	if resp, page := admin.Post("/admin/whatsapp/accounts/"+strconv.FormatInt(acc.ID, 10)+"/link", url.Values{}); resp.StatusCode != 303 {
		t.Fatalf("link: %d\n%s", resp.StatusCode, page)
	}
	watest.Eventually(t, "a QR code to show", func() bool { a, _ := h.Store.WAAccount(ctx, acc.ID); return a.LinkCode != "" })
	reg.All()[0].ScanQR()
	watest.Eventually(t, "the account to connect", func() bool { a, _ := h.Store.WAAccount(ctx, acc.ID); return a.State == hub.WAConnected })
	return &waHub{h: h, phone: reg.For("74957770011"), advisor: admin}
}

// say emits a customer's message and requires the hub to take it.
func (w *waHub) say(t *testing.T, id string, m *waE2E.Message) {
	t.Helper()
	if !w.phone.Emit(watest.Direct(watest.PhoneJID(ivanDigits), id, "Иван", m)) {
		t.Fatalf("message %s not taken", id)
	}
}

func (w *waHub) message(t *testing.T, threadID int64, body string) hub.Message {
	t.Helper()
	msgs, err := w.h.Store.Messages(context.Background(), threadID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Body == body {
			return m
		}
	}
	t.Fatalf("no message %q in %+v", body, msgs)
	return hub.Message{}
}

func waKey(id string) *waCommon.MessageKey {
	return &waCommon.MessageKey{RemoteJID: proto.String(ivanDigits + "@s.whatsapp.net"), ID: proto.String(id)}
}

// What the customer does in WhatsApp shows in the advisor's thread: their
// quote with the quoted words, their 👍 on the hub's message, their edit
// (marked, the first words kept) and the message they deleted (kept for
// staff, labelled; gone from the customer's own page). Opening the thread
// marks their messages read in WhatsApp.
func TestInboxShowsWhatTheCustomerDidInWhatsApp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		w := newWAHub(t, b)
		w.h.PushWorkOrder(t, "e1", "АА-1", 1, "Принят", nil)
		th := w.h.Thread(t, "АА-1")
		status := w.sentAndRecorded(t, th.ID)

		w.say(t, "C1", watest.Text("Когда будет готово?"))
		w.say(t, "C2", watest.Text("Вы поцарапали дверь"))
		w.say(t, "C3", &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("А это сколько стоит?"),
			ContextInfo: &waE2E.ContextInfo{StanzaID: proto.String(string(status.ID)),
				QuotedMessage: &waE2E.Message{Conversation: proto.String("Статус: принят")}}}})
		w.say(t, "C4", &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Key: waKey(string(status.ID)), Text: proto.String("👍")}})
		w.say(t, "C5", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(),
			Key: waKey("C1"), EditedMessage: watest.Text("Когда будет готово? Нужна к пятнице")}})
		w.say(t, "C6", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: waKey("C2")}})

		resp, page := w.advisor.Do(http.MethodGet, fmt.Sprintf("/inbox/threads/%d", th.ID), nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("thread page: %d", resp.StatusCode)
		}
		for _, want := range []string{
			"In reply to: <a href=\"#m", "Статус: принят", // the quote, tied to the hub's message
			"👍", "Когда будет готово? Нужна к пятнице", ">edited<", "Before the edit: Когда будет готово?",
			"Вы поцарапали дверь", "deleted by the customer, staff only",
			"Reply to this message", "the customer sees “typing…”",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the thread page lacks %q", want)
			}
		}
		if t.Failed() {
			t.Fatalf("page:\n%s", page)
		}
		// Opening the thread marked the customer's messages read in WhatsApp.
		watest.Eventually(t, "the read receipt", func() bool {
			for _, r := range w.phone.ReadMarks() {
				if len(r.IDs) == 3 && r.IDs[0] == "C1" && r.IDs[2] == "C3" && r.Chat == watest.PhoneJID(ivanDigits) {
					return true
				}
			}
			return false
		})

		// The customer's own page no longer shows what they deleted.
		cust := w.h.Do(t, httptest.NewRequest(http.MethodGet, w.h.CustomerPath(t, "АА-1"), nil))
		raw, _ := io.ReadAll(cust.Body)
		cust.Body.Close()
		if !strings.Contains(string(raw), "Нужна к пятнице") || strings.Contains(string(raw), "поцарапали") {
			t.Fatalf("customer page shows the edit %v, the deleted message %v", strings.Contains(string(raw), "Нужна к пятнице"),
				strings.Contains(string(raw), "поцарапали"))
		}
		if n := len(w.phone.ReadMarks()); n != 1 {
			t.Fatalf("%d read receipts, want 1", n)
		}
	})
}

// An advisor answers one customer message quoted: the page offers it, the
// reply carries it, and WhatsApp gets the quote. Only a customer's message
// of the thread can be quoted.
func TestInboxReplyQuotesACustomerMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		w := newWAHub(t, b)
		w.h.PushWorkOrder(t, "e1", "АА-1", 1, "Принят", nil)
		th := w.h.Thread(t, "АА-1")
		status := w.sentAndRecorded(t, th.ID)
		w.say(t, "Q1", watest.Text("Можно забрать в субботу?"))
		asked := w.message(t, th.ID, "Можно забрать в субботу?")
		base := fmt.Sprintf("/inbox/threads/%d", th.ID)

		_, page := w.advisor.Do(http.MethodGet, fmt.Sprintf("%s?quote=%d", base, asked.ID), nil)
		if !strings.Contains(page, fmt.Sprintf(`name="reply_to" value="%d"`, asked.ID)) || !strings.Contains(page, "Replying to: Можно забрать") {
			t.Fatalf("the composer does not quote the message:\n%s", page)
		}
		resp, _ := w.advisor.Post(base+"/messages", url.Values{"text": {"Да, до 14:00"}, "reply_to": {strconv.FormatInt(asked.ID, 10)}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base {
			t.Fatalf("reply: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		var quoted watest.Sent
		watest.Eventually(t, "the quoted reply in WhatsApp", func() bool {
			for _, s := range w.phone.Sent() {
				if s.Message.GetExtendedTextMessage().GetText() == "Да, до 14:00" {
					quoted = s
					return true
				}
			}
			return false
		})
		ci := quoted.Message.GetExtendedTextMessage().GetContextInfo()
		if ci.GetStanzaID() != "Q1" || ci.GetParticipant() != ivanDigits+"@s.whatsapp.net" ||
			ci.GetQuotedMessage().GetConversation() != "Можно забрать в субботу?" {
			t.Fatalf("context %+v, want the customer's message quoted", ci)
		}

		// The hub's own message, one the customer deleted, or one of
		// another thread, is no quote.
		w.say(t, "Q2", watest.Text("Ой, не то"))
		w.say(t, "Q3", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: waKey("Q2")}})
		deleted := w.message(t, th.ID, "Ой, не то")
		before := len(w.phone.Sent())
		hubs := w.message(t, th.ID, w.sentBody(t, th.ID, string(status.ID)))
		for _, id := range []int64{hubs.ID, deleted.ID, 999999} {
			resp, _ = w.advisor.Post(base+"/messages", url.Values{"text": {"Не уйдёт"}, "reply_to": {strconv.FormatInt(id, 10)}})
			if loc := resp.Header.Get("Location"); loc != base+"?err=not_quotable" {
				t.Fatalf("reply quoting %d went to %q", id, loc)
			}
		}
		if n := len(w.phone.Sent()); n != before {
			t.Fatalf("%d messages sent after refused quotes", n-before)
		}
	})
}

// The reply box says "typing…" to the customer and ends it.
func TestInboxTypingReachesWhatsApp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		w := newWAHub(t, b)
		w.h.PushWorkOrder(t, "e1", "АА-1", 1, "Принят", nil)
		th := w.h.Thread(t, "АА-1")
		w.sentAndRecorded(t, th.ID)
		base := fmt.Sprintf("/inbox/threads/%d", th.ID)
		for _, state := range []string{"composing", "paused"} {
			if resp, _ := w.advisor.Post(base+"/typing", url.Values{"state": {state}}); resp.StatusCode != http.StatusNoContent {
				t.Fatalf("typing %s: %d", state, resp.StatusCode)
			}
			watest.Eventually(t, "chat state "+state, func() bool {
				st := w.phone.ChatStates()
				return len(st) > 0 && string(st[len(st)-1].State) == state && st[len(st)-1].To == watest.PhoneJID(ivanDigits)
			})
		}
		if resp, _ := w.advisor.Post(base+"/typing", url.Values{"state": {"shouting"}}); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("unknown state: %d", resp.StatusCode)
		}
		if resp, _ := w.advisor.Do(http.MethodPost, base+"/typing", url.Values{"state": {"composing"}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("typing without the CSRF token: %d", resp.StatusCode)
		}
	})
}

// sentAndRecorded waits for the hub's first WhatsApp message of the thread
// to be sent and recorded under WhatsApp's id.
func (w *waHub) sentAndRecorded(t *testing.T, threadID int64) watest.Sent {
	t.Helper()
	var first watest.Sent
	watest.Eventually(t, "the status message to be sent and recorded", func() bool {
		sent := w.phone.Sent()
		if len(sent) == 0 {
			return false
		}
		first = sent[0]
		return w.sentBody(t, threadID, string(first.ID)) != ""
	})
	return first
}

// sentBody is the body of the thread's message recorded under a WhatsApp id.
func (w *waHub) sentBody(t *testing.T, threadID int64, waID string) string {
	t.Helper()
	msgs, err := w.h.Store.Messages(context.Background(), threadID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.ProviderID == waID {
			return m.Body
		}
	}
	return ""
}
