package app_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
)

// `serve` with NARYAD_SMTP_LISTEN takes a customer's e-mail reply into its
// work order's thread, refuses other recipients at RCPT, and stops the
// listener with the hub.
func TestServeReceivesEmail(t *testing.T) {
	var smtpAddr string
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		h.PushWorkOrder(t, "e1", "ЗН-1", 1, "in_work", nil)
		th := h.Thread(t, "ЗН-1")
		h.Run(t)
		addrs := h.Server.MailAddresses()
		if addrs == nil {
			t.Fatal("no mail addresses with NARYAD_MAIL_REPLY_DOMAIN set")
		}
		send := func(rcpt, data string) error {
			c, err := smtp.Dial(smtpAddr)
			if err != nil {
				return err
			}
			defer c.Close()
			// A plain SMTP conversation, as a relay on the same network
			// has (SendMail insists on STARTTLS).
			return c.SendMail("anna@example.pl", []string{rcpt}, strings.NewReader(data))
		}
		if err := send("someone@reply.example.pl", "Subject: x\r\n\r\nx\r\n"); err == nil || !strings.Contains(err.Error(), "550") {
			t.Fatalf("a stranger's address: %v", err)
		}
		to := addrs.ThreadReply(th.ID)
		mail := "From: anna@example.pl\r\nTo: " + to + "\r\nSubject: Re: ЗН-1\r\nMessage-ID: <r1@example.pl>\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n\r\nЗаберу в пятницу.\r\n\r\n> Автомобиль готов\r\n"
		if err := send(to, mail); err != nil {
			t.Fatal(err)
		}
		msgs, err := h.Store.Messages(context.Background(), th.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range msgs {
			if m.Direction == hub.DirectionIn {
				got = append(got, m.Body)
			}
		}
		if len(got) != 1 || got[0] != "Заберу в пятницу." {
			t.Fatalf("customer messages %q", got)
		}
	}, func(c *cli.Config) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		smtpAddr = ln.Addr().String()
		ln.Close() // serve listens itself; the port stays free long enough on loopback
		c.SMTPListen, c.MailReplyDomain = smtpAddr, "reply.example.pl"
	})
}
