package payments_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// The provider made the page but the hub never saved its id (a timeout,
// or the hub killed in between): the next press reuses that page through
// the same idempotency key, never a second one.
func TestCreateWhoseAnswerWasLostIsReusedByTheNextPress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		e.psp.LoseCreateAnswers(true)
		if _, err := e.svc.Start(ctx, e.f.Thread.ID, "order", returnBase); !isUserError(err) {
			t.Fatalf("lost answer: %v", err)
		}
		e.psp.LoseCreateAnswers(false)
		url := e.start(t, "order")
		if e.psp.Sessions() != 1 || len(e.payments(t)) != 1 {
			t.Fatalf("%d pages, %d payments", e.psp.Sessions(), len(e.payments(t)))
		}
		if p := e.payments(t)[0]; p.PaymentURL != url || p.ProviderID != sessionOf(url) {
			t.Fatalf("payment: %+v", p)
		}
	})
}

// The same, but the next press comes from another link of the thread
// (staff sent a new one), so the provider refuses the key with other
// parameters: the hub gives that payment up (its page was never shown)
// and makes a new one, instead of refusing every press from then on.
func TestCreateRefusedForItsKeyIsReplacedByANewPayment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		e.psp.LoseCreateAnswers(true)
		if _, err := e.svc.Start(ctx, e.f.Thread.ID, "order", returnBase); !isUserError(err) {
			t.Fatalf("lost answer: %v", err)
		}
		e.psp.LoseCreateAnswers(false)
		other := strings.Replace(returnBase, "TOKEN", "OTHER", 1)
		url, err := e.svc.Start(ctx, e.f.Thread.ID, "order", other)
		if err != nil {
			t.Fatalf("press from another link: %v", err)
		}
		list := e.payments(t)
		if len(list) != 2 || list[0].PaymentURL != url || list[0].Status != hub.PaymentPending || list[1].Status == hub.PaymentPending {
			t.Fatalf("payments: %+v", list)
		}
		// And the same with an advisor's request.
		p, err := e.svc.Request(ctx, e.f.Thread.ID, 10000, "deposit", "olga")
		if err != nil {
			t.Fatal(err)
		}
		key := "request:" + itoa(p.ID)
		e.psp.LoseCreateAnswers(true)
		if _, err := e.svc.Start(ctx, e.f.Thread.ID, key, returnBase); !isUserError(err) {
			t.Fatalf("lost answer: %v", err)
		}
		e.psp.LoseCreateAnswers(false)
		if _, err := e.svc.Start(ctx, e.f.Thread.ID, key, other); err != nil {
			t.Fatalf("request from another link: %v", err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
