package email_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"naryad/email"
	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func outboxOpts() outbox.Options { return outbox.Options{MaxAttempts: 3} }

// A recipient the server refuses with a 5xx fails at once, after one
// attempt; a branch with the SMS fallback then sends the same text part
// by SMS to the thread's number, and the e-mail shows why.
func TestRefusedRecipient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		srv := startRefusingServer(t)
		w := newWorld(t, s)
		w.run(t, w.sender(t, srv.Host, srv.Port), outboxOpts())

		m := w.queue(t, "nobody@example.pl", "Przypomnienie", "Przegląd za 5 dni.", "", "")
		failed := waitDelivery(t, s, m.ID)
		if failed.Delivery != hub.DeliveryFailed || !strings.Contains(failed.Error, "550") || !strings.Contains(failed.Error, "no such user") {
			t.Fatalf("message = %s %q, want failed with the server's 550", failed.Delivery, failed.Error)
		}
		if as, _ := s.DeliveryAttempts(ctx, storetest.Outbox(t, s, m.ID).ID); len(as) != 1 {
			t.Fatalf("%d attempts, want 1 (a 5xx is permanent)", len(as))
		}
		if sms := smsOf(t, s, w); len(sms) != 0 {
			t.Fatalf("SMS without the fallback: %+v", sms)
		}

		w.saveSender(t, hub.BranchEmailSettings{FromAddress: "serwis@auto.example.pl", SMSFallback: true})
		m = w.queue(t, "nobody@example.pl", "Przypomnienie", "Przegląd za 3 dni.", "<p>x</p>", "")
		failed = waitDelivery(t, s, m.ID)
		if failed.Delivery != hub.DeliveryFailed || !strings.Contains(failed.Error, "sent by SMS instead") {
			t.Fatalf("message = %s %q, want failed and sent by SMS", failed.Delivery, failed.Error)
		}
		sms := smsOf(t, s, w)
		if len(sms) != 1 || sms[0].Recipient != w.Thread.Phone || sms[0].Body != "Przegląd za 3 dni." {
			t.Fatalf("SMS = %+v, want the text part to %s", sms, w.Thread.Phone)
		}
	})
}

// A 4xx answer and an unreachable server are temporary: the message is
// tried again, and fails only when the attempts run out.
func TestTemporaryFailuresRetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		srv := startRefusingServer(t)
		w := newWorld(t, s)
		w.run(t, w.sender(t, srv.Host, srv.Port), outboxOpts())
		m := w.queue(t, "later@example.pl", "Przypomnienie", "x", "", "")
		failed := waitDelivery(t, s, m.ID)
		as, _ := s.DeliveryAttempts(ctx, storetest.Outbox(t, s, m.ID).ID)
		if failed.Delivery != hub.DeliveryFailed || len(as) != 3 || srv.rcpts() != 3 || !strings.Contains(failed.Error, "451") {
			t.Fatalf("message = %s %q after %d attempts (%d RCPT), want failed after 3", failed.Delivery, failed.Error, len(as), srv.rcpts())
		}
	})
}

// An unreachable server is temporary too: each attempt fails to connect
// and the message is tried again until the attempts run out.
func TestUnreachableServerRetries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		// Nobody listens on the port of a closed listener.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		w := newWorld(t, s)
		w.run(t, w.sender(t, "127.0.0.1", port), outboxOpts())
		m := w.queue(t, "anna@example.pl", "Przypomnienie", "x", "", "")
		failed := waitDelivery(t, s, m.ID)
		as, _ := s.DeliveryAttempts(ctx, storetest.Outbox(t, s, m.ID).ID)
		if failed.Delivery != hub.DeliveryFailed || len(as) != 3 || !strings.Contains(failed.Error, "connect") {
			t.Fatalf("message = %s %q after %d attempts, want failed after 3", failed.Delivery, failed.Error, len(as))
		}
	})
}

// smsOf lists the SMS messages queued on the world's thread.
func smsOf(t *testing.T, s *store.Store, w world) []hub.OutboxItem {
	t.Helper()
	items, err := s.ClaimOutbox(context.Background(), 10, 0, []string{hub.ChannelSMS})
	if err != nil {
		t.Fatal(err)
	}
	var out []hub.OutboxItem
	for _, it := range items {
		if m := storetest.Message(t, s, it.MessageID); m.ThreadID == w.Thread.ID {
			out = append(out, it)
		}
	}
	return out
}

// What no later attempt can change fails at once: a branch with no sender
// on a hub without NARYAD_MAIL_FROM, an e-mail whose parts are gone.
func TestUnsendableFailsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		srv := startRefusingServer(t)
		w := newWorld(t, s)
		snd, err := email.NewSender(s, email.Options{
			SMTP:      email.SMTP{Host: srv.Host, Port: srv.Port, Security: email.SecurityNone},
			Addresses: w.addrs,
		})
		if err != nil {
			t.Fatal(err)
		}
		noSender := w.queue(t, "anna@example.pl", "Przypomnienie", "x", "", "")
		noParts := w.queue(t, "jan@example.pl", "Przypomnienie", "y", "", "")
		if err := s.Gorm(ctx).Exec("DELETE FROM message_emails WHERE message_id = ?", noParts.ID).Error; err != nil {
			t.Fatal(err)
		}
		w.run(t, snd, outboxOpts())
		for _, c := range []struct {
			id   int64
			want string
		}{{noSender.ID, "NARYAD_MAIL_FROM"}, {noParts.ID, "not found"}} {
			m := waitDelivery(t, s, c.id)
			as, _ := s.DeliveryAttempts(ctx, storetest.Outbox(t, s, c.id).ID)
			if m.Delivery != hub.DeliveryFailed || len(as) != 1 || !strings.Contains(m.Error, c.want) {
				t.Errorf("message %d: %s %q after %d attempts, want failed at once with %q", c.id, m.Delivery, m.Error, len(as), c.want)
			}
		}
		if srv.rcpts() != 0 {
			t.Errorf("the server was asked %d times", srv.rcpts())
		}
	})
}
