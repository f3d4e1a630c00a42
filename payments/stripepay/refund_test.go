package stripepay_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"naryad/internal/stripemock"
	"naryad/payments"
)

func TestRefundRefundsTheSessionsPaymentIntent(t *testing.T) {
	mock := stripemock.Start(t)
	p := newProvider(t, mock, nil)
	const id = "cs_paid"
	mock.Patch(http.MethodGet, sessionsAt+"/"+id, map[string]any{"status": "complete", "payment_status": "paid",
		"payment_intent": map[string]any{"id": "pi_naryad_1"}})

	got, err := p.Refund(context.Background(), payments.RefundRequest{
		ProviderID: id, IdempotencyKey: "refund-7", AmountMinor: 2500, Currency: "PLN", Reason: "wycieraczki nie były potrzebne",
	})
	if err != nil {
		t.Fatalf("Refund: %v", err)
	}
	if !strings.HasPrefix(got.ProviderID, "re_") || got.Status == "" {
		t.Fatalf("Refund = %+v, want a re_ id and Stripe's status", got)
	}
	sent := calls(mock, http.MethodPost, "/v1/refunds")
	if len(sent) != 1 {
		t.Fatalf("%d refund calls", len(sent))
	}
	f := sent[0].Form
	if f.Get("payment_intent") != "pi_naryad_1" || f.Get("amount") != "2500" || f.Get("metadata[naryad_reason]") != "wycieraczki nie były potrzebne" {
		t.Fatalf("refund form %v", f)
	}
	if k := sent[0].Header.Get("Idempotency-Key"); k != "refund-7" {
		t.Fatalf("Idempotency-Key %q", k)
	}

	// A long reason is cut to Stripe's 500 bytes of metadata, whole letters only.
	long := strings.Repeat("возврат ", 70) // 1050 bytes
	if _, err := p.Refund(context.Background(), payments.RefundRequest{ProviderID: id, IdempotencyKey: "refund-9", AmountMinor: 100, Reason: long}); err != nil {
		t.Fatalf("Refund with a long reason: %v", err)
	}
	sent = calls(mock, http.MethodPost, "/v1/refunds")
	reason := sent[len(sent)-1].Form.Get("metadata[naryad_reason]")
	if len(reason) > 500 || len(reason) < 490 || !utf8.ValidString(reason) || !strings.HasPrefix(long, reason) {
		t.Fatalf("reason sent as %d bytes %q", len(reason), reason)
	}
}

func TestRefundRefusals(t *testing.T) {
	mock := stripemock.Start(t)
	p := newProvider(t, mock, nil)
	req := payments.RefundRequest{ProviderID: "cs_x", IdempotencyKey: "refund-8", AmountMinor: 100, Currency: "PLN"}

	for name, edit := range map[string]func(*payments.RefundRequest){
		"zero amount":        func(r *payments.RefundRequest) { r.AmountMinor = 0 },
		"no idempotency key": func(r *payments.RefundRequest) { r.IdempotencyKey = "" },
		"no session":         func(r *payments.RefundRequest) { r.ProviderID = "" },
	} {
		r := req
		edit(&r)
		if _, err := p.Refund(context.Background(), r); err == nil {
			t.Errorf("%s: refunded", name)
		} else {
			wantProviderError(t, err, false, 0)
		}
	}
	if n := len(mock.Requests()); n != 0 {
		t.Fatalf("%d calls reached Stripe, want none", n)
	}

	mock.Patch(http.MethodGet, sessionsAt+"/cs_unpaid", map[string]any{"status": "open", "payment_intent": nil})
	r := req
	r.ProviderID = "cs_unpaid"
	_, err := p.Refund(context.Background(), r)
	if pe := wantProviderError(t, err, false, 0); pe.Code != "not_paid" {
		t.Errorf("code %q", pe.Code)
	}
	if n := len(calls(mock, http.MethodPost, "/v1/refunds")); n != 0 {
		t.Fatalf("an unpaid session was refunded")
	}

	mock.Fail(http.MethodPost, "/v1/refunds", http.StatusBadRequest, "charge_already_refunded", "Charge has already been refunded.")
	_, err = p.Refund(context.Background(), req)
	if pe := wantProviderError(t, err, false, http.StatusBadRequest); pe.Code != "charge_already_refunded" || pe.Message != "Charge has already been refunded." {
		t.Errorf("error %+v", pe)
	}
}
