package yookassa_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"naryad/payments"
	"naryad/payments/yookassa"
)

// TestErrorsSayWhetherToTryAgain: no answer, 202, 429 and 5xx are
// temporary; bad credentials and a missing payment are not.
func TestErrorsSayWhetherToTryAgain(t *testing.T) {
	yk, p := provider(t, func(c *payments.ProviderConfig) { c.Timeout = 200 * time.Millisecond })
	ctx := context.Background()
	c := create(t, p, order("a"))

	for _, tc := range []struct {
		fault     int
		status    int
		code      string
		temporary bool
	}{
		{500, 500, "internal_server_error", true},
		{503, 503, "internal_server_error", true},
		{429, 429, "too_many_requests", true},
		{202, 202, "processing", true},
		{0, 0, "", true}, // no answer within the timeout
		{401, 401, "invalid_credentials", false},
		{403, 403, "forbidden", false},
	} {
		yk.FailNext(tc.fault)
		_, err := p.Fetch(ctx, c.ProviderID)
		var pe *payments.Error
		if !errors.As(err, &pe) {
			t.Errorf("fault %d: err = %v, want *payments.Error", tc.fault, err)
			continue
		}
		if pe.Status != tc.status || pe.Code != tc.code || pe.Temporary != tc.temporary || pe.Op != "fetch" || pe.Provider != "yookassa" {
			t.Errorf("fault %d: %+v, want status %d code %q temporary %v", tc.fault, pe, tc.status, tc.code, tc.temporary)
		}
	}

	_, err := p.Fetch(ctx, "2b5a4b8c-000f-5000-9000-000000000000")
	var pe *payments.Error
	if !errors.As(err, &pe) || pe.Status != 404 || pe.Code != "not_found" || pe.Temporary {
		t.Errorf("unknown payment: %#v, want a final 404", err)
	}

	cfg := yk.Config()
	cfg.SecretKey = "test_wrong"
	wrong, err := yookassa.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.Create(ctx, order("b"))
	if !errors.As(err, &pe) || pe.Status != 401 || pe.Code != "invalid_credentials" || pe.Temporary {
		t.Errorf("wrong key: %#v, want a final 401", err)
	}
}

// TestEveryPostCarriesAnIdempotenceKey over all the calls that POST.
func TestEveryPostCarriesAnIdempotenceKey(t *testing.T) {
	yk, p := provider(t, nil)
	ctx := context.Background()
	a := create(t, p, order("a"))
	yk.Authorize(a.ProviderID, "")
	if _, err := p.Cancel(ctx, a.ProviderID); err != nil {
		t.Fatal(err)
	}
	b := create(t, p, order("b"))
	yk.Pay(b.ProviderID, "")
	if _, err := p.Refund(ctx, payments.RefundRequest{ProviderID: b.ProviderID, IdempotencyKey: "r", AmountMinor: 100, Currency: "RUB"}); err != nil {
		t.Fatal(err)
	}
	posts := 0
	for _, r := range yk.Requests() {
		if r.Method == "POST" {
			posts++
			if r.IdempotenceKey == "" || r.Status != 200 {
				t.Errorf("%s %s: key %q, status %d", r.Method, r.Path, r.IdempotenceKey, r.Status)
			}
		}
	}
	if posts != 4 {
		t.Errorf("%d POSTs, want 4 (two creates, a cancel, a refund)", posts)
	}
}
