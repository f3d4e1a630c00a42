package app_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"naryad/app"
	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp/watest"
)

// The whole hub with WhatsApp, as a workshop meets it: an admin links a
// phone on the admin page, work orders from the DMS reach a customer who is
// on WhatsApp there (and one who is not by SMS), receipts and replies come
// back into the thread, and when the account is banned the next status
// goes out by SMS with the page link. Only WhatsApp's servers are fake.
func TestWhatsAppThroughTheWholeHub(t *testing.T) {
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		ctx := context.Background()
		reg := &watest.Registry{Setup: func(f *watest.Fake) {
			watest.Pairable(f)
			f.QRCodes = []string{"2@qr-ref,noise,identity,adv"}
			f.PairJID = types.JID{User: "74957770011", Server: types.DefaultUserServer, Device: 3}
			f.OnWhatsApp["79161234567"] = true // Иван; Мария (+79035550000) is not on WhatsApp
		}}
		h := apptest.StartWith(t, b, app.Deps{WhatsAppClient: reg.NewClient})
		h.Run(t)

		// The admin adds the branch's number and links the phone.
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "root", Name: "Root", Role: store.RoleAdmin,
			Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		admin := h.NewClient(t).SignIn("root", "s3cret-pass-word")
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
		phone := reg.For("74957770011")

		// A work order for a customer on WhatsApp goes there.
		h.PushWorkOrder(t, "e1", "АА-000123", 1, "Принят", nil)
		thread := h.Thread(t, "АА-000123")
		if thread.Channel != hub.ChannelWhatsApp {
			t.Fatalf("thread channel %q, want whatsapp", thread.Channel)
		}
		var first watest.Sent
		watest.Eventually(t, "the WhatsApp message", func() bool {
			sent := phone.Sent()
			if len(sent) > 0 {
				first = sent[0]
			}
			return len(sent) > 0
		})
		if first.To.User != "79161234567" || !strings.Contains(first.Message.GetConversation(), "АА-000123") {
			t.Fatalf("sent %v: %q", first.To, first.Message.GetConversation())
		}

		// WhatsApp says it was read once the hub has recorded the send: a
		// receipt that beats the record is applied again only after 1, 5
		// and 20 s, longer than a wait here on a busy machine. The customer
		// answers.
		watest.Eventually(t, "the send to be recorded", func() bool {
			return sentAs(t, h, thread.ID, string(first.ID)).ID != 0
		})
		if !phone.Emit(watest.Receipt(first.To, types.ReceiptTypeRead, string(first.ID))) {
			t.Fatal("receipt not taken")
		}
		watest.Eventually(t, "the message to show as read", func() bool {
			return sentAs(t, h, thread.ID, string(first.ID)).Delivery == hub.DeliveryRead
		})
		if !phone.Emit(watest.Direct(watest.PhoneJID("79161234567"), "3A0000CUSTOMER1", "Иван", watest.Text("Когда будет готово?"))) {
			t.Fatal("customer message not taken")
		}
		msgs, err := h.Store.Messages(ctx, thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m := msgs[len(msgs)-1]; m.Direction != hub.DirectionIn || m.Body != "Когда будет готово?" {
			t.Fatalf("last message %+v", m)
		}

		// A customer who is not on WhatsApp gets an SMS with the page link.
		h.PushWorkOrder(t, "e2", "АА-000124", 1, "Принят", map[string]any{
			"customer": map[string]any{"external_id": "C-2", "name": "Мария", "phones": []any{"+79035550000"}},
		})
		watest.Eventually(t, "the SMS to Мария", func() bool { return strings.Contains(smsLog(t, h), "+79035550000") })
		if th := h.Thread(t, "АА-000124"); th.Channel != hub.ChannelSMS {
			t.Fatalf("Мария's thread runs on %q", th.Channel)
		}

		// The account is banned: the next status goes by SMS, with the link.
		before := len(phone.Sent())
		phone.Emit(&events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: time.Hour})
		watest.Eventually(t, "the ban to show", func() bool { a, _ := h.Store.WAAccount(ctx, acc.ID); return a.State == hub.WABanned })
		h.PushWorkOrder(t, "e3", "АА-000123", 2, "Готов", nil)
		link := h.Server.Links().URL(mustLink(t, h, thread.ID))
		// The "ready" status shows twice in the thread: the WhatsApp message,
		// failed with the reason, and its SMS copy with the page link.
		var failedWA, bySMS hub.Message
		watest.Eventually(t, "the SMS fallback of the ready status", func() bool {
			msgs, err := h.Store.Messages(ctx, thread.ID)
			if err != nil {
				t.Fatal(err)
			}
			failedWA, bySMS = hub.Message{}, hub.Message{}
			for _, m := range msgs {
				switch {
				case m.TemplateKey != "status.ready":
				case m.Delivery == hub.DeliveryFailed:
					failedWA = m
				case m.Delivery == hub.DeliverySent:
					bySMS = m
				}
			}
			return failedWA.ID != 0 && bySMS.ID != 0
		})
		if !strings.Contains(failedWA.Error, "banned until") || !strings.Contains(failedWA.Error, "sent by SMS instead") {
			t.Errorf("the failed WhatsApp message says %q", failedWA.Error)
		}
		// The SMS carries the link; the thread keeps it masked.
		if !strings.Contains(bySMS.Body, hub.MaskLinks(link)) || !strings.Contains(smsLog(t, h), "готов (заказ-наряд АА-000123)") ||
			!strings.Contains(smsLog(t, h), link) {
			t.Errorf("the SMS %q lacks the link %s or is not in the SMS log", bySMS.Body, link)
		}
		if n := len(phone.Sent()); n != before {
			t.Fatalf("a banned account sent %d messages", n-before)
		}
	})
}

// sentAs finds the thread's message WhatsApp knows by id, if recorded.
func sentAs(t *testing.T, h *apptest.Hub, threadID int64, id string) hub.Message {
	t.Helper()
	msgs, err := h.Store.Messages(context.Background(), threadID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.ProviderID == id {
			return m
		}
	}
	return hub.Message{} // not recorded yet: the provider's answer is written after the send
}

func mustLink(t *testing.T, h *apptest.Hub, threadID int64) string {
	t.Helper()
	l, err := h.Store.ActiveMagicLink(context.Background(), threadID)
	if err != nil {
		t.Fatal(err)
	}
	return l.Salt
}

func smsLog(t *testing.T, h *apptest.Hub) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(h.Config.DataDir, "sms.log"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(data)
}

// A hub run with NARYAD_WHATSAPP=false keeps new threads on SMS even when an
// account looks connected (its state is from before), and a message still
// queued for WhatsApp goes by SMS with the page link instead of waiting.
func TestWhatsAppOffKeepsCustomersOnSMS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		ctx := context.Background()
		h := apptest.Start(t, b, func(c *cli.Config) { c.WhatsApp = false })
		acc := hub.WAAccount{BranchID: h.Branch.ID, Name: "reception"}
		if err := h.Store.CreateWAAccount(ctx, &acc); err != nil {
			t.Fatal(err)
		}
		if err := h.Store.SetWALinked(ctx, acc.ID, "74957770011:3@s.whatsapp.net", "+74957770011"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Store.SetWAAccountState(ctx, acc.ID, hub.WAConnected, "", nil); err != nil {
			t.Fatal(err)
		}
		h.Run(t)
		h.PushWorkOrder(t, "e1", "АА-000123", 1, "Принят", nil)
		thread := h.Thread(t, "АА-000123")
		if thread.Channel != hub.ChannelSMS {
			t.Fatalf("thread channel %q with WhatsApp off", thread.Channel)
		}
		m, err := h.Store.QueueMessage(ctx, store.Outgoing{ThreadID: thread.ID, Channel: hub.ChannelWhatsApp,
			Recipient: thread.Phone, Body: "Машина готова, ждём вас до 20:00"})
		if err != nil {
			t.Fatal(err)
		}
		link := h.Server.Links().URL(mustLink(t, h, thread.ID))
		watest.Eventually(t, "the message by SMS", func() bool {
			log := smsLog(t, h)
			return strings.Contains(log, "Машина готова") && strings.Contains(log, link)
		})
		if got, _ := h.Store.Message(ctx, m.ID); got.Delivery != hub.DeliveryFailed || !strings.Contains(got.Error, "NARYAD_WHATSAPP=false") {
			t.Fatalf("the WhatsApp message: %s %q", got.Delivery, got.Error)
		}
	})
}
