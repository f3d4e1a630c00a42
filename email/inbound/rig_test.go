package inbound_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/quotedprintable"
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
	"golang.org/x/text/encoding/charmap"

	"naryad/email/inbound"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// rig is a store with a thread, its customer (with an e-mail address), and
// the listener serving on a free port of 127.0.0.1.
type rig struct {
	st       *store.Store
	f        storetest.Fixture
	addrs    *hub.MailAddresses
	media    *hub.Media
	addr     string
	customer int64
}

const testSecret = "0123456789abcdef0123456789abcdef-test"

func newRig(t *testing.T, s *store.Store, opts inbound.Options) rig {
	t.Helper()
	ctx := context.Background()
	f := storetest.NewFixture(t, s)
	cid, err := s.UpsertCustomer(ctx, store.CustomerData{NodeID: f.Node.ID, ExternalID: "c1", Name: "Анна", Email: "Anna@Example.pl", Phones: []string{f.Thread.Phone}})
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := hub.NewMailAddresses(testSecret, "reply.example.pl")
	if err != nil {
		t.Fatal(err)
	}
	media := hub.NewMedia(t.TempDir())
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	l, err := inbound.New(s, media, addrs, opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("listener: %v", err)
		}
	})
	return rig{st: s, f: f, addrs: addrs, media: media, addr: ln.Addr().String(), customer: cid}
}

// send runs one SMTP conversation; the error names the step that failed.
func (r rig) send(rcpt string, data []byte) error {
	c, err := smtp.Dial(r.addr)
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer c.Close()
	if err := c.Hello("mx.example.net"); err != nil {
		return fmt.Errorf("hello: %w", err)
	}
	if err := c.Mail("anna@example.pl", nil); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := c.Rcpt(rcpt, nil); err != nil {
		return fmt.Errorf("rcpt: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("end of data: %w", err)
	}
	return c.Quit()
}

// smtpCode is the reply code of an SMTP error (0 for another error).
func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// inbound lists the customer's messages in the rig's thread.
func (r rig) inbound(t *testing.T) []hub.Message {
	t.Helper()
	all, err := r.st.Messages(context.Background(), r.f.Thread.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []hub.Message
	for _, m := range all {
		if m.Direction == hub.DirectionIn {
			out = append(out, m)
		}
	}
	return out
}

// system lists the thread's system lines with key.
func (r rig) system(t *testing.T, key string) []hub.Message {
	t.Helper()
	all, err := r.st.Messages(context.Background(), r.f.Thread.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []hub.Message
	for _, m := range all {
		if m.Direction == hub.DirectionSystem && m.TextKey == key {
			out = append(out, m)
		}
	}
	return out
}

// changes lists the feed's changes of type typ.
func (r rig) changes(t *testing.T, typ string) []hub.Change {
	t.Helper()
	all, err := r.st.ChangesAfter(context.Background(), []int64{r.f.Branch.ID}, 0, 1000)
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

// queueEmail queues an e-mail to the customer, as the outbound side does.
func (r rig) queueEmail(t *testing.T, headerID string) hub.Message {
	t.Helper()
	m, err := r.st.QueueMessage(context.Background(), store.Outgoing{
		ThreadID: r.f.Thread.ID, Channel: hub.ChannelEmail, Recipient: "anna@example.pl", Body: "Страховка заканчивается",
		Email: &hub.MessageEmail{Subject: "Страховка", ReplyTo: r.addrs.ThreadReply(r.f.Thread.ID), HeaderID: headerID},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// jpegBytes starts as a JPEG does, which is what the type check reads.
var jpegBytes = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{0x42}, 300)...)

const svgPayload = `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`

// koi8 encodes s as KOI8-R, quoted-printable.
func koi8QP(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.KOI8R.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := quotedprintable.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.String()
}

func cp1251Base64(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// wrap76 breaks base64 into mail lines.
func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	return b.String() + s
}

// replyMail is a customer's answer as a mail client writes it: plain text
// in KOI8-R with the history quoted under an attribution, an HTML part in
// windows-1251, a photo, and an SVG named .jpg.
func replyMail(t *testing.T, to, messageID string) []byte {
	t.Helper()
	plain := "Добрый день! Машину заберу завтра в 10:00.\r\n\r\n" +
		"В пн, 7 дек. 2026 г. в 09:12, Автосервис <service@example.pl> пишет:\r\n" +
		"> Ваш автомобиль готов. Сумма 12 500 руб.\r\n> Ждём вас.\r\n"
	html := "<html><body><p>Добрый день! Машину заберу завтра в 10:00.</p><blockquote>Ваш автомобиль готов.</blockquote></body></html>"
	var b strings.Builder
	b.WriteString("From: =?koi8-r?B?" + base64.StdEncoding.EncodeToString(mustKOI8(t, "Анна")) + "?= <anna@example.pl>\r\n")
	b.WriteString("To: " + to + "\r\n")
	b.WriteString("Subject: =?utf-8?Q?Re:_=D0=93=D0=BE=D1=82=D0=BE=D0=B2?=\r\n")
	if messageID != "" {
		b.WriteString("Message-ID: <" + messageID + ">\r\n")
	}
	b.WriteString("Date: Mon, 7 Dec 2026 10:00:00 +0300\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n")
	b.WriteString("--outer\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n")
	b.WriteString("--alt\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	b.WriteString(koi8QP(t, plain) + "\r\n")
	b.WriteString("--alt\r\nContent-Type: text/html; charset=windows-1251\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	b.WriteString(wrap76(cp1251Base64(t, html)) + "\r\n")
	b.WriteString("--alt--\r\n")
	b.WriteString("--outer\r\nContent-Type: image/jpeg; name=\"photo.jpg\"\r\nContent-Disposition: attachment; filename=\"photo.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	b.WriteString(wrap76(base64.StdEncoding.EncodeToString(jpegBytes)) + "\r\n")
	b.WriteString("--outer\r\nContent-Type: image/jpeg; name=\"evil.jpg\"\r\nContent-Disposition: attachment; filename=\"evil.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	b.WriteString(wrap76(base64.StdEncoding.EncodeToString([]byte(svgPayload))) + "\r\n")
	b.WriteString("--outer--\r\n")
	return []byte(b.String())
}

func mustKOI8(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.KOI8R.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dsn is a delivery status notification (RFC 3464) for rcpt.
func dsn(to, action, status, diagnostic string) []byte {
	return []byte("From: Mail Delivery System <MAILER-DAEMON@mx.example.pl>\r\n" +
		"To: " + to + "\r\nSubject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"dsn\"\r\n\r\n" +
		"--dsn\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThis is the mail system at host mx.example.pl.\r\n\r\n" +
		"--dsn\r\nContent-Type: message/delivery-status\r\n\r\n" +
		"Reporting-MTA: dns; mx.example.pl\r\nArrival-Date: Mon, 7 Dec 2026 10:00:00 +0300\r\n\r\n" +
		"Final-Recipient: rfc822; anna@example.pl\r\nOriginal-Recipient: rfc822;anna@example.pl\r\n" +
		"Action: " + action + "\r\nStatus: " + status + "\r\nDiagnostic-Code: smtp; " + diagnostic + "\r\n\r\n" +
		"--dsn\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: service@example.pl\r\nSubject: Страховка\r\n\r\n" +
		"--dsn--\r\n")
}
