package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func newPendingPayment(t *testing.T, s *store.Store, f storetest.Fixture, key string, checkAt *time.Time) hub.Payment {
	t.Helper()
	p := hub.Payment{BranchID: f.Branch.ID, WorkOrderID: f.Order.ID, ThreadID: &f.Thread.ID, Kind: hub.PaymentForRequest,
		AmountMinor: 500000, Currency: "RUB", Provider: hub.ProviderYooKassa, IdempotencyKey: key,
		Status: hub.PaymentPending, NextCheckAt: checkAt}
	if err := s.CreatePayment(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPaymentStateKeepsFinalStatesFinal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		p := newPendingPayment(t, s, f, "k1", nil)
		if wrote, err := s.SetPaymentCreated(ctx, p.ID, "pay_1", "https://pay.example/1"); err != nil || !wrote {
			t.Fatalf("first create: %v %v", wrote, err)
		}
		if wrote, err := s.SetPaymentCreated(ctx, p.ID, "pay_2", "https://pay.example/2"); err != nil || wrote {
			t.Fatalf("a second create overwrote the first: %v %v", wrote, err)
		}
		if changed, err := s.ApplyPaymentState(ctx, p.ID, store.PaymentState{Status: hub.PaymentPending}); err != nil || changed {
			t.Fatalf("pending changed a pending payment: %v %v", changed, err)
		}
		if _, err := s.ApplyPaymentState(ctx, p.ID, store.PaymentState{Status: "paid?"}); err == nil {
			t.Fatal("an unknown status was accepted")
		}
		paidAt := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		changed, err := s.ApplyPaymentState(ctx, p.ID, store.PaymentState{Status: hub.PaymentSucceeded, PaidMinor: 500000,
			Method: "bank_card", ReceiptURL: "https://r.example/1", PaidAt: &paidAt})
		if err != nil || !changed {
			t.Fatalf("succeeded: %v %v", changed, err)
		}
		if changed, err := s.ApplyPaymentState(ctx, p.ID, store.PaymentState{Status: hub.PaymentCancelled, Reason: "expired"}); err != nil || changed {
			t.Fatalf("a late cancel changed a succeeded payment: %v %v", changed, err)
		}
		got, err := s.Payment(ctx, p.ID)
		if err != nil || got.Status != hub.PaymentSucceeded || got.PaidMinor != 500000 || got.Method != "bank_card" ||
			got.ProviderID != "pay_1" || got.PaymentURL != "https://pay.example/1" || got.PaidAt == nil || !got.PaidAt.Equal(paidAt) ||
			got.FailureReason != "" || got.ReceiptURL != "https://r.example/1" {
			t.Fatalf("stored: %+v %v", got, err)
		}
		byID, err := s.PaymentByProviderID(ctx, hub.ProviderYooKassa, "pay_1")
		if err != nil || byID.ID != p.ID {
			t.Fatalf("by provider id: %+v %v", byID, err)
		}
		if _, err := s.PaymentByProviderID(ctx, hub.ProviderStripe, "pay_1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another provider's id: %v", err)
		}
		if _, err := s.PaymentByProviderID(ctx, hub.ProviderYooKassa, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an empty id: %v", err)
		}
	})
}

func TestOpenPaymentAndSupersede(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		if _, err := s.OpenPaymentOfWorkOrder(ctx, f.Order.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("none yet: %v", err)
		}
		p := hub.Payment{BranchID: f.Branch.ID, WorkOrderID: f.Order.ID, ThreadID: &f.Thread.ID, Kind: hub.PaymentForWorkOrder,
			AmountMinor: 1250000, Currency: "RUB", Provider: hub.ProviderYooKassa, IdempotencyKey: "o1", Status: hub.PaymentPending}
		if err := s.CreatePayment(ctx, &p); err != nil {
			t.Fatal(err)
		}
		open, err := s.OpenPaymentOfWorkOrder(ctx, f.Order.ID)
		if err != nil || open.ID != p.ID {
			t.Fatalf("open: %+v %v", open, err)
		}
		if changed, err := s.SupersedePayment(ctx, p.ID, time.Now()); err != nil || !changed {
			t.Fatalf("supersede: %v %v", changed, err)
		}
		if changed, err := s.SupersedePayment(ctx, p.ID, time.Now()); err != nil || changed {
			t.Fatalf("supersede twice: %v %v", changed, err)
		}
		if _, err := s.OpenPaymentOfWorkOrder(ctx, f.Order.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a superseded payment is still open: %v", err)
		}
		due, err := s.DuePaymentChecks(ctx, time.Now().Add(time.Second), 10)
		if err != nil || len(due) != 1 || due[0].ID != p.ID || !due[0].Superseded {
			t.Fatalf("a superseded payment is due for its cancel at once: %+v %v", due, err)
		}
	})
}

func TestMarkWorkOrderPaidOnceAndLockedRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		err := s.Tx(ctx, func(tx *store.Store) error {
			w, err := tx.WorkOrderForPayment(ctx, f.Order.ID)
			if err != nil || w.Paid || w.Number != f.Order.Number {
				t.Fatalf("locked read: %+v %v", w, err)
			}
			changed, err := tx.MarkWorkOrderPaid(ctx, w.ID)
			if err != nil || !changed {
				t.Fatalf("mark paid: %v %v", changed, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if changed, err := s.MarkWorkOrderPaid(ctx, f.Order.ID); err != nil || changed {
			t.Fatalf("mark paid twice: %v %v", changed, err)
		}
		w, err := s.WorkOrder(ctx, f.Order.ID)
		if err != nil || !w.Paid || w.Version != f.Order.Version {
			t.Fatalf("work order: %+v %v", w, err)
		}
		if _, err := s.WorkOrderForPayment(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown work order: %v", err)
		}
	})
}

func TestRecordPaymentWebhookOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		var wg sync.WaitGroup
		var mu sync.Mutex
		firsts := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				first, err := s.RecordPaymentWebhook(ctx, hub.ProviderStripe, "evt_1")
				if err != nil {
					t.Error(err)
				}
				if first {
					mu.Lock()
					firsts++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if firsts != 1 {
			t.Fatalf("the same event was recorded first %d times", firsts)
		}
		if first, err := s.RecordPaymentWebhook(ctx, hub.ProviderYooKassa, "evt_1"); err != nil || !first {
			t.Fatalf("the same id of another provider: %v %v", first, err)
		}
	})
}

func TestPaymentChecksAreClaimedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		base := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		at5 := base.Add(5 * time.Minute)
		later := base.Add(time.Hour)
		p := newPendingPayment(t, s, f, "c1", &at5)
		newPendingPayment(t, s, f, "c2", &later)
		newPendingPayment(t, s, f, "c3", nil)
		if due, err := s.DuePaymentChecks(ctx, base, 10); err != nil || len(due) != 0 {
			t.Fatalf("nothing due before its time: %+v %v", due, err)
		}
		due, err := s.DuePaymentChecks(ctx, at5, 10)
		if err != nil || len(due) != 1 || due[0].ID != p.ID {
			t.Fatalf("due at 5 minutes: %+v %v", due, err)
		}
		lease := at5.Add(time.Minute)
		if won, err := s.ClaimPaymentCheck(ctx, due[0], lease); err != nil || !won {
			t.Fatalf("first claim: %v %v", won, err)
		}
		if won, err := s.ClaimPaymentCheck(ctx, due[0], lease); err != nil || won {
			t.Fatalf("a second instance claimed the same check: %v %v", won, err)
		}
		if due, _ := s.DuePaymentChecks(ctx, at5, 10); len(due) != 0 {
			t.Fatalf("a claimed check is still due: %+v", due)
		}
		at30 := base.Add(30 * time.Minute)
		if err := s.SchedulePaymentCheck(ctx, p.ID, 1, &at30); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Payment(ctx, p.ID)
		if got.Checks != 1 || got.NextCheckAt == nil || !got.NextCheckAt.Equal(at30) {
			t.Fatalf("scheduled: %+v", got)
		}
		if _, err := s.ApplyPaymentState(ctx, p.ID, store.PaymentState{Status: hub.PaymentCancelled}); err != nil {
			t.Fatal(err)
		}
		if due, _ := s.DuePaymentChecks(ctx, base.Add(48*time.Hour), 10); len(due) != 1 || due[0].IdempotencyKey != "c2" {
			t.Fatalf("a final payment is never due: %+v", due)
		}
	})
}

func TestRefundReservationNeverExceedsThePayment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		p := newPendingPayment(t, s, f, "r1", nil)
		r := hub.PaymentRefund{PaymentID: p.ID, AmountMinor: 100, RefundedBy: "olga", Status: "pending", IdempotencyKey: "rk0"}
		if ok, err := s.ReserveRefund(ctx, &r, 0); err != nil || ok {
			t.Fatalf("a pending payment was refunded: %v %v", ok, err)
		}
		if _, err := s.ApplyPaymentState(ctx, p.ID, store.PaymentState{Status: hub.PaymentSucceeded, PaidMinor: 500000}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var reserved []hub.PaymentRefund
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := hub.PaymentRefund{PaymentID: p.ID, AmountMinor: 200000, RefundedBy: "olga", Status: "pending",
					IdempotencyKey: "rk" + string(rune('a'+i))}
				ok, err := s.ReserveRefund(ctx, &r, 0)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					reserved = append(reserved, r)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(reserved) != 2 {
			t.Fatalf("%d refunds of 2 000 reserved from 5 000", len(reserved))
		}
		if u, err := s.UnconfirmedRefund(ctx, p.ID); err != nil || u.ID != reserved[0].ID && u.ID != reserved[1].ID || u.ID > reserved[0].ID && u.ID > reserved[1].ID {
			t.Fatalf("the oldest unconfirmed refund: %+v %v", u, err)
		}
		for range 2 { // a second release gives nothing back twice
			if err := s.ReleaseRefund(ctx, reserved[0]); err != nil {
				t.Fatal(err)
			}
		}
		if ok, err := s.SetRefundResult(ctx, reserved[1].ID, "rf_1", "succeeded"); err != nil || !ok {
			t.Fatalf("result: %v %v", ok, err)
		}
		if ok, err := s.SetRefundResult(ctx, reserved[1].ID, "rf_1", "succeeded"); err != nil || ok {
			t.Fatalf("a second result of the same refund was written: %v %v", ok, err)
		}
		if err := s.ReleaseRefund(ctx, reserved[1]); err != nil { // confirmed: keeps its booking
			t.Fatal(err)
		}
		if _, err := s.UnconfirmedRefund(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no refund left unconfirmed: %v", err)
		}
		// A double press: the same amount again within the window is
		// refused, another amount or a failed one's is not.
		again := hub.PaymentRefund{PaymentID: p.ID, AmountMinor: 200000, RefundedBy: "olga", Status: "pending", IdempotencyKey: "rk-again"}
		if ok, err := s.ReserveRefund(ctx, &again, time.Minute); !errors.Is(err, store.ErrRefundRepeated) || ok {
			t.Fatalf("a repeated refund was booked: %v %v", ok, err)
		}
		if got, _ := s.Payment(ctx, p.ID); got.RefundedMinor != 200000 {
			t.Fatalf("a refused repeat kept a booking: %d", got.RefundedMinor)
		}
		other := hub.PaymentRefund{PaymentID: p.ID, AmountMinor: 100000, RefundedBy: "olga", Status: "pending", IdempotencyKey: "rk-other"}
		if ok, err := s.ReserveRefund(ctx, &other, time.Minute); err != nil || !ok {
			t.Fatalf("another amount: %v %v", ok, err)
		}
		if err := s.ReleaseRefund(ctx, other); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Payment(ctx, p.ID)
		if got.RefundedMinor != 200000 || got.RefundableMinor() != 300000 {
			t.Fatalf("refunded %d, refundable %d", got.RefundedMinor, got.RefundableMinor())
		}
		list, err := s.RefundsOfPayment(ctx, p.ID)
		if err != nil || len(list) != 3 {
			t.Fatalf("refunds: %+v %v", list, err)
		}
		states := map[int64]hub.PaymentRefund{}
		for _, r := range list {
			states[r.ID] = r
		}
		if states[reserved[0].ID].Status != "failed" || states[reserved[1].ID].ProviderID != "rf_1" || states[reserved[1].ID].Status != "succeeded" {
			t.Fatalf("refund states: %+v", list)
		}
	})
}

func TestRefundNotMadeGivesTheBookingBackOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		p := newPendingPayment(t, s, f, "nm1", nil)
		if _, err := s.ApplyPaymentState(ctx, p.ID, store.PaymentState{Status: hub.PaymentSucceeded, PaidMinor: 500000}); err != nil {
			t.Fatal(err)
		}
		r := hub.PaymentRefund{PaymentID: p.ID, AmountMinor: 200000, RefundedBy: "olga", Status: "pending", IdempotencyKey: "nm-r"}
		if ok, err := s.ReserveRefund(ctx, &r, time.Minute); err != nil || !ok {
			t.Fatalf("reserve: %v %v", ok, err)
		}
		for i, want := range []bool{true, false} {
			if wrote, err := s.RefundNotMade(ctx, r, "rf_x", "canceled"); err != nil || wrote != want {
				t.Fatalf("call %d: %v %v", i, wrote, err)
			}
		}
		if got, _ := s.Payment(ctx, p.ID); got.RefundedMinor != 0 {
			t.Fatalf("refunded %d", got.RefundedMinor)
		}
		again := hub.PaymentRefund{PaymentID: p.ID, AmountMinor: 200000, RefundedBy: "olga", Status: "pending", IdempotencyKey: "nm-r2"}
		if ok, err := s.ReserveRefund(ctx, &again, time.Minute); err != nil || !ok {
			t.Fatalf("a refund the provider did not make blocks the same amount again: %v %v", ok, err)
		}
	})
}

func TestOpenPaymentsOfBranch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		made := newPendingPayment(t, s, f, "ob1", nil)
		newPendingPayment(t, s, f, "ob2", nil) // not made at the provider yet
		done := newPendingPayment(t, s, f, "ob3", nil)
		for _, p := range []hub.Payment{made, done} {
			if ok, err := s.SetPaymentCreated(ctx, p.ID, "pv-"+p.IdempotencyKey, "https://pay"); err != nil || !ok {
				t.Fatal(ok, err)
			}
		}
		if _, err := s.ApplyPaymentState(ctx, done.ID, store.PaymentState{Status: hub.PaymentCancelled}); err != nil {
			t.Fatal(err)
		}
		list, err := s.OpenPaymentsOfBranch(ctx, f.Branch.ID, hub.ProviderYooKassa)
		if err != nil || len(list) != 1 || list[0].ID != made.ID {
			t.Fatalf("open: %+v %v", list, err)
		}
		if list, _ := s.OpenPaymentsOfBranch(ctx, f.Branch.ID, hub.ProviderStripe); len(list) != 0 {
			t.Fatalf("another provider's: %+v", list)
		}
	})
}

func TestUnconfirmedRefundsAreListedAfterAWhile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		p := newPendingPayment(t, s, f, "ur1", nil)
		if _, err := s.ApplyPaymentState(ctx, p.ID, store.PaymentState{Status: hub.PaymentSucceeded, PaidMinor: 500000}); err != nil {
			t.Fatal(err)
		}
		open := hub.PaymentRefund{PaymentID: p.ID, AmountMinor: 100, RefundedBy: "olga", Status: "pending", IdempotencyKey: "ur-a"}
		done := hub.PaymentRefund{PaymentID: p.ID, AmountMinor: 200, RefundedBy: "olga", Status: "pending", IdempotencyKey: "ur-b"}
		for _, r := range []*hub.PaymentRefund{&open, &done} {
			if ok, err := s.ReserveRefund(ctx, r, 0); err != nil || !ok {
				t.Fatal(ok, err)
			}
		}
		if _, err := s.SetRefundResult(ctx, done.ID, "rf", "succeeded"); err != nil {
			t.Fatal(err)
		}
		if list, err := s.UnconfirmedRefunds(ctx, time.Now().Add(-time.Minute), 10); err != nil || len(list) != 0 {
			t.Fatalf("too early: %+v %v", list, err)
		}
		if list, err := s.UnconfirmedRefunds(ctx, time.Now().Add(time.Minute), 10); err != nil || len(list) != 1 || list[0].ID != open.ID {
			t.Fatalf("due: %+v %v", list, err)
		}
	})
}

func TestSetPaymentCreatedLeavesAClosedPaymentAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		p := newPendingPayment(t, s, f, "gu1", nil)
		if _, err := s.ApplyPaymentState(ctx, p.ID, store.PaymentState{Status: hub.PaymentFailed, Reason: "given up"}); err != nil {
			t.Fatal(err)
		}
		if wrote, err := s.SetPaymentCreated(ctx, p.ID, "late", "https://pay.example/late"); err != nil || wrote {
			t.Fatalf("a given-up payment got a page: %v %v", wrote, err)
		}
		if got, _ := s.Payment(ctx, p.ID); got.ProviderID != "" || got.PaymentURL != "" {
			t.Fatalf("payment: %+v", got)
		}
	})
}
