package payments_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// Another thread's customer (another link) cannot pay, or look at, this
// thread's request; another branch's webhook address cannot settle this
// branch's payment, even signed with a secret that verifies there.
func TestOtherThreadsAndBranchesReachNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		w2 := hub.WorkOrder{NodeID: e.f.Node.ID, BranchID: e.f.Branch.ID, Number: "ЗН-2", Version: 1, Status: hub.StatusReady,
			Currency: "PLN", OpenedAt: time.Now().UTC()}
		if _, err := s.SaveWorkOrder(ctx, &w2); err != nil {
			t.Fatal(err)
		}
		t2 := hub.Thread{BranchID: e.f.Branch.ID, WorkOrderID: &w2.ID, Phone: "+48500000000", Channel: hub.ChannelSMS}
		if err := s.CreateThread(ctx, &t2); err != nil {
			t.Fatal(err)
		}
		req, err := e.svc.Request(ctx, e.f.Thread.ID, 10000, "deposit", "olga")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Start(ctx, t2.ID, "request:"+itoa(req.ID), returnBase); !isUserError(err) {
			t.Fatalf("another thread's request: %v", err)
		}
		if e.psp.Sessions() != 0 {
			t.Fatal("a page was made for another thread's request")
		}
		sess := sessionOf(e.start(t, "request:"+itoa(req.ID)))
		if _, err := e.svc.Outcome(ctx, t2.ID, req.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another thread's outcome: %v", err)
		}

		b2 := hub.Branch{Code: "waw1", Name: "Warszawa", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"}
		if err := s.CreateBranch(ctx, &b2); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Configure(ctx, b2.ID, hub.PaymentSetup{Provider: hub.ProviderStripe, SecretKey: "sk_test_b2", WebhookSecret: "whsec_b2"}); err != nil {
			t.Fatal(err)
		}
		bp2, _ := s.BranchPayment(ctx, b2.ID)
		e.psp.Pay(sess, 10000, "card")
		if got := e.webhook(t, bp2.WebhookKey, noticeBody("evt_x", sess, hub.PaymentSucceeded, 10000), "whsec_b2"); got != 200 {
			t.Fatalf("other branch's address: %d", got)
		}
		if p := e.payment(t, req.ID); p.Status != hub.PaymentPending {
			t.Fatalf("another branch's address settled the payment: %+v", p)
		}
		if got := e.webhook(t, e.key, noticeBody("evt_x", sess, hub.PaymentSucceeded, 10000), "whsec_b2"); got != 400 {
			t.Fatalf("signed with the other branch's secret: %d", got)
		}
		// The same event id, now at the right address: not used up.
		if got := e.webhook(t, e.key, noticeBody("evt_x", sess, hub.PaymentSucceeded, 10000), webhookSecret); got != 200 {
			t.Fatalf("right address: %d", got)
		}
		if p := e.payment(t, req.ID); p.Status != hub.PaymentSucceeded {
			t.Fatalf("the real event was lost: %+v", p)
		}
	})
}

// A request made under the branch's previous provider (or in the order's
// previous currency) is not offered; posting its key anyway must not make
// a page at the current provider under the old provider's name, where no
// webhook or check would ever find it.
func TestARequestOfAnotherProviderOrCurrencyCannotBeStarted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		old, err := e.svc.Request(ctx, e.f.Thread.ID, 10000, "deposit", "olga")
		if err != nil {
			t.Fatal(err)
		}
		other, err := e.svc.Request(ctx, e.f.Thread.ID, 20000, "parts", "olga")
		if err != nil {
			t.Fatal(err)
		}
		db, err := s.SQL()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("UPDATE payments SET provider = 'yookassa' WHERE id = " + itoa(old.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("UPDATE payments SET currency = 'RUB' WHERE id = " + itoa(other.ID)); err != nil {
			t.Fatal(err)
		}
		if offers, err := e.svc.Due(ctx, e.f.Thread.ID); err != nil || len(offers) != 1 || offers[0].Key != "order" {
			t.Fatalf("offers: %+v %v", offers, err)
		}
		for _, id := range []int64{old.ID, other.ID} {
			if _, err := e.svc.Start(ctx, e.f.Thread.ID, "request:"+itoa(id), returnBase); !isUserError(err) {
				t.Fatalf("request %d: %v", id, err)
			}
		}
		if e.psp.Sessions() != 0 {
			t.Fatal("a page was made for a request of another provider or currency")
		}
	})
}
