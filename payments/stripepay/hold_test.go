package stripepay_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/internal/stripemock"
	"naryad/payments"
)

func deposit() payments.CreateRequest {
	return payments.CreateRequest{
		PaymentID:      7,
		IdempotencyKey: "hold-7",
		AmountMinor:    100000,
		Currency:       "PLN",
		Description:    "Kaucja za samochód zastępczy WA 12345",
		ReturnURL:      "https://hub.example/l/tok",
		Locale:         "pl",
		Methods:        []string{"blik", "p24"}, // ignored: a hold is by card
	}
}

func holds(t *testing.T, p payments.Provider) payments.Holds {
	t.Helper()
	h, ok := p.(payments.Holds)
	if !ok {
		t.Fatal("the Stripe provider takes no holds")
	}
	return h
}

// A deposit is a Checkout Session whose PaymentIntent is captured by hand,
// by card only, with the hold's idempotency key.
func TestHoldAsksForAManualCaptureByCard(t *testing.T) {
	mock := stripemock.Start(t)
	h := holds(t, newProvider(t, mock, nil))
	got, err := h.Hold(context.Background(), deposit())
	if err != nil {
		t.Fatalf("Hold: %v", err)
	}
	if !strings.HasPrefix(got.ProviderID, "cs_") || got.URL == "" {
		t.Fatalf("Hold = %+v", got)
	}
	sent := calls(mock, http.MethodPost, sessionsAt)
	if len(sent) != 1 {
		t.Fatalf("%d creates", len(sent))
	}
	f := sent[0].Form
	for k, v := range map[string]string{
		"mode":                                          "payment",
		"payment_intent_data[capture_method]":           "manual",
		"line_items[0][price_data][unit_amount]":        "100000",
		"line_items[0][price_data][currency]":           "pln",
		"metadata[naryad_payment_id]":                   "7",
		"metadata[naryad_kind]":                         hub.PaymentForLoanDeposit,
		"payment_intent_data[metadata][naryad_kind]":    hub.PaymentForLoanDeposit,
		"success_url":                                   "https://hub.example/l/tok",
		"line_items[0][price_data][product_data][name]": "Kaucja za samochód zastępczy WA 12345",
	} {
		if f.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, f.Get(k), v)
		}
	}
	if m := list(f, "payment_method_types"); !slices.Equal(m, []string{"card"}) {
		t.Errorf("payment_method_types = %v, want card alone", m)
	}
	if k := sent[0].Header.Get("Idempotency-Key"); k != "hold-7" {
		t.Errorf("Idempotency-Key %q", k)
	}
	bad := deposit()
	bad.AmountMinor = 0
	if _, err := h.Hold(context.Background(), bad); err == nil {
		t.Error("a hold of nothing was asked for")
	}
}

// The hold's state is its PaymentIntent's: requires_capture is held.
func TestHoldStateReadsThePaymentIntent(t *testing.T) {
	mock := stripemock.Start(t)
	h := holds(t, newProvider(t, mock, nil))
	const id = "cs_test_hold"
	capturedAt := time.Date(2026, 12, 9, 18, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		patch map[string]any
		want  payments.State
	}{
		{"open", map[string]any{"status": "open", "currency": "pln", "payment_intent": nil},
			payments.State{Status: hub.PaymentPending, Currency: "PLN"}},
		{"held", map[string]any{"status": "complete", "payment_status": "unpaid", "currency": "pln",
			"payment_intent": map[string]any{"status": "requires_capture", "currency": "pln", "latest_charge": nil,
				"payment_method": map[string]any{"type": "card"}}},
			payments.State{Status: hub.PaymentAuthorized, Currency: "PLN", Method: "card"}},
		{"refused", map[string]any{"status": "complete", "currency": "pln",
			"payment_intent": map[string]any{"status": "requires_payment_method", "currency": "pln", "latest_charge": nil, "payment_method": nil,
				"last_payment_error": map[string]any{"type": "card_error", "message": "Your card was declined."}}},
			payments.State{Status: hub.PaymentFailed, Currency: "PLN", Reason: "Your card was declined."}},
		{"captured in part", map[string]any{"status": "complete", "currency": "pln",
			"payment_intent": map[string]any{"status": "succeeded", "currency": "pln", "amount_received": 25000, "payment_method": nil,
				"latest_charge": map[string]any{"created": capturedAt.Unix(), "receipt_url": "https://pay.stripe.com/receipts/r1",
					"payment_method_details": map[string]any{"type": "card", "card": map[string]any{"wallet": nil}}}}},
			payments.State{Status: hub.PaymentSucceeded, Currency: "PLN", PaidMinor: 25000, Method: "card", ReceiptURL: "https://pay.stripe.com/receipts/r1", PaidAt: capturedAt}},
		{"released or expired", map[string]any{"status": "complete", "currency": "pln",
			"payment_intent": map[string]any{"status": "canceled", "currency": "pln", "cancellation_reason": "automatic", "latest_charge": nil, "payment_method": nil}},
			payments.State{Status: hub.PaymentCancelled, Currency: "PLN", Reason: "the hold was cancelled (automatic)"}},
		{"page expired", map[string]any{"status": "expired", "currency": "pln", "payment_intent": nil},
			payments.State{Status: hub.PaymentCancelled, Currency: "PLN", Reason: "the Checkout Session expired"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mock.Patch(http.MethodGet, sessionsAt+"/"+id, c.patch)
			got, err := h.HoldState(context.Background(), id)
			if err != nil {
				t.Fatalf("HoldState: %v", err)
			}
			if got != c.want {
				t.Fatalf("HoldState =\n %+v\nwant\n %+v", got, c.want)
			}
		})
	}
}

// Capture takes the amount from the session's PaymentIntent with its own
// key; Release cancels it; a session without a PaymentIntent holds
// nothing, and Stripe's refusal (more than held) is final.
func TestCaptureAndReleaseThePaymentIntent(t *testing.T) {
	mock := stripemock.Start(t)
	h := holds(t, newProvider(t, mock, nil))
	const id = "cs_test_held"
	mock.Patch(http.MethodGet, sessionsAt+"/"+id, map[string]any{"status": "complete", "currency": "pln",
		"payment_intent": map[string]any{"id": "pi_held", "status": "requires_capture", "currency": "pln", "latest_charge": nil}})
	mock.Patch(http.MethodPost, "/v1/payment_intents/pi_held/capture", map[string]any{"status": "succeeded", "currency": "pln",
		"amount_received": 30000, "latest_charge": map[string]any{"created": time.Now().Unix(), "payment_method_details": map[string]any{"type": "card"}}})
	st, err := h.Capture(context.Background(), payments.CaptureRequest{ProviderID: id, IdempotencyKey: "hold-7-capture-30000", AmountMinor: 30000, Currency: "PLN"})
	if err != nil || st.Status != hub.PaymentSucceeded || st.PaidMinor != 30000 {
		t.Fatalf("Capture = %+v, %v", st, err)
	}
	sent := calls(mock, http.MethodPost, "/v1/payment_intents/pi_held/capture")
	if len(sent) != 1 || sent[0].Form.Get("amount_to_capture") != "30000" || sent[0].Header.Get("Idempotency-Key") != "hold-7-capture-30000" {
		t.Fatalf("capture sent %+v", sent)
	}

	mock.Patch(http.MethodPost, "/v1/payment_intents/pi_held/cancel", map[string]any{"status": "canceled", "currency": "pln",
		"cancellation_reason": nil, "latest_charge": nil})
	st, err = h.Release(context.Background(), payments.ReleaseRequest{ProviderID: id, IdempotencyKey: "hold-7-release"})
	if err != nil || st.Status != hub.PaymentCancelled {
		t.Fatalf("Release = %+v, %v", st, err)
	}
	if sent := calls(mock, http.MethodPost, "/v1/payment_intents/pi_held/cancel"); len(sent) != 1 || sent[0].Header.Get("Idempotency-Key") != "hold-7-release" {
		t.Fatalf("cancel sent %+v", sent)
	}

	mock.Fail(http.MethodPost, "/v1/payment_intents/pi_held/capture", http.StatusBadRequest, "amount_too_large", "Amount to capture is greater than the amount capturable.")
	_, err = h.Capture(context.Background(), payments.CaptureRequest{ProviderID: id, IdempotencyKey: "k2", AmountMinor: 999999, Currency: "PLN"})
	wantProviderError(t, err, false, http.StatusBadRequest)

	mock.Patch(http.MethodGet, sessionsAt+"/cs_open", map[string]any{"status": "open", "payment_intent": nil})
	_, err = h.Release(context.Background(), payments.ReleaseRequest{ProviderID: "cs_open", IdempotencyKey: "k3"})
	if pe := wantProviderError(t, err, false, 0); pe.Code != "not_held" {
		t.Fatalf("release of an open page: %+v", pe)
	}
	if _, err := h.Capture(context.Background(), payments.CaptureRequest{ProviderID: id, IdempotencyKey: "k4", AmountMinor: 0}); err == nil {
		t.Fatal("a capture of nothing was asked for")
	}
}
