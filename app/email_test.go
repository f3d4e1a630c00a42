package app_test

import (
	"context"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/internal/mailpit"
)

// With NARYAD_SMTP_HOST and NARYAD_MAIL_REPLY_DOMAIN the running hub
// sends a queued e-mail through its e-mail outbox, from NARYAD_MAIL_FROM,
// with the hub's reply and bounce addresses; without the domain e-mail is
// off and the hub has no addresses.
func TestEmailOutbox(t *testing.T) {
	mp := mailpit.Start(t)
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		addrs := h.Server.MailAddresses()
		if addrs == nil || addrs.Domain() != "reply.hub.example.test" {
			t.Fatalf("mail addresses: %+v", addrs)
		}
		h.Run(t)
		h.PushWorkOrder(t, "e1", "АА-1", 1, "В работе", nil)
		th := h.Thread(t, "АА-1")
		ctx := context.Background()
		m, err := h.Store.QueueMessage(ctx, store.Outgoing{
			ThreadID: th.ID, Channel: hub.ChannelEmail, Recipient: "anna@example.pl", Body: "Samochód gotowy.",
			Email: &hub.MessageEmail{Subject: "Samochód gotowy", ReplyTo: addrs.ThreadReply(th.ID), HeaderID: "app-1@reply.hub.example.test"},
		})
		if err != nil {
			t.Fatal(err)
		}
		got := mp.WaitMessage(t, "app-1@reply.hub.example.test", 20*time.Second)
		if got.From.Address != "hub@example.test" || got.ReturnPath != addrs.Bounce(m.ID) || len(got.ReplyTo) != 1 || got.ReplyTo[0].Address != addrs.ThreadReply(th.ID) {
			t.Fatalf("received From %v, Return-Path %q, Reply-To %v", got.From, got.ReturnPath, got.ReplyTo)
		}
	}, func(c *cli.Config) {
		c.SMTPHost, c.SMTPPort, c.SMTPSecurity = mp.SMTPHost, mp.SMTPPort, "none"
		c.MailFrom, c.MailReplyDomain = "hub@example.test", "reply.hub.example.test"
	})

	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		if a := h.Server.MailAddresses(); a != nil {
			t.Fatalf("e-mail is on without a reply domain: %v", a.Domain())
		}
	})
}
