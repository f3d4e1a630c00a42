package store_test

import (
	"context"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// payment stores a payment of the fixture's work order.
func payment(t *testing.T, s *store.Store, f storetest.Fixture, kind, key, status string, amount, paid, refunded int64) hub.Payment {
	t.Helper()
	p := hub.Payment{BranchID: f.Branch.ID, WorkOrderID: f.Order.ID, ThreadID: &f.Thread.ID, Kind: kind,
		AmountMinor: amount, Currency: "RUB", Provider: hub.ProviderYooKassa, IdempotencyKey: key,
		Status: status, PaidMinor: paid, RefundedMinor: refunded}
	if err := s.CreatePayment(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSupersedePendingPaymentsMarksOnlyOpenOnesOfAnotherAmount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		open := payment(t, s, f, hub.PaymentForWorkOrder, "open", hub.PaymentPending, 1250000, 0, 0)
		request := payment(t, s, f, hub.PaymentForRequest, "request", hub.PaymentPending, 500000, 0, 0)
		paid := payment(t, s, f, hub.PaymentForWorkOrder, "paid", hub.PaymentSucceeded, 300000, 300000, 0)

		n, err := s.SupersedePendingPayments(ctx, f.Order.ID, 1250000)
		if err != nil || n != 0 {
			t.Fatalf("the same amount: %d %v", n, err)
		}
		before := time.Now().UTC().Add(-time.Second)
		n, err = s.SupersedePendingPayments(ctx, f.Order.ID, 1400000)
		if err != nil || n != 1 {
			t.Fatalf("a new amount: %d %v, want 1", n, err)
		}
		got, err := s.Payment(ctx, open.ID)
		if err != nil || !got.Superseded || got.Status != hub.PaymentPending {
			t.Fatalf("the open payment: %+v %v", got, err)
		}
		if got.NextCheckAt == nil || got.NextCheckAt.Before(before) {
			t.Errorf("next check at %v, want now", got.NextCheckAt)
		}
		for _, id := range []int64{request.ID, paid.ID} {
			if p, err := s.Payment(ctx, id); err != nil || p.Superseded {
				t.Errorf("payment %s was superseded: %+v %v", p.IdempotencyKey, p, err)
			}
		}
		// Once superseded it is not counted again.
		if n, err := s.SupersedePendingPayments(ctx, f.Order.ID, 1500000); err != nil || n != 0 {
			t.Fatalf("again: %d %v", n, err)
		}
	})
}

func TestOnlinePaidMinorCountsSucceededPaymentsOfTheAmountDueLessRefunds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		if got, err := s.OnlinePaidMinor(ctx, f.Order.ID); err != nil || got != 0 {
			t.Fatalf("no payments: %d %v", got, err)
		}
		payment(t, s, f, hub.PaymentForWorkOrder, "a", hub.PaymentSucceeded, 1000000, 1000000, 150000)
		payment(t, s, f, hub.PaymentForWorkOrder, "b", hub.PaymentSucceeded, 250000, 250000, 0)
		payment(t, s, f, hub.PaymentForWorkOrder, "c", hub.PaymentPending, 1250000, 0, 0)
		payment(t, s, f, hub.PaymentForWorkOrder, "d", hub.PaymentFailed, 1250000, 0, 0)
		payment(t, s, f, hub.PaymentForRequest, "e", hub.PaymentSucceeded, 500000, 500000, 0)
		if got, err := s.OnlinePaidMinor(ctx, f.Order.ID); err != nil || got != 1000000-150000+250000 {
			t.Fatalf("online paid = %d %v, want %d", got, err, 1000000-150000+250000)
		}
	})
}

func TestSaveWorkOrderKeepsTheAmountDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		w := f.Order
		due := int64(1250050)
		w.Version, w.AmountDueMinor = 2, &due
		if ok, err := s.SaveWorkOrder(ctx, &w); err != nil || !ok {
			t.Fatal(ok, err)
		}
		got, err := s.WorkOrder(ctx, w.ID)
		if err != nil || got.AmountDueMinor == nil || *got.AmountDueMinor != due {
			t.Fatalf("amount due after update: %v %v", got.AmountDueMinor, err)
		}
		w.Version, w.AmountDueMinor = 3, nil
		if ok, err := s.SaveWorkOrder(ctx, &w); err != nil || !ok {
			t.Fatal(ok, err)
		}
		if got, err := s.WorkOrder(ctx, w.ID); err != nil || got.AmountDueMinor != nil {
			t.Fatalf("amount due after clearing: %v %v", got.AmountDueMinor, err)
		}
		fresh := hub.WorkOrder{NodeID: f.Node.ID, BranchID: f.Branch.ID, Number: "ЗН-2", Version: 1, AmountDueMinor: &due, OpenedAt: time.Now().UTC()}
		if _, err := s.SaveWorkOrder(ctx, &fresh); err != nil {
			t.Fatal(err)
		}
		if got, err := s.WorkOrder(ctx, fresh.ID); err != nil || got.AmountDueMinor == nil || *got.AmountDueMinor != due {
			t.Fatalf("amount due of a new work order: %v %v", got.AmountDueMinor, err)
		}
	})
}

func TestAmountDueIsTheDMSAmountElseTheDueLines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		lines := []hub.WorkOrderLine{
			{ExternalID: "l1", Position: 1, Name: "Oil", Kind: hub.LinePart, QtyMilli: 1000, TotalMinor: 300000},
			{ExternalID: "l2", Position: 2, Name: "Brakes", Kind: hub.LineRecommendation, QtyMilli: 1000, TotalMinor: 900000},
		}
		if err := s.ReplaceLines(ctx, f.Order.ID, lines); err != nil {
			t.Fatal(err)
		}
		if due, err := s.AmountDue(ctx, f.Order); err != nil || due != 300000 {
			t.Errorf("from the lines: %d %v, want 300000 (a recommendation not approved is not due)", due, err)
		}
		sent := int64(250000)
		w := f.Order
		w.AmountDueMinor = &sent
		if due, err := s.AmountDue(ctx, w); err != nil || due != sent {
			t.Errorf("the DMS's amount: %d %v, want %d", due, err, sent)
		}
	})
}

func TestSupersedePendingRequestsMarksOnlyOpenRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		order := payment(t, s, f, hub.PaymentForWorkOrder, "order", hub.PaymentPending, 1250000, 0, 0)
		open := payment(t, s, f, hub.PaymentForRequest, "open", hub.PaymentPending, 500000, 0, 0)
		paid := payment(t, s, f, hub.PaymentForRequest, "paid", hub.PaymentSucceeded, 300000, 300000, 0)
		before := time.Now().UTC().Add(-time.Second)
		if n, err := s.SupersedePendingRequests(ctx, f.Order.ID); err != nil || n != 1 {
			t.Fatalf("superseded %d %v, want 1", n, err)
		}
		got, err := s.Payment(ctx, open.ID)
		if err != nil || !got.Superseded || got.Status != hub.PaymentPending || got.NextCheckAt == nil || got.NextCheckAt.Before(before) {
			t.Fatalf("the open request: %+v %v", got, err)
		}
		for _, id := range []int64{order.ID, paid.ID} {
			if p, err := s.Payment(ctx, id); err != nil || p.Superseded {
				t.Errorf("payment %s was superseded: %+v %v", p.IdempotencyKey, p, err)
			}
		}
		if n, err := s.SupersedePendingRequests(ctx, f.Order.ID); err != nil || n != 0 {
			t.Fatalf("again: %d %v", n, err)
		}
	})
}
