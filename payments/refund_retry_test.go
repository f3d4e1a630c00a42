package payments_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// paidOrder has the customer pay the work order's 12 500 and returns the
// payment.
func (e *env) paidOrder(t *testing.T) hub.Payment {
	t.Helper()
	sess := sessionOf(e.start(t, "order"))
	e.psp.Pay(sess, 1250000, "card")
	if got := e.webhook(t, e.key, noticeBody("paid-"+sess, sess, hub.PaymentSucceeded, 1250000), webhookSecret); got != 200 {
		t.Fatalf("webhook: %d", got)
	}
	list := e.payments(t)
	if len(list) != 1 || list[0].Status != hub.PaymentSucceeded {
		t.Fatalf("payments: %+v", list)
	}
	return list[0]
}

// A refund whose answer was lost (the provider refunded, the hub timed
// out) stays booked, and pressing refund again retries the same refund
// with its idempotency key: the money goes back once.
func TestRefundRetriedAfterATimeoutRefundsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		p := e.paidOrder(t)
		e.psp.LoseRefundAnswers(true)
		if _, err := e.svc.Refund(ctx, p.ID, 200000, "scratched", "admin"); !isUserError(err) {
			t.Fatalf("lost answer: %v", err)
		}
		if got := e.payment(t, p.ID); got.RefundedMinor != 200000 {
			t.Fatalf("a refund of unknown outcome gave its booking back: %+v", got)
		}
		// Meanwhile another admin cannot refund the whole payment again.
		if _, err := e.svc.Refund(ctx, p.ID, 1250000, "everything", "boss"); !isUserError(err) {
			t.Fatalf("refund over what is left: %v", err)
		}
		e.psp.LoseRefundAnswers(false)
		r, err := e.svc.Refund(ctx, p.ID, 200000, "scratched", "admin")
		if err != nil || r.ProviderID == "" {
			t.Fatalf("retry: %+v %v", r, err)
		}
		if rr := e.psp.Refunds(); len(rr) != 1 {
			t.Fatalf("the provider refunded %d times: %+v", len(rr), rr)
		}
		if got := e.payment(t, p.ID); got.RefundedMinor != 200000 {
			t.Fatalf("refunded: %+v", got)
		}
		if c := e.changes(t, hub.ChangeRefund); len(c) != 1 {
			t.Fatalf("refund changes: %+v", c)
		}
		// Done: a next refund is a new one.
		if _, err := e.svc.Refund(ctx, p.ID, 100000, "more", "admin"); err != nil {
			t.Fatal(err)
		}
		if rr := e.psp.Refunds(); len(rr) != 2 || rr[1].AmountMinor != 100000 {
			t.Fatalf("second refund: %+v", rr)
		}
	})
}

// Fifteen admins retrying the same unconfirmed refund at once: one refund
// at the provider, one change, the booking counted once.
func TestConcurrentRetriesOfARefundRecordItOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		p := e.paidOrder(t)
		e.psp.LoseRefundAnswers(true)
		if _, err := e.svc.Refund(ctx, p.ID, 300000, "scratched", "admin"); !isUserError(err) {
			t.Fatalf("lost answer: %v", err)
		}
		e.psp.LoseRefundAnswers(false)
		var wg sync.WaitGroup
		for range 15 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.svc.Refund(ctx, p.ID, 300000, "scratched", "admin"); err != nil && !isUserError(err) {
					t.Errorf("retry: %v", err)
				}
			}()
		}
		wg.Wait()
		if rr := e.psp.Refunds(); len(rr) != 1 {
			t.Fatalf("the provider refunded %d times", len(rr))
		}
		if got := e.payment(t, p.ID); got.RefundedMinor != 300000 {
			t.Fatalf("refunded: %+v", got)
		}
		if c := e.changes(t, hub.ChangeRefund); len(c) != 1 {
			t.Fatalf("refund changes: %d", len(c))
		}
	})
}

// Fifteen refunds of the whole payment at once return it once.
func TestConcurrentRefundsNeverReturnMoreThanPaid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		p := e.paidOrder(t)
		var wg sync.WaitGroup
		for range 15 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.svc.Refund(ctx, p.ID, 1000000, "all", "admin"); err != nil && !isUserError(err) {
					t.Errorf("refund: %v", err)
				}
			}()
		}
		wg.Wait()
		if rr := e.psp.Refunds(); len(rr) != 1 {
			t.Fatalf("the provider refunded %d times", len(rr))
		}
		if got := e.payment(t, p.ID); got.RefundedMinor != 1000000 {
			t.Fatalf("refunded: %+v", got)
		}
		if c := e.changes(t, hub.ChangeRefund); len(c) != 1 {
			t.Fatalf("refund changes: %d", len(c))
		}
	})
}

// The provider answers that the refund did not happen (canceled, failed):
// the booking is given back and the DMS hears of no refund.
func TestRefundTheProviderCancelledIsNotCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderYooKassa)
		p := e.paidOrder(t)
		if _, err := e.svc.Refund(ctx, p.ID, 200000, "declined by the bank", "admin"); !isUserError(err) {
			t.Fatalf("cancelled refund: %v", err)
		}
		if got := e.payment(t, p.ID); got.RefundedMinor != 0 {
			t.Fatalf("a refund that did not happen is counted: %+v", got)
		}
		if c := e.changes(t, hub.ChangeRefund); len(c) != 0 {
			t.Fatalf("the DMS heard of a refund that did not happen: %+v", c)
		}
		list, _ := s.RefundsOfPayment(ctx, p.ID)
		if len(list) != 1 || list[0].Status != "canceled" || list[0].ProviderID == "" {
			t.Fatalf("refunds: %+v", list)
		}
		if _, err := e.svc.Refund(ctx, p.ID, 200000, "again", "admin"); err != nil {
			t.Fatalf("a new refund after it: %v", err)
		}
	})
}

// Nobody presses refund again: the poller retries the unconfirmed refund
// with its key after a while, so the money that went back is recorded.
func TestPollerRetriesAnUnconfirmedRefund(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		p := e.paidOrder(t)
		e.psp.LoseRefundAnswers(true)
		if _, err := e.svc.Refund(ctx, p.ID, 200000, "scratched", "admin"); !isUserError(err) {
			t.Fatalf("lost answer: %v", err)
		}
		e.psp.LoseRefundAnswers(false)
		if _, err := e.svc.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if c := e.changes(t, hub.ChangeRefund); len(c) != 0 {
			t.Fatal("retried before an admin had the time to")
		}
		e.clock.Add(15 * time.Minute)
		if _, err := e.svc.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if rr := e.psp.Refunds(); len(rr) != 1 {
			t.Fatalf("the provider refunded %d times", len(rr))
		}
		if c := e.changes(t, hub.ChangeRefund); len(c) != 1 {
			t.Fatalf("refund changes: %d", len(c))
		}
		if got := e.payment(t, p.ID); got.RefundedMinor != 200000 {
			t.Fatalf("refunded: %+v", got)
		}
	})
}
