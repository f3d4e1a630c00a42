package email_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"naryad/email"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// smsRows lists the SMS outbox rows queued on the world's thread (without
// claiming them), oldest first.
func smsRows(t *testing.T, s *store.Store, w world) []hub.OutboxItem {
	t.Helper()
	var out []hub.OutboxItem
	err := s.Gorm(context.Background()).Raw(`SELECT o.* FROM outbox o JOIN messages m ON m.id = o.message_id
		WHERE m.thread_id = ? AND o.channel = ? ORDER BY o.id`, w.Thread.ID, hub.ChannelSMS).Scan(&out).Error
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// bounced is an e-mail queued and then failed by a hard bounce, as the
// inbound listener leaves it before it calls the fallback.
func bounced(t *testing.T, s *store.Store, w world, text string) hub.Message {
	t.Helper()
	m := w.queue(t, "anna@example.pl", "Przypomnienie", text, "<p>x</p>", "")
	b, err := s.FailEmailBounce(context.Background(), m.ID, "bounced: 550 5.1.1 user unknown")
	if err != nil || !b.Failed {
		t.Fatalf("bounce: %+v %v", b, err)
	}
	return m
}

// A hard-bounced e-mail goes by SMS, with the customer's live page link,
// only on a branch that asks for it, and once however often (and however
// concurrently) the bounce is handed over; the e-mail reads "…; sent by
// SMS instead".
func TestBouncedEmailFallsBackToSMSOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newWorld(t, s)
		links, err := hub.NewLinks(testSecret, "https://hub.example.pl")
		if err != nil {
			t.Fatal(err)
		}
		woken := 0
		var mu sync.Mutex
		fb := email.NewFallback(s, links, email.FallbackOptions{Logger: quiet(), Queued: func() { mu.Lock(); woken++; mu.Unlock() }})

		w.saveSender(t, hub.BranchEmailSettings{FromAddress: "serwis@auto.example.pl"})
		m := bounced(t, s, w, "Przegląd za 5 dni.")
		if err := fb.EmailFailed(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		if got := smsRows(t, s, w); len(got) != 0 {
			t.Fatalf("SMS without the branch's sms_fallback: %+v", got)
		}

		w.saveSender(t, hub.BranchEmailSettings{FromAddress: "serwis@auto.example.pl", SMSFallback: true})
		m = bounced(t, s, w, "Przegląd za 3 dni.")
		var wg sync.WaitGroup
		errs := make(chan error, 5)
		for range 5 {
			wg.Go(func() { errs <- fb.EmailFailed(ctx, m.ID) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := fb.EmailFailed(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		got := smsRows(t, s, w)
		if len(got) != 1 || got[0].Recipient != w.Thread.Phone || !strings.HasPrefix(got[0].Body, "Przegląd za 3 dni.\nhttps://hub.example.pl/c/") {
			t.Fatalf("SMS = %+v, want one with the text part and the page link to %s", got, w.Thread.Phone)
		}
		if woken != 1 {
			t.Fatalf("the SMS outbox was woken %d times", woken)
		}
		e := storetest.Message(t, s, m.ID)
		if e.Delivery != hub.DeliveryFailed || e.Error != "bounced: 550 5.1.1 user unknown; sent by SMS instead" {
			t.Fatalf("e-mail = %s %q", e.Delivery, e.Error)
		}

		// An e-mail still on its way is no bounce's to reroute.
		q := w.queue(t, "anna@example.pl", "Przypomnienie", "Jutro.", "", "")
		if err := fb.EmailFailed(ctx, q.ID); err != nil {
			t.Fatal(err)
		}
		if n := len(smsRows(t, s, w)); n != 1 {
			t.Fatalf("%d SMS after handing over a queued e-mail", n)
		}
	})
}
