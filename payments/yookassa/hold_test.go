package yookassa_test

import (
	"context"
	"errors"
	"testing"

	"naryad/hub"
	"naryad/payments"
)

func deposit(key string) payments.CreateRequest {
	return payments.CreateRequest{
		PaymentID:      9,
		IdempotencyKey: key,
		AmountMinor:    1_500_000,
		Currency:       "RUB",
		Description:    "Залог за подменный автомобиль А 123 ВС 77",
		ReturnURL:      "https://naryad.example/l/tok",
		Locale:         "ru",
		Customer:       payments.ReceiptCustomer{Name: "Иван Петров", Phone: "+79001234567"},
		Lines:          []payments.ReceiptLine{{Description: "Залог за подменный автомобиль", QtyMilli: 1000, AmountMinor: 1_500_000, Kind: hub.LineLabor}},
	}
}

func holder(t *testing.T, p payments.Provider) payments.Holds {
	t.Helper()
	h, ok := p.(payments.Holds)
	if !ok {
		t.Fatal("the YooKassa provider takes no holds")
	}
	return h
}

// A deposit is a two-stage payment: capture false, held when the customer
// pays (waiting_for_capture), then taken in part with a receipt of the
// part, once however often the capture is retried.
func TestHoldThenCaptureInPart(t *testing.T) {
	yk, p := provider(t, withReceipts)
	h := holder(t, p)
	ctx := context.Background()
	c, err := h.Hold(ctx, deposit("hold-9"))
	if err != nil || c.URL == "" || c.State.Status != hub.PaymentPending {
		t.Fatalf("Hold: %+v %v", c, err)
	}
	sent := lastRequest(t, yk, "POST", "/v3/payments")
	var body struct {
		Capture  bool              `json:"capture"`
		Metadata map[string]string `json:"metadata"`
	}
	sent.JSON(t, &body)
	if body.Capture || body.Metadata["naryad_kind"] != hub.PaymentForLoanDeposit || sent.IdempotenceKey != "hold-9" {
		t.Fatalf("hold request %s (key %q)", sent.Body, sent.IdempotenceKey)
	}
	if st, err := h.HoldState(ctx, c.ProviderID); err != nil || st.Status != hub.PaymentPending {
		t.Fatalf("before paying: %+v %v", st, err)
	}
	yk.Pay(c.ProviderID, "bank_card")
	if st, err := h.HoldState(ctx, c.ProviderID); err != nil || st.Status != hub.PaymentAuthorized || st.Method != "bank_card" {
		t.Fatalf("held: %+v %v", st, err)
	}
	// The one-stage reading calls a hold pending: the hub reads holds with
	// HoldState.
	if st, _ := p.Fetch(ctx, c.ProviderID); st.Status != hub.PaymentPending {
		t.Fatalf("Fetch of a hold: %+v", st)
	}

	req := payments.CaptureRequest{ProviderID: c.ProviderID, IdempotencyKey: "hold-9-capture-250000", AmountMinor: 250_000, Currency: "RUB",
		Description: "Залог: топливо", Customer: payments.ReceiptCustomer{Phone: "+79001234567"}}
	st, err := h.Capture(ctx, req)
	if err != nil || st.Status != hub.PaymentSucceeded || st.PaidMinor != 250_000 {
		t.Fatalf("Capture: %+v %v", st, err)
	}
	again, err := h.Capture(ctx, req)
	if err != nil || again.PaidMinor != 250_000 {
		t.Fatalf("retried capture: %+v %v", again, err)
	}
	got, _ := yk.Payment(c.ProviderID)
	if got.Status != "succeeded" || got.Amount.Value != "2500.00" || got.CaptureReceipt == nil ||
		len(got.CaptureReceipt.Items) != 1 || got.CaptureReceipt.Items[0].Amount.Value != "2500.00" {
		t.Fatalf("at YooKassa: %+v receipt %+v", got, got.CaptureReceipt)
	}
	// Nothing more can be taken or released.
	_, err = h.Release(ctx, payments.ReleaseRequest{ProviderID: c.ProviderID, IdempotencyKey: "hold-9-release"})
	var pe *payments.Error
	if !errors.As(err, &pe) || pe.Temporary || pe.Status != 400 {
		t.Fatalf("release after capture: %v", err)
	}
}

// A release cancels the hold; more than held, or a hold not in place, is
// YooKassa's final refusal; one that expired reads cancelled.
func TestHoldReleaseAndRefusals(t *testing.T) {
	yk, p := provider(t, nil)
	h := holder(t, p)
	ctx := context.Background()
	c, err := h.Hold(ctx, deposit("hold-a"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Capture(ctx, payments.CaptureRequest{ProviderID: c.ProviderID, IdempotencyKey: "early", AmountMinor: 100, Currency: "RUB"})
	var pe *payments.Error
	if !errors.As(err, &pe) || pe.Temporary {
		t.Fatalf("capture before the customer paid: %v", err)
	}
	yk.Authorize(c.ProviderID, "bank_card")
	_, err = h.Capture(ctx, payments.CaptureRequest{ProviderID: c.ProviderID, IdempotencyKey: "too-much", AmountMinor: 1_500_001, Currency: "RUB"})
	if !errors.As(err, &pe) || pe.Temporary || pe.Status != 400 {
		t.Fatalf("capture of more than held: %v", err)
	}
	st, err := h.Release(ctx, payments.ReleaseRequest{ProviderID: c.ProviderID, IdempotencyKey: "hold-a-release"})
	if err != nil || st.Status != hub.PaymentCancelled || st.Reason != "canceled_by_merchant" {
		t.Fatalf("Release: %+v %v", st, err)
	}

	d, err := h.Hold(ctx, deposit("hold-b"))
	if err != nil {
		t.Fatal(err)
	}
	yk.Authorize(d.ProviderID, "")
	yk.CancelPayment(d.ProviderID)
	if st, err := h.HoldState(ctx, d.ProviderID); err != nil || st.Status != hub.PaymentCancelled || st.Reason != "expired_on_capture" {
		t.Fatalf("expired hold: %+v %v", st, err)
	}
	if _, err := h.Capture(ctx, payments.CaptureRequest{IdempotencyKey: "k", AmountMinor: 1, Currency: "RUB"}); err == nil {
		t.Fatal("capture without a payment id")
	}
	if _, err := h.Release(ctx, payments.ReleaseRequest{ProviderID: d.ProviderID}); err == nil {
		t.Fatal("release without a key")
	}
}
