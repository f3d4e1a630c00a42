package payments_test

import (
	"context"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// Turning a branch's payments off deletes its credentials, after which no
// webhook of it is heard and the poller cannot ask. So the pages still
// open at the provider are closed first (a payment made meanwhile is
// recorded); when the provider cannot be asked, the settings stay and the
// admin is told, rather than a payment lost unseen.
func TestDisableClosesOpenPaymentsFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		paid := sessionOf(e.start(t, "order"))
		e.psp.Pay(paid, 1250000, "card") // webhook not here yet
		req, err := e.svc.Request(ctx, e.f.Thread.ID, 10000, "deposit", "olga")
		if err != nil {
			t.Fatal(err)
		}
		open := sessionOf(e.start(t, "request:"+itoa(req.ID)))

		e.psp.SetDown(true)
		if err := e.svc.Disable(ctx, e.f.Branch.ID); !isUserError(err) {
			t.Fatalf("provider down: %v", err)
		}
		if _, err := s.BranchPayment(ctx, e.f.Branch.ID); err != nil {
			t.Fatalf("settings deleted with payments open: %v", err)
		}
		e.psp.SetDown(false)
		if err := e.svc.Disable(ctx, e.f.Branch.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.BranchPayment(ctx, e.f.Branch.ID); err == nil {
			t.Fatal("still on")
		}
		for _, p := range e.payments(t) {
			switch p.ProviderID {
			case paid:
				if p.Status != hub.PaymentSucceeded {
					t.Fatalf("the payment made before turning off is lost: %+v", p)
				}
			case open:
				if p.Status != hub.PaymentCancelled {
					t.Fatalf("the open page was not closed: %+v", p)
				}
			}
		}
		if !e.order(t).Paid {
			t.Fatal("the paid order is not marked paid")
		}
	})
}

// Switching the branch to another provider drops the old one's
// credentials the same way: its open pages are closed first.
func TestSwitchingProviderClosesTheOldOnesPayments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		sess := sessionOf(e.start(t, "order"))
		e.psp.Pay(sess, 1250000, "card")
		e.psp.SetDown(true)
		yk := hub.PaymentSetup{Provider: hub.ProviderYooKassa, Account: "123456", SecretKey: "sk_test_2"}
		if err := e.svc.Configure(ctx, e.f.Branch.ID, yk); !isUserError(err) {
			t.Fatalf("provider down: %v", err)
		}
		if bp, _ := s.BranchPayment(ctx, e.f.Branch.ID); bp.Provider != hub.ProviderStripe {
			t.Fatalf("switched with a payment open: %+v", bp)
		}
		e.psp.SetDown(false)
		if err := e.svc.Configure(ctx, e.f.Branch.ID, yk); err != nil {
			t.Fatal(err)
		}
		if p := e.payments(t)[0]; p.Status != hub.PaymentSucceeded {
			t.Fatalf("the payment at the old provider is lost: %+v", p)
		}
	})
}
