package stripepay_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"naryad/hub"
	"naryad/internal/stripemock"
	"naryad/payments"
)

func TestFetchReadsTheSessionState(t *testing.T) {
	mock := stripemock.Start(t)
	p := newProvider(t, mock, nil)
	const id = "cs_test_fetch"
	paidAt := time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC)
	charge := func(method string, wallet any) map[string]any {
		return map[string]any{
			"created":     paidAt.Unix(),
			"receipt_url": "https://pay.stripe.com/receipts/rcpt_1",
			"payment_method_details": map[string]any{
				"type": method,
				"card": map[string]any{"wallet": wallet},
			},
		}
	}
	cases := []struct {
		name  string
		patch map[string]any
		want  payments.State
	}{
		{"open: not paid yet", map[string]any{"status": "open", "payment_status": "unpaid", "currency": "pln", "payment_method_types": []any{"card", "blik"}},
			payments.State{Status: hub.PaymentPending, Currency: "PLN"}},
		{"paid by BLIK", map[string]any{"status": "complete", "payment_status": "paid", "amount_total": 12500, "currency": "pln",
			"payment_intent": map[string]any{"status": "succeeded", "latest_charge": charge("blik", nil)}},
			payments.State{Status: hub.PaymentSucceeded, PaidMinor: 12500, Currency: "PLN", Method: "blik", ReceiptURL: "https://pay.stripe.com/receipts/rcpt_1", PaidAt: paidAt}},
		{"paid with Apple Pay", map[string]any{"status": "complete", "payment_status": "paid", "amount_total": 990, "currency": "eur",
			"payment_intent": map[string]any{"status": "succeeded", "latest_charge": charge("card", map[string]any{"type": "apple_pay"})}},
			payments.State{Status: hub.PaymentSucceeded, PaidMinor: 990, Currency: "EUR", Method: "apple_pay", ReceiptURL: "https://pay.stripe.com/receipts/rcpt_1", PaidAt: paidAt}},
		{"Przelewy24 still going through", map[string]any{"status": "complete", "payment_status": "unpaid", "currency": "pln",
			"payment_intent": map[string]any{"status": "processing", "latest_charge": charge("p24", nil)}},
			payments.State{Status: hub.PaymentPending, Currency: "PLN", Method: "p24"}},
		{"Przelewy24 failed", map[string]any{"status": "complete", "payment_status": "unpaid", "currency": "pln",
			"payment_intent": map[string]any{"status": "requires_payment_method", "latest_charge": charge("p24", nil),
				"last_payment_error": map[string]any{"type": "card_error", "message": "The bank declined the transfer."}}},
			payments.State{Status: hub.PaymentFailed, Currency: "PLN", Method: "p24", Reason: "The bank declined the transfer."}},
		{"expired", map[string]any{"status": "expired", "payment_status": "unpaid", "currency": "pln", "payment_intent": nil},
			payments.State{Status: hub.PaymentCancelled, Currency: "PLN", Reason: "the Checkout Session expired"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mock.Patch(http.MethodGet, sessionsAt+"/"+id, c.patch)
			got, err := p.Fetch(context.Background(), id)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if got != c.want {
				t.Fatalf("Fetch =\n %+v\nwant\n %+v", got, c.want)
			}
		})
	}
	got := calls(mock, http.MethodGet, sessionsAt+"/"+id)
	if len(got) != len(cases) || got[0].Query.Get("expand[0]") != "payment_intent.latest_charge" {
		t.Fatalf("retrieves %+v, want each expanding payment_intent.latest_charge", got)
	}
}

func TestFetchErrors(t *testing.T) {
	mock := stripemock.Start(t)
	p := newProvider(t, mock, nil)
	mock.Fail(http.MethodGet, sessionsAt+"/cs_gone", http.StatusNotFound, "resource_missing", "No such checkout.session: 'cs_gone'")
	_, err := p.Fetch(context.Background(), "cs_gone")
	if pe := wantProviderError(t, err, false, http.StatusNotFound); pe.Code != "resource_missing" {
		t.Errorf("code %q", pe.Code)
	}
	mock.Fail(http.MethodGet, sessionsAt+"/cs_busy", http.StatusServiceUnavailable, "", "try later")
	_, err = p.Fetch(context.Background(), "cs_busy")
	wantProviderError(t, err, true, http.StatusServiceUnavailable)
	before := len(mock.Requests())
	_, err = p.Fetch(context.Background(), "")
	wantProviderError(t, err, false, 0)
	if len(mock.Requests()) != before {
		t.Fatal("an empty id reached Stripe")
	}
}

func TestCancelExpiresAnOpenSessionOnly(t *testing.T) {
	mock := stripemock.Start(t)
	p := newProvider(t, mock, nil)

	t.Run("open: expired", func(t *testing.T) {
		const id = "cs_open"
		mock.Patch(http.MethodGet, sessionsAt+"/"+id, map[string]any{"status": "open", "payment_status": "unpaid", "currency": "pln"})
		mock.Patch(http.MethodPost, sessionsAt+"/"+id+"/expire", map[string]any{"status": "expired", "payment_status": "unpaid", "currency": "pln"})
		got, err := p.Cancel(context.Background(), id)
		if err != nil || got.Status != hub.PaymentCancelled {
			t.Fatalf("Cancel = %+v, %v; want cancelled", got, err)
		}
		if n := len(calls(mock, http.MethodPost, sessionsAt+"/"+id+"/expire")); n != 1 {
			t.Fatalf("%d expire calls, want 1", n)
		}
	})

	t.Run("paid: stays paid, not expired", func(t *testing.T) {
		const id = "cs_paid"
		mock.Patch(http.MethodGet, sessionsAt+"/"+id, map[string]any{"status": "complete", "payment_status": "paid", "amount_total": 12500, "currency": "pln"})
		got, err := p.Cancel(context.Background(), id)
		if err != nil || got.Status != hub.PaymentSucceeded || got.PaidMinor != 12500 {
			t.Fatalf("Cancel = %+v, %v; want succeeded 12500", got, err)
		}
		if n := len(calls(mock, http.MethodPost, sessionsAt+"/"+id+"/expire")); n != 0 {
			t.Fatalf("a paid session was expired (%d calls)", n)
		}
	})

	t.Run("completed while expiring: its state", func(t *testing.T) {
		const id = "cs_race"
		mock.Patch(http.MethodGet, sessionsAt+"/"+id, map[string]any{"status": "open", "payment_status": "unpaid", "currency": "pln"})
		mock.Fail(http.MethodPost, sessionsAt+"/"+id+"/expire", http.StatusBadRequest, "checkout_session_not_open", "Only Checkout Sessions with a status of open can be expired.")
		got, err := p.Cancel(context.Background(), id)
		if err != nil || got.Status != hub.PaymentPending {
			t.Fatalf("Cancel = %+v, %v; want the fetched state, no error", got, err)
		}
		if n := len(calls(mock, http.MethodGet, sessionsAt+"/"+id)); n != 2 {
			t.Fatalf("%d retrieves, want 2 (before and after the refused expire)", n)
		}
	})

	t.Run("Stripe down: temporary", func(t *testing.T) {
		const id = "cs_down"
		mock.Fail(http.MethodPost, sessionsAt+"/"+id+"/expire", http.StatusInternalServerError, "", "down")
		_, err := p.Cancel(context.Background(), id) // stripe-mock's session is open
		wantProviderError(t, err, true, http.StatusInternalServerError)
	})
}
