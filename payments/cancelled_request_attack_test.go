package payments_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/payments"
)

// An advisor asked for a deposit, then the DMS cancelled the work order:
// the customer page no longer offers the deposit, pressing its button
// (a page left open) takes no money, and no new request can be made for
// the cancelled order.
func TestARequestOfACancelledOrderIsNotPayable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		req, err := e.svc.Request(ctx, e.f.Thread.ID, 50000, "Deposit for parts", "advisor")
		if err != nil {
			t.Fatal(err)
		}
		e.f.Order.Version++
		e.f.Order.Status = hub.StatusCancelled
		if ok, err := s.SaveWorkOrder(ctx, &e.f.Order); err != nil || !ok {
			t.Fatalf("cancel: %v %v", ok, err)
		}
		offers, err := e.svc.Due(ctx, e.f.Thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(offers) != 0 {
			t.Fatalf("a cancelled order offers %+v", offers)
		}
		_, err = e.svc.Start(ctx, e.f.Thread.ID, "request:"+strconv.FormatInt(req.ID, 10), returnBase)
		var ue *payments.UserError
		if !errors.As(err, &ue) {
			t.Fatalf("a deposit of a cancelled order was started: %v", err)
		}
		if len(e.psp.Creates()) != 0 {
			t.Fatal("a page was made at the provider for a cancelled order")
		}
		if _, err := e.svc.Request(ctx, e.f.Thread.ID, 50000, "Another deposit", "advisor"); !errors.As(err, &ue) {
			t.Fatalf("a request on a cancelled order: %v", err)
		}
	})
}

// An advisor asked for a deposit, the customer then paid the whole order
// at the counter (the DMS says paid), and afterwards paid the deposit on
// its link too: the money is recorded, and staff get a task to check it,
// as for the order's own link paid twice, never silence.
func TestARequestPaidAfterTheOrderWasPaidRaisesATask(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		req, err := e.svc.Request(ctx, e.f.Thread.ID, 50000, "Deposit for parts", "advisor")
		if err != nil {
			t.Fatal(err)
		}
		sess := sessionOf(e.start(t, "request:"+strconv.FormatInt(req.ID, 10)))
		e.f.Order.Version++
		e.f.Order.Paid = true
		if ok, err := s.SaveWorkOrder(ctx, &e.f.Order); err != nil || !ok {
			t.Fatalf("paid at the counter: %v %v", ok, err)
		}
		e.psp.Pay(sess, 50000, "card")
		if got := e.webhook(t, e.key, noticeBody("deposit", sess, hub.PaymentSucceeded, 50000), webhookSecret); got != 200 {
			t.Fatalf("webhook: %d", got)
		}
		if p := e.payment(t, req.ID); p.Status != hub.PaymentSucceeded {
			t.Fatalf("not recorded: %+v", p)
		}
		if tasks := e.openTasks(t); len(tasks) != 1 || tasks[0].Kind != "payment" {
			t.Fatalf("a deposit paid on an order already paid raised no task: %+v", tasks)
		}
	})
}
