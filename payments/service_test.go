package payments_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/customer"
	"naryad/payments"
)

func TestDueOffersTheOrderOnlyWhenPayable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderYooKassa)
		offers, err := e.svc.Due(ctx, e.f.Thread.ID)
		if err != nil || len(offers) != 1 || offers[0] != (customer.PayOffer{Key: "order", Kind: hub.PaymentForWorkOrder, AmountMinor: 1250000, Currency: "RUB"}) {
			t.Fatalf("ready and unpaid: %+v %v", offers, err)
		}
		setStatus := func(status string) {
			e.f.Order.Version++
			e.f.Order.Status = status
			if ok, err := s.SaveWorkOrder(ctx, &e.f.Order); err != nil || !ok {
				t.Fatalf("status %s: %v %v", status, ok, err)
			}
		}
		for _, status := range []string{hub.StatusInProgress, hub.StatusDelivered, hub.StatusCancelled} {
			setStatus(status)
			if offers, _ := e.svc.Due(ctx, e.f.Thread.ID); len(offers) != 0 {
				t.Fatalf("%s without an amount due: %+v", status, offers)
			}
		}
		setStatus(hub.StatusInProgress)
		e.setAmountDue(t, 1000000)
		if offers, _ := e.svc.Due(ctx, e.f.Thread.ID); len(offers) != 1 || offers[0].AmountMinor != 1000000 {
			t.Fatalf("the DMS's amount due wins over the lines, and asks before the car is ready: %+v", offers)
		}
		if _, err := e.s.MarkWorkOrderPaid(ctx, e.f.Order.ID); err != nil {
			t.Fatal(err)
		}
		if offers, _ := e.svc.Due(ctx, e.f.Thread.ID); len(offers) != 0 {
			t.Fatalf("paid: %+v", offers)
		}
	})
	t.Run("stripe", func(t *testing.T) { stripeDue(t) })
}

func stripeDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		other := newEnv(t, s, hub.ProviderStripe) // PLN order: stripe takes it
		if offers, _ := other.svc.Due(ctx, other.f.Thread.ID); len(offers) != 1 || offers[0].Currency != "PLN" {
			t.Fatalf("stripe, PLN: %+v", offers)
		}
		if err := other.svc.Disable(ctx, other.f.Branch.ID); err != nil {
			t.Fatal(err)
		}
		if offers, _ := other.svc.Due(ctx, other.f.Thread.ID); len(offers) != 0 {
			t.Fatalf("payments off: %+v", offers)
		}
		if _, err := other.svc.Start(ctx, other.f.Thread.ID, "order", returnBase); !isUserError(err) {
			t.Fatalf("start with payments off: %v", err)
		}
	})
}

func TestStartConcurrentlyMakesOnePayment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, hub.ProviderYooKassa)
		const presses = 15
		urls := make([]string, presses)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i := range presses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate // all at once
				url, err := e.svc.Start(context.Background(), e.f.Thread.ID, "order", returnBase)
				if err != nil {
					t.Error(err)
				}
				urls[i] = url
			}()
		}
		close(gate)
		wg.Wait()
		list := e.payments(t)
		if len(list) != 1 || e.psp.Sessions() != 1 {
			t.Fatalf("%d presses made %d payments, %d at the provider", presses, len(list), e.psp.Sessions())
		}
		for _, u := range urls {
			if u != list[0].PaymentURL || u == "" {
				t.Fatalf("press answered %q, the payment's page is %q", u, list[0].PaymentURL)
			}
		}
		p := list[0]
		if p.Kind != hub.PaymentForWorkOrder || p.AmountMinor != 1250000 || p.Currency != "RUB" || p.Status != hub.PaymentPending || p.NextCheckAt == nil {
			t.Fatalf("payment: %+v", p)
		}
		if lines := e.systemLines(t, "The customer opened the yookassa payment page for RUB 12,500.00"); len(lines) != 1 {
			t.Fatalf("%d lines about the page, want 1: %+v", len(lines), e.messages(t, "", hub.DirectionSystem))
		}
		c := e.psp.Creates()[0]
		if c.AmountMinor != 1250000 || c.Currency != "RUB" || c.PaymentID != p.ID || c.IdempotencyKey != p.IdempotencyKey ||
			c.ReturnURL != returnBase+"/"+strconv.FormatInt(p.ID, 10) || c.Description != "Заказ-наряд ЗН-0001234" ||
			c.Locale != "ru" || c.Customer.Phone != "+79161234567" || len(c.Lines) != 2 || c.Lines[1].Kind != hub.LinePart {
			t.Fatalf("create request: %+v", c)
		}
	})
}

func TestWebhookAppliesOnceAndKeepsFinalStates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, hub.ProviderStripe)
		sess := sessionOf(e.start(t, "order"))
		p := e.payments(t)[0]
		e.psp.Pay(sess, 1250000, "blik")

		paid := noticeBody("evt_1", sess, hub.PaymentSucceeded, 1250000)
		if got := e.webhook(t, e.key, paid, "whsec_wrong"); got != 400 {
			t.Fatalf("bad signature: %d", got)
		}
		if got := e.payment(t, p.ID); got.Status != hub.PaymentPending {
			t.Fatalf("a bad signature changed the payment: %+v", got)
		}
		if got := e.webhook(t, "no-such-key", paid, webhookSecret); got != 404 {
			t.Fatalf("unknown address: %d", got)
		}
		if got := e.webhook(t, e.key, noticeBody("evt_0", sess, "", 0), webhookSecret); got != 200 {
			t.Fatalf("an ignored event: %d", got)
		}
		for range 3 {
			if got := e.webhook(t, e.key, paid, webhookSecret); got != 200 {
				t.Fatalf("paid: %d", got)
			}
		}
		if got := e.webhook(t, e.key, noticeBody("evt_2", sess, hub.PaymentCancelled, 0), webhookSecret); got != 200 {
			t.Fatalf("expired after paid: %d", got)
		}
		got := e.payment(t, p.ID)
		if got.Status != hub.PaymentSucceeded || got.PaidMinor != 1250000 || got.Method != "blik" || got.PaidAt == nil || got.NextCheckAt != nil {
			t.Fatalf("payment after the events: %+v", got)
		}
		if !e.order(t).Paid {
			t.Fatal("the work order is not paid")
		}
		changes := e.changes(t, hub.ChangePayment)
		if len(changes) != 1 || changes[0].WorkOrderNumber != e.f.Order.Number ||
			!strings.Contains(changes[0].Data, `"amount_minor":1250000`) || !strings.Contains(changes[0].Data, `"provider_payment_id":"`+sess+`"`) ||
			!strings.Contains(changes[0].Data, `"method":"blik"`) || !strings.Contains(changes[0].Data, `"receipt_url":"https://psp.example/receipt/`+sess+`"`) {
			t.Fatalf("payment changes: %+v", changes)
		}
		receipts := e.messages(t, "payment.received", hub.DirectionOut)
		if len(receipts) != 1 || !strings.Contains(receipts[0].Body, "оплата 12 500,00 PLN") || !strings.Contains(receipts[0].Body, "https://hub.example/c/") {
			t.Fatalf("receipts: %+v", receipts)
		}
		if lines := e.systemLines(t, "Paid online: PLN 12,500.00"); len(lines) != 1 || !strings.Contains(lines[0].Body, "marked paid") {
			t.Fatalf("system lines: %+v", e.messages(t, "", hub.DirectionSystem))
		}
		if saved := e.lockers.Saved(); len(saved) != 1 || !saved[0].Paid || saved[0].ID != e.f.Order.ID {
			t.Fatalf("the key locker heard: %+v", saved)
		}
		if e.woken.Load() == 0 {
			t.Fatal("the outbox was not woken")
		}
		if tasks := e.openTasks(t); len(tasks) != 0 {
			t.Fatalf("tasks for an exact payment: %+v", tasks)
		}
		if offers, _ := e.svc.Due(context.Background(), e.f.Thread.ID); len(offers) != 0 {
			t.Fatalf("offers after paying: %+v", offers)
		}
	})
}

func TestUnsignedWebhookIsFetchedBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, hub.ProviderYooKassa)
		sess := sessionOf(e.start(t, "order"))
		p := e.payments(t)[0]
		forged := noticeBody("payment.succeeded:"+sess, sess, hub.PaymentSucceeded, 1250000)
		if got := e.webhook(t, e.key, forged, ""); got != 200 {
			t.Fatalf("notification: %d", got)
		}
		if got := e.payment(t, p.ID); got.Status != hub.PaymentPending || e.order(t).Paid {
			t.Fatalf("an unsigned body was believed: %+v", got)
		}
		e.psp.Pay(sess, 1250000, "sbp")
		e.psp.SetDown(true)
		if got := e.webhook(t, e.key, noticeBody("payment.succeeded:2", sess, hub.PaymentSucceeded, 0), ""); got != 503 {
			t.Fatalf("provider down on the fetch-back: %d", got)
		}
		e.psp.SetDown(false)
		if got := e.webhook(t, e.key, noticeBody("payment.succeeded:2", sess, hub.PaymentSucceeded, 0), ""); got != 200 {
			t.Fatalf("the retried notification: %d", got)
		}
		if got := e.payment(t, p.ID); got.Status != hub.PaymentSucceeded || got.Method != "sbp" || !e.order(t).Paid {
			t.Fatalf("after the retry: %+v", got)
		}
	})
}

func TestPollerFindsALostWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderYooKassa)
		sess := sessionOf(e.start(t, "order"))
		e.psp.Pay(sess, 1250000, "bank_card")
		if n, err := e.svc.Poll(ctx); err != nil || n != 0 {
			t.Fatalf("before 5 minutes: %d %v", n, err)
		}
		e.clock.Add(5*time.Minute + time.Second)
		if n, err := e.svc.Poll(ctx); err != nil || n != 1 {
			t.Fatalf("at 5 minutes: %d %v", n, err)
		}
		p := e.payments(t)[0]
		if p.Status != hub.PaymentSucceeded || !e.order(t).Paid || len(e.changes(t, hub.ChangePayment)) != 1 {
			t.Fatalf("the poller did not find the payment: %+v", p)
		}
		if n, _ := e.svc.Poll(ctx); n != 0 {
			t.Fatal("a final payment was checked again")
		}
	})
}

func TestPollerSchedulesAndClosesAnAbandonedPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		sess := sessionOf(e.start(t, "order"))
		for i, after := range []time.Duration{6 * time.Minute, 31 * time.Minute, 121 * time.Minute} {
			if i > 0 { // not yet a minute before its time
				e.clock.t = e.payments(t)[0].CreatedAt.Add(after - 2*time.Minute)
				if n, _ := e.svc.Poll(ctx); n != 0 {
					t.Fatalf("check %d came early", i+1)
				}
			}
			e.clock.t = e.payments(t)[0].CreatedAt.Add(after)
			if n, err := e.svc.Poll(ctx); err != nil || n != 1 {
				t.Fatalf("check %d: %d %v", i+1, n, err)
			}
			if p := e.payments(t)[0]; p.Status != hub.PaymentPending || p.Checks != i+1 {
				t.Fatalf("after check %d: %+v", i+1, p)
			}
			if n, _ := e.svc.Poll(ctx); n != 0 {
				t.Fatalf("checked again right after check %d", i+1)
			}
		}
		if len(e.psp.Cancels()) != 0 {
			t.Fatal("cancelled before the page expired")
		}
		e.clock.Add(25 * time.Hour)
		if n, err := e.svc.Poll(ctx); err != nil || n != 1 {
			t.Fatalf("last check: %d %v", n, err)
		}
		if c := e.psp.Cancels(); len(c) != 1 || c[0] != sess {
			t.Fatalf("cancels: %v", c)
		}
		if p := e.payments(t)[0]; p.Status != hub.PaymentCancelled {
			t.Fatalf("abandoned: %+v", p)
		}
		// The next press makes a new page.
		if url := e.start(t, "order"); sessionOf(url) == sess || len(e.payments(t)) != 2 {
			t.Fatalf("after the old page closed: %s", url)
		}
	})
}

func TestAmountChangeCancelsTheOldPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		old := sessionOf(e.start(t, "order"))
		e.setAmountDue(t, 1500000)
		fresh := e.start(t, "order")
		if sessionOf(fresh) == old {
			t.Fatal("the old page was reused for a new amount")
		}
		list := e.payments(t) // newest first
		if len(list) != 2 || list[0].AmountMinor != 1500000 || !list[1].Superseded || list[1].Status != hub.PaymentPending {
			t.Fatalf("payments: %+v", list)
		}
		if n, err := e.svc.Poll(ctx); err != nil || n != 1 {
			t.Fatalf("the superseded payment is cancelled at once: %d %v", n, err)
		}
		if c := e.psp.Cancels(); len(c) != 1 || c[0] != old {
			t.Fatalf("cancels: %v", c)
		}
		if p := e.payment(t, list[1].ID); p.Status != hub.PaymentCancelled {
			t.Fatalf("old payment: %+v", p)
		}
		if lines := e.systemLines(t, "Online payment of PLN 12,500.00 was cancelled: the amount due changed."); len(lines) != 1 {
			t.Fatalf("lines: %+v", e.messages(t, "", hub.DirectionSystem))
		}
		if again := e.start(t, "order"); again != fresh {
			t.Fatalf("the new page is reused: %s, %s", again, fresh)
		}
	})
}

func TestWrongAmountRaisesAStaffTask(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, hub.ProviderStripe)
		sess := sessionOf(e.start(t, "order"))
		// Under-payment: the provider reports less than was asked.
		e.psp.Pay(sess, 1000000, "card")
		if got := e.webhook(t, e.key, noticeBody("evt_u", sess, hub.PaymentSucceeded, 1000000), webhookSecret); got != 200 {
			t.Fatalf("webhook: %d", got)
		}
		if e.order(t).Paid {
			t.Fatal("an under-payment marked the order paid")
		}
		tasks := e.openTasks(t)
		if len(tasks) != 1 || tasks[0].Kind != store.TaskPayment || !strings.Contains(tasks[0].Body, "Asked PLN 12,500.00") {
			t.Fatalf("tasks: %+v", tasks)
		}
		if offers, _ := e.svc.Due(context.Background(), e.f.Thread.ID); len(offers) != 1 || offers[0].AmountMinor != 250000 {
			t.Fatalf("the rest is still due: %+v", offers)
		}
	})
	// Over-payment: the customer pays an old link after the amount due
	// went down.
	t.Run("over", func(t *testing.T) { overPayment(t) })
}

func overPayment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, hub.ProviderStripe)
		old := sessionOf(e.start(t, "order"))
		e.setAmountDue(t, 1000000)
		e.start(t, "order")
		e.psp.Pay(old, 1250000, "card")
		if got := e.webhook(t, e.key, noticeBody("evt_o", old, hub.PaymentSucceeded, 1250000), webhookSecret); got != 200 {
			t.Fatalf("webhook: %d", got)
		}
		if !e.order(t).Paid {
			t.Fatal("an over-payment did not mark the order paid")
		}
		tasks := e.openTasks(t)
		if len(tasks) != 1 || !strings.Contains(tasks[0].Body, "amount due changed to PLN 10,000.00") {
			t.Fatalf("tasks: %+v", tasks)
		}
	})
}

func TestRequestThenRefund(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderYooKassa)
		for _, bad := range []struct {
			amount int64
			reason string
		}{{0, "x"}, {-5, "x"}, {100, " "}, {100, strings.Repeat("я", 201)}} {
			if _, err := e.svc.Request(ctx, e.f.Thread.ID, bad.amount, bad.reason, "olga"); !isUserError(err) {
				t.Fatalf("request %d %q: %v", bad.amount, bad.reason, err)
			}
		}
		if len(e.payments(t)) != 0 {
			t.Fatal("a refused request stored a payment")
		}
		p, err := e.svc.Request(ctx, e.f.Thread.ID, 500000, "Предоплата за запчасти", "olga")
		if err != nil {
			t.Fatal(err)
		}
		if p.Kind != hub.PaymentForRequest || p.ProviderID != "" || p.RequestedBy != "olga" || p.Status != hub.PaymentPending {
			t.Fatalf("request: %+v", p)
		}
		asked := e.messages(t, "payment.request", hub.DirectionOut)
		if len(asked) != 1 || !strings.Contains(asked[0].Body, "5 000,00 ₽") || !strings.Contains(asked[0].Body, "Предоплата за запчасти") ||
			!strings.Contains(asked[0].Body, "https://hub.example/c/") {
			t.Fatalf("request message: %+v", asked)
		}
		offers, err := e.svc.Due(ctx, e.f.Thread.ID)
		key := "request:" + strconv.FormatInt(p.ID, 10)
		if err != nil || len(offers) != 2 || offers[1].Key != key || offers[1].Reason != "Предоплата за запчасти" || offers[1].AmountMinor != 500000 {
			t.Fatalf("offers: %+v %v", offers, err)
		}
		sess := sessionOf(e.start(t, key))
		if c := e.psp.Creates(); c[len(c)-1].AmountMinor != 500000 || len(c[len(c)-1].Lines) != 1 {
			t.Fatalf("create: %+v", c[len(c)-1])
		}
		e.psp.Pay(sess, 500000, "sbp")
		if got := e.webhook(t, e.key, noticeBody("e1", sess, hub.PaymentSucceeded, 0), ""); got != 200 {
			t.Fatalf("webhook: %d", got)
		}
		if e.order(t).Paid {
			t.Fatal("a deposit marked the order paid")
		}
		if _, err := e.svc.Refund(ctx, p.ID, 600000, "too much", "admin"); !isUserError(err) {
			t.Fatalf("refund over the payment: %v", err)
		}
		if _, err := e.svc.Refund(ctx, p.ID, 100000, "", "admin"); !isUserError(err) {
			t.Fatalf("refund without a reason: %v", err)
		}
		r, err := e.svc.Refund(ctx, p.ID, 200000, "Запчасть не понадобилась", "admin")
		if err != nil || r.ProviderID == "" || r.Status != "succeeded" {
			t.Fatalf("refund: %+v %v", r, err)
		}
		if rr := e.psp.Refunds(); len(rr) != 1 || rr[0].ProviderID != sess || rr[0].AmountMinor != 200000 || rr[0].IdempotencyKey != r.IdempotencyKey {
			t.Fatalf("refunds at the provider: %+v", rr)
		}
		if got := e.payment(t, p.ID); got.RefundedMinor != 200000 {
			t.Fatalf("refunded: %+v", got)
		}
		changes := e.changes(t, hub.ChangeRefund)
		if len(changes) != 1 || !strings.Contains(changes[0].Data, `"amount_minor":200000`) || !strings.Contains(changes[0].Data, `"refunded_by":"admin"`) {
			t.Fatalf("refund changes: %+v", changes)
		}
		if lines := e.systemLines(t, "Refunded RUB 2,000.00"); len(lines) != 1 {
			t.Fatalf("lines: %+v", e.messages(t, "", hub.DirectionSystem))
		}
		if _, err := e.svc.Refund(ctx, p.ID, 200000, "Запчасть не понадобилась", "admin"); !isUserError(err) {
			t.Fatalf("a double press refunded twice: %v", err)
		}
		e.psp.SetDown(true)
		if _, err := e.svc.Refund(ctx, p.ID, 100000, "again", "admin"); !isUserError(err) {
			t.Fatalf("provider down: %v", err)
		}
		if got := e.payment(t, p.ID); got.RefundedMinor != 300000 {
			t.Fatalf("a refund of unknown outcome gave its booking back: %+v", got)
		}
		e.psp.SetDown(false)
		if _, err := e.svc.Refund(ctx, p.ID, 100000, "again", "admin"); err != nil {
			t.Fatalf("retry: %v", err)
		}
		if rr := e.psp.Refunds(); len(rr) != 2 || rr[1].AmountMinor != 100000 {
			t.Fatalf("refunds at the provider: %+v", rr)
		}
		if got := e.payment(t, p.ID); got.RefundedMinor != 300000 {
			t.Fatalf("refunded: %+v", got)
		}
		if _, err := e.svc.Refund(ctx, p.ID, 150000, "refuse", "admin"); !isUserError(err) || !strings.Contains(err.Error(), "amount too large") {
			t.Fatalf("refused: %v", err)
		}
		if got := e.payment(t, p.ID); got.RefundedMinor != 300000 {
			t.Fatalf("a refused refund kept its booking: %+v", got)
		}
	})
}

func TestFailedRequestIsOfferedAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		p, err := e.svc.Request(ctx, e.f.Thread.ID, 300000, "Deposit", "olga")
		if err != nil {
			t.Fatal(err)
		}
		key := "request:" + strconv.FormatInt(p.ID, 10)
		sess := sessionOf(e.start(t, key))
		e.psp.Expire(sess)
		url := e.start(t, key) // the old page closed: a new one of the same request
		if sessionOf(url) == sess {
			t.Fatal("an expired page was offered again")
		}
		if got := e.payment(t, p.ID); got.Status != hub.PaymentCancelled {
			t.Fatalf("old request: %+v", got)
		}
		offers, _ := e.svc.Due(ctx, e.f.Thread.ID)
		if len(offers) != 2 || offers[1].Reason != "Deposit" || offers[1].Key == key {
			t.Fatalf("offers: %+v", offers)
		}
	})
}

func TestOutcomeAsksTheProviderAndChecksTheThread(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderStripe)
		sess := sessionOf(e.start(t, "order"))
		p := e.payments(t)[0]
		if _, err := e.svc.Outcome(ctx, e.f.Thread.ID+1000, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another thread's payment: %v", err)
		}
		got, err := e.svc.Outcome(ctx, e.f.Thread.ID, p.ID)
		if err != nil || got.Status != hub.PaymentPending {
			t.Fatalf("pending: %+v %v", got, err)
		}
		e.psp.Pay(sess, 1250000, "card")
		e.psp.SetDown(true)
		if got, err := e.svc.Outcome(ctx, e.f.Thread.ID, p.ID); err != nil || got.Status != hub.PaymentPending {
			t.Fatalf("provider down: shown pending, never paid: %+v %v", got, err)
		}
		e.psp.SetDown(false)
		if got, err := e.svc.Outcome(ctx, e.f.Thread.ID, p.ID); err != nil || got.Status != hub.PaymentSucceeded {
			t.Fatalf("paid: %+v %v", got, err)
		}
		if _, err := e.svc.Start(ctx, e.f.Thread.ID, "order", returnBase); !isUserError(err) || err.Error() != "По этому заказу нечего оплачивать." {
			t.Fatalf("start after paying, in the customer's language: %v", err)
		}
		if _, err := e.svc.Start(ctx, e.f.Thread.ID, "request:x", returnBase); !isUserError(err) || err.Error() != "Эта оплата недоступна." {
			t.Fatalf("start of a made-up offer: %v", err)
		}
	})
}

func TestConfigure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, s, hub.ProviderYooKassa)
		id := e.f.Branch.ID
		before, _ := s.BranchPayment(ctx, id)
		if strings.Contains(before.SecretSealed, "sk_test_1") || before.SecretSealed == "" {
			t.Fatalf("the secret is stored in clear: %q", before.SecretSealed)
		}
		for _, bad := range []hub.PaymentSetup{
			{Provider: "paypal", SecretKey: "sk_x"},
			{Provider: hub.ProviderYooKassa, Account: "shop", SecretKey: "sk_x"},
			{Provider: hub.ProviderYooKassa, Account: "123", SecretKey: "live_x"}, // the provider refuses it
			{Provider: hub.ProviderYooKassa, Account: "123", VATCode: 13},
			{Provider: hub.ProviderYooKassa, Account: "123", TaxSystem: 7},
			{Provider: hub.ProviderYooKassa, Account: "123", Methods: "card; sbp"},
			{Provider: hub.ProviderStripe, Account: "123", SecretKey: "sk_x"},
			{Provider: hub.ProviderStripe}, // another provider keeps no secret of the old one
		} {
			if err := e.svc.Configure(ctx, id, bad); !isUserError(err) {
				t.Fatalf("%+v: %v", bad, err)
			}
		}
		if err := e.svc.Configure(ctx, id, hub.PaymentSetup{Provider: hub.ProviderYooKassa, Account: "654321", Methods: " Bank_Card, sbp ", VATCode: 4}); err != nil {
			t.Fatalf("keep the secret: %v", err)
		}
		after, _ := s.BranchPayment(ctx, id)
		if after.WebhookKey != before.WebhookKey || after.Account != "654321" || after.Methods != "bank_card,sbp" || after.VATCode != 4 || after.SecretSealed == "" {
			t.Fatalf("after: %+v", after)
		}
		url, err := e.svc.WebhookURL(ctx, id)
		if err != nil || url != "https://hub.example/api/payments/yookassa/"+before.WebhookKey {
			t.Fatalf("webhook URL: %q %v", url, err)
		}
		// The kept secret still opens: a payment can start.
		if _, err := e.svc.Start(ctx, e.f.Thread.ID, "order", returnBase); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Disable(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.WebhookURL(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after disable: %v", err)
		}
	})
}

func isUserError(err error) bool {
	var ue *payments.UserError
	return errors.As(err, &ue)
}

func TestCustomerTextsInEveryLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, hub.ProviderStripe)
		for _, locale := range []string{"pl", "en"} {
			if err := s.Gorm(context.Background()).Exec("UPDATE branches SET locale = ?", locale).Error; err != nil {
				t.Fatal(err)
			}
			_, err := e.svc.Start(context.Background(), e.f.Thread.ID, "bogus", returnBase)
			want := map[string]string{"pl": "Ta płatność nie jest dostępna.", "en": "This payment is not offered."}[locale]
			if !isUserError(err) || err.Error() != want {
				t.Fatalf("%s: %v", locale, err)
			}
		}
	})
}

// Notifications of one payment arriving at once, with the poller's check
// beside them, apply it once: one change, one receipt, one locker call.
func TestConcurrentNoticesApplyOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, hub.ProviderStripe)
		sess := sessionOf(e.start(t, "order"))
		e.psp.Pay(sess, 1250000, "card")
		e.clock.Add(6 * time.Minute)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				if i == 0 {
					if _, err := e.svc.Poll(context.Background()); err != nil {
						t.Error(err)
					}
					return
				}
				body := noticeBody("evt_"+strconv.Itoa(i), sess, hub.PaymentSucceeded, 1250000)
				if got := e.webhook(t, e.key, body, webhookSecret); got != 200 {
					t.Errorf("notice %d: %d", i, got)
				}
			}()
		}
		close(gate)
		wg.Wait()
		if n := len(e.changes(t, hub.ChangePayment)); n != 1 {
			t.Fatalf("%d payment changes", n)
		}
		if n := len(e.messages(t, "payment.received", hub.DirectionOut)); n != 1 {
			t.Fatalf("%d receipts", n)
		}
		if n := len(e.lockers.Saved()); n != 1 {
			t.Fatalf("the key locker heard %d times", n)
		}
	})
}
