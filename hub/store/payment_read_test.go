package store_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestBranchPaymentSettingsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		if _, err := s.BranchPayment(ctx, f.Branch.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before any settings: %v", err)
		}
		b := hub.BranchPayment{BranchID: f.Branch.ID, Provider: hub.ProviderYooKassa, Account: "123456",
			SecretSealed: "sealed", WebhookKey: "k1", VATCode: 4, TaxSystem: 2, Methods: "bank_card,sbp"}
		if err := s.SaveBranchPayment(ctx, &b); err != nil {
			t.Fatal(err)
		}
		b.Account, b.WebhookKey = "654321", "k2"
		if err := s.SaveBranchPayment(ctx, &b); err != nil {
			t.Fatal(err)
		}
		got, err := s.BranchPaymentByWebhookKey(ctx, "k2")
		if err != nil || got.Account != "654321" || got.VATCode != 4 || got.TaxSystem != 2 || got.SecretSealed != "sealed" || got.Methods != "bank_card,sbp" {
			t.Fatalf("saved twice: %+v %v", got, err)
		}
		if _, err := s.BranchPaymentByWebhookKey(ctx, "k1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the replaced key still answers: %v", err)
		}
		if err := s.DeleteBranchPayment(ctx, f.Branch.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.BranchPayment(ctx, f.Branch.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
	})
}

// TestOneOpenPaymentPerWorkOrder holds the index the pay button's race
// relies on: a second open payment of the amount due is refused, a
// superseded one or a request is not.
func TestOneOpenPaymentPerWorkOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		mk := func(kind, key string) *hub.Payment {
			return &hub.Payment{BranchID: f.Branch.ID, WorkOrderID: f.Order.ID, ThreadID: &f.Thread.ID, Kind: kind,
				AmountMinor: 1250000, Currency: "RUB", Provider: hub.ProviderYooKassa, IdempotencyKey: key,
				Status: hub.PaymentPending}
		}
		first := mk(hub.PaymentForWorkOrder, "a")
		if err := s.CreatePayment(ctx, first); err != nil {
			t.Fatal(err)
		}
		if err := s.CreatePayment(ctx, mk(hub.PaymentForWorkOrder, "b")); !errors.Is(err, store.ErrOpenPaymentExists) {
			t.Fatalf("a second open payment of the amount due: %v", err)
		}
		if err := s.CreatePayment(ctx, mk(hub.PaymentForRequest, "c")); err != nil {
			t.Fatalf("a request beside it: %v", err)
		}
		db, err := s.SQL()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "UPDATE payments SET superseded = TRUE WHERE id = "+strconv.FormatInt(first.ID, 10)); err != nil {
			t.Fatal(err)
		}
		if err := s.CreatePayment(ctx, mk(hub.PaymentForWorkOrder, "d")); err != nil {
			t.Fatalf("after the first was superseded: %v", err)
		}
		list, err := s.PaymentsOfThread(ctx, f.Thread.ID)
		if err != nil || len(list) != 3 || list[0].IdempotencyKey != "d" {
			t.Fatalf("payments of the thread: %+v %v", list, err)
		}
		p, err := s.Payment(ctx, first.ID)
		if err != nil || !p.Superseded || p.AmountMinor != 1250000 {
			t.Fatalf("payment: %+v %v", p, err)
		}
	})
}
