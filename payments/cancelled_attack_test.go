package payments_test

import (
	"context"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// The customer pays on a page opened before the DMS cancelled the work
// order: the money is recorded (the DMS hears of it), but the cancelled
// order is not marked paid and staff get a task to settle it (refund).
func TestPaymentAfterTheOrderWasCancelledRaisesATask(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		sess := sessionOf(e.start(t, "order"))
		e.f.Order.Version++
		e.f.Order.Status = hub.StatusCancelled
		if ok, err := s.SaveWorkOrder(ctx, &e.f.Order); err != nil || !ok {
			t.Fatalf("cancel: %v %v", ok, err)
		}
		e.psp.Pay(sess, 1250000, "card")
		if got := e.webhook(t, e.key, noticeBody("late", sess, hub.PaymentSucceeded, 1250000), webhookSecret); got != 200 {
			t.Fatalf("webhook: %d", got)
		}
		if p := e.payments(t)[0]; p.Status != hub.PaymentSucceeded {
			t.Fatalf("the money that came is not recorded: %+v", p)
		}
		if len(e.changes(t, hub.ChangePayment)) != 1 {
			t.Fatal("the DMS does not hear of the payment")
		}
		if e.order(t).Paid {
			t.Fatal("a cancelled work order was marked paid")
		}
		if tasks := e.openTasks(t); len(tasks) != 1 || tasks[0].Kind != "payment" {
			t.Fatalf("no task to settle the payment of a cancelled order: %+v", tasks)
		}
		if len(e.lockers.Saved()) != 0 {
			t.Fatal("the key locker was told a cancelled order is paid")
		}
	})
}

// The customer paid at the counter (the DMS says paid) and then on the
// link still open: the second payment is recorded and staff get a task to
// refund it, never silence.
func TestPaymentOfAnOrderAlreadyPaidRaisesATask(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		sess := sessionOf(e.start(t, "order"))
		e.f.Order.Version++
		e.f.Order.Paid = true
		if ok, err := s.SaveWorkOrder(ctx, &e.f.Order); err != nil || !ok {
			t.Fatalf("paid at the counter: %v %v", ok, err)
		}
		e.psp.Pay(sess, 1250000, "card")
		if got := e.webhook(t, e.key, noticeBody("twice", sess, hub.PaymentSucceeded, 1250000), webhookSecret); got != 200 {
			t.Fatalf("webhook: %d", got)
		}
		if p := e.payments(t)[0]; p.Status != hub.PaymentSucceeded {
			t.Fatalf("not recorded: %+v", p)
		}
		if tasks := e.openTasks(t); len(tasks) != 1 || tasks[0].Kind != "payment" {
			t.Fatalf("no task for an order paid twice: %+v", tasks)
		}
	})
}
