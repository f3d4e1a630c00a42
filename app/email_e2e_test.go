package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/jpeg"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"naryad/app"
	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/internal/mailpit"
)

// E-mail end to end, issue 21: the whole hub as `serve` runs it, sending
// through a real SMTP server (Mailpit) and receiving on its own listener.
// Two customers of branch MSK1 (expiry = e-mail and SMS, a sender with the
// SMS fallback) each have expiring items; then
//   - both get the expiry e-mail (both parts, the table, List-Unsubscribe,
//     Reply-To = the thread's address) and the SMS;
//   - Bob POSTs to the List-Unsubscribe URL of the e-mail he received;
//   - Anna replies to the Reply-To with a photo: it lands in her thread;
//   - Anna's e-mail bounces (a DSN to its Return-Path): the message fails,
//     her address is invalid, the branch's SMS fallback sends its words;
//   - at the next reminder (10 days before) Anna gets an SMS only, Bob
//     nothing on any channel.
func TestEmailEndToEnd(t *testing.T) {
	mp := mailpit.Start(t)
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		ctx := context.Background()
		clock := &testClock{}
		clock.setDay(t, "2026-05-27") // 15 days before the items' end
		var smtpAddr string
		h := apptest.StartWith(t, b, app.Deps{ReminderClock: clock.now}, func(c *cli.Config) {
			c.SMTPHost, c.SMTPPort, c.SMTPSecurity = mp.SMTPHost, mp.SMTPPort, "none"
			c.MailFrom, c.MailReplyDomain = "hub@example.test", "reply.hub.example.test"
			smtpAddr = freeAddr(t)
			c.SMTPListen = smtpAddr
		})
		addrs := h.Server.MailAddresses()
		if err := h.Store.SaveBranchEmailSettings(ctx, hub.BranchEmailSettings{BranchID: h.Branch.ID,
			FromAddress: "servis@msk1.example.test", FromName: "Сервис на Ленинском", SMSFallback: true}); err != nil {
			t.Fatal(err)
		}
		if err := h.Store.SetReminderChannel(ctx, store.ReminderChannel{BranchID: h.Branch.ID, Rule: "expiring", Thread: true, Email: true}); err != nil {
			t.Fatal(err)
		}
		pushCustomers(t, h)
		base := h.Run(t)

		if _, err := h.Server.ScanReminders(ctx); err != nil {
			t.Fatal(err)
		}
		anna, bob := customer(t, h, "C-ANNA"), customer(t, h, "C-BOB")
		for _, c := range []*e2eCustomer{anna, bob} {
			if got := c.outbox(t, h); strings.Join(got, ",") != "sms,email" {
				t.Fatalf("%s's outbox after the first scan: %v, want an SMS and an e-mail", c.ext, got)
			}
			c.readEmail(t, h, mp)
			waitFor(t, "the reminder's SMS sent", func() bool {
				return storetest.Message(t, h.Store, c.sms).Delivery == hub.DeliverySent
			})
		}

		// What arrived: both parts with the table, the headers.
		got := anna.mail
		for _, want := range []string{"ОСАГО", "Диагностическая карта", "11.06.2026"} {
			if !strings.Contains(got.Text, want) || !strings.Contains(got.HTML, want) {
				t.Errorf("the e-mail's parts lack %q:\ntext %q", want, got.Text)
			}
		}
		if !strings.Contains(got.HTML, "<table") {
			t.Errorf("HTML without the table: %s", got.HTML)
		}
		if len(got.ReplyTo) != 1 || got.ReplyTo[0].Address != addrs.ThreadReply(anna.thread) {
			t.Errorf("Reply-To %v, want %s", got.ReplyTo, addrs.ThreadReply(anna.thread))
		}
		if got.ReturnPath != addrs.Bounce(anna.email) || got.From.Address != "servis@msk1.example.test" {
			t.Errorf("Return-Path %q, From %v", got.ReturnPath, got.From)
		}
		if len(got.ListUnsubscribe.Links) != 1 || !strings.HasPrefix(got.ListUnsubscribe.Links[0], "https://hub.example.test/unsubscribe/") ||
			got.ListUnsubscribe.HeaderPost != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe %+v", got.ListUnsubscribe)
		}

		// Bob's one click, as his mail client makes it.
		u, err := url.Parse(bob.mail.ListUnsubscribe.Links[0])
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Post(base+u.Path, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("one-click unsubscribe: %d", resp.StatusCode)
		}

		// Anna's reply with a photo, sent to naryad's listener.
		if err := smtpSend(smtpAddr, "anna@example.ru", got.ReplyTo[0].Address, replyWithPhoto(t, got)); err != nil {
			t.Fatalf("reply: %v", err)
		}
		var reply hub.Message
		waitFor(t, "the reply in the thread", func() bool {
			msgs, err := h.Store.Messages(ctx, anna.thread)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range msgs {
				if m.Direction == hub.DirectionIn {
					reply = m
					return true
				}
			}
			return false
		})
		if reply.Body != "Спасибо, продлю на этой неделе." {
			t.Errorf("reply %q, want the words without the quoted history", reply.Body)
		}
		files, err := h.Store.Attachments(ctx, reply.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 1 || files[0].ContentType != "image/jpeg" || files[0].Name != "polis.jpg" {
			t.Fatalf("reply's files %+v, want the photo", files)
		}

		// Anna's e-mail bounces to its Return-Path.
		if err := smtpSend(smtpAddr, "", got.ReturnPath, hardBounce(got)); err != nil {
			t.Fatalf("bounce: %v", err)
		}
		failed := storetest.Message(t, h.Store, anna.email)
		if failed.Delivery != hub.DeliveryFailed || !strings.Contains(failed.Error, "550 5.1.1") {
			t.Fatalf("bounced e-mail %s %q", failed.Delivery, failed.Error)
		}
		if _, ok, err := h.Store.EmailUsable(ctx, anna.id); err != nil || ok {
			t.Fatalf("address still usable after a hard bounce: %v %v", ok, err)
		}
		if got := anna.outbox(t, h); strings.Join(got, ",") != "sms,email,sms" {
			t.Fatalf("Anna's outbox after the bounce: %v, want the fallback SMS", got)
		}

		// The next reminder: Anna by SMS only, Bob not at all.
		clock.setDay(t, "2026-06-01")
		if _, err := h.Server.ScanReminders(ctx); err != nil {
			t.Fatal(err)
		}
		if got := anna.outbox(t, h); strings.Join(got, ",") != "sms,email,sms,sms" {
			t.Fatalf("Anna's outbox after the next scan: %v, want one more SMS", got)
		}
		if got := bob.outbox(t, h); strings.Join(got, ",") != "sms,email" {
			t.Fatalf("Bob's outbox after the next scan: %v, want nothing more after unsubscribing", got)
		}
	})
}

// testClock is the reminders' clock, moved by the test.
type testClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.at }

// setDay moves the clock to 11:00 Moscow time on day (MSK1's zone; out of
// the quiet hours).
func (c *testClock) setDay(t *testing.T, day string) {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", day+" 11:00", loc)
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.at = at.UTC()
	c.mu.Unlock()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close() // serve listens itself; the port stays free long enough on loopback
	return ln.Addr().String()
}

// pushCustomers sends Anna and Bob with their addresses and expiring
// items through the DMS exchange.
func pushCustomers(t *testing.T, h *apptest.Hub) {
	t.Helper()
	at := time.Now().In(h.Branch.Location()).Format("2006-01-02T15:04:05")
	cust := func(id, ext, name, phone, email string) map[string]any {
		return map[string]any{"id": id, "type": "customer", "occurred_at": at, "customer": map[string]any{
			"external_id": ext, "name": name, "phones": []any{phone}, "email": email, "locale": "ru", "branch": h.Branch.Code}}
	}
	item := func(id, ext, owner, title string) map[string]any {
		return map[string]any{"id": id, "type": "expiring_item", "occurred_at": at, "expiring_item": map[string]any{
			"external_id": ext, "customer_external_id": owner, "kind": "insurance", "title": title, "expires_on": "2026-06-11", "branch": h.Branch.Code}}
	}
	body, err := json.Marshal(map[string]any{"events": []any{
		cust("c1", "C-ANNA", "Анна Смирнова", "+79161110001", "anna@example.ru"),
		cust("c2", "C-BOB", "Борис Петров", "+79161110002", "bob@example.ru"),
		item("i1", "I-1", "C-ANNA", "ОСАГО"),
		item("i2", "I-2", "C-ANNA", "Диагностическая карта"),
		item("i3", "I-3", "C-BOB", "ОСАГО"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	status, reply := h.PostEvents(t, h.Token, body)
	if status != http.StatusOK {
		t.Fatalf("events: %d %v", status, reply)
	}
	for _, r := range apptest.Results(t, reply) {
		if r["result"] != "applied" {
			t.Fatalf("event %v", r)
		}
	}
}

// e2eCustomer is a customer with their reminder thread, the messages of
// the first scan and the e-mail Mailpit received.
type e2eCustomer struct {
	ext        string
	id, thread int64
	sms, email int64 // the first reminder's SMS and e-mail messages
	mail       mailpit.Message
}

func customer(t *testing.T, h *apptest.Hub, ext string) *e2eCustomer {
	t.Helper()
	ctx := context.Background()
	c := &e2eCustomer{ext: ext}
	if err := h.Store.Gorm(ctx).Raw("SELECT id FROM customers WHERE node_id = ? AND external_id = ?", h.Node.ID, ext).Scan(&c.id).Error; err != nil || c.id == 0 {
		t.Fatalf("customer %s: %d %v", ext, c.id, err)
	}
	th, err := h.Store.CustomerThread(ctx, c.id, h.Branch.ID)
	if err != nil {
		t.Fatalf("thread of %s: %v", ext, err)
	}
	c.thread = th.ID
	var rows []struct {
		ID      int64
		Channel string
	}
	err = h.Store.Gorm(ctx).Raw(`SELECT m.id, o.channel FROM messages m JOIN outbox o ON o.message_id = m.id
		WHERE m.thread_id = ? ORDER BY o.id`, th.ID).Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		switch r.Channel {
		case hub.ChannelSMS:
			c.sms = r.ID
		case hub.ChannelEmail:
			c.email = r.ID
		}
	}
	return c
}

// outbox lists the channels of everything queued to the customer, in order.
func (c *e2eCustomer) outbox(t *testing.T, h *apptest.Hub) []string {
	t.Helper()
	var out []string
	err := h.Store.Gorm(context.Background()).Raw(`SELECT o.channel FROM outbox o JOIN messages m ON m.id = o.message_id
		JOIN threads t ON t.id = m.thread_id WHERE t.customer_id = ? ORDER BY o.id`, c.id).Scan(&out).Error
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readEmail waits for the customer's e-mail in Mailpit by its Message-ID.
func (c *e2eCustomer) readEmail(t *testing.T, h *apptest.Hub, mp *mailpit.Server) {
	t.Helper()
	e, err := h.Store.MessageEmail(context.Background(), c.email)
	if err != nil {
		t.Fatalf("%s's e-mail: %v", c.ext, err)
	}
	c.mail = mp.WaitMessage(t, e.HeaderID, 30*time.Second)
}

// smtpSend runs one plain SMTP conversation with naryad's listener, as the
// customer's mail server (or a relay) does; from "" is the null sender of
// a bounce.
func smtpSend(addr, from, rcpt string, data []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("mx.example.ru"); err != nil {
		return err
	}
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	if err := c.Rcpt(rcpt, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// replyWithPhoto is the customer's answer to the received e-mail: the
// words, the quoted history, and a JPEG.
func replyWithPhoto(t *testing.T, to mailpit.Message) []byte {
	t.Helper()
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, image.NewRGBA(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	enc := base64.StdEncoding.EncodeToString(photo.Bytes())
	var b strings.Builder
	b.WriteString("From: Anna <anna@example.ru>\r\nTo: " + to.ReplyTo[0].Address + "\r\n")
	b.WriteString("Subject: " + mime.QEncoding.Encode("utf-8", "Re: "+to.Subject) + "\r\nMessage-ID: <reply-1@example.ru>\r\nIn-Reply-To: <" + to.MessageID + ">\r\n")
	b.WriteString("Date: Wed, 27 May 2026 12:00:00 +0300\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n")
	b.WriteString("--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nСпасибо, продлю на этой неделе.\r\n\r\n")
	b.WriteString("27.05.2026, 11:00, Сервис <servis@msk1.example.test> пишет:\r\n> Скоро истекает ОСАГО\r\n")
	b.WriteString("--b1\r\nContent-Type: image/jpeg; name=\"polis.jpg\"\r\nContent-Disposition: attachment; filename=\"polis.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--b1--\r\n")
	return []byte(b.String())
}

// hardBounce is the DSN the customer's mail server sends to the e-mail's
// Return-Path: the mailbox does not exist.
func hardBounce(m mailpit.Message) []byte {
	rcpt := m.To[0].Address
	return []byte("From: Mail Delivery System <MAILER-DAEMON@mx.example.ru>\r\nTo: " + m.ReturnPath + "\r\n" +
		"Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"dsn\"\r\n\r\n" +
		"--dsn\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n" +
		"--dsn\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.ru\r\n\r\n" +
		"Final-Recipient: rfc822; " + rcpt + "\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 <" + rcpt + ">: user unknown\r\n\r\n" +
		"--dsn\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <" + m.MessageID + ">\r\n\r\n" +
		"--dsn--\r\n")
}

// waitFor polls cond until it holds, failing the test after 30 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 30 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
