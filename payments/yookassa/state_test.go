package yookassa_test

import (
	"context"
	"testing"

	"naryad/hub"
)

func TestFetchReadsEachState(t *testing.T) {
	yk, p := provider(t, withReceipts)
	ctx := context.Background()

	paid := create(t, p, order("a"))
	st, err := p.Fetch(ctx, paid.ProviderID)
	if err != nil || st.Status != hub.PaymentPending {
		t.Fatalf("before paying: %+v, %v; want pending", st, err)
	}
	yk.Pay(paid.ProviderID, "sbp")
	st, err = p.Fetch(ctx, paid.ProviderID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != hub.PaymentSucceeded || st.PaidMinor != 1_250_000 || st.Currency != "RUB" || st.Method != "sbp" || st.PaidAt.IsZero() {
		t.Errorf("paid: %+v, want succeeded 1250000 RUB by sbp with a time", st)
	}

	expired := create(t, p, order("b"))
	yk.CancelPayment(expired.ProviderID)
	st, err = p.Fetch(ctx, expired.ProviderID)
	if err != nil || st.Status != hub.PaymentCancelled || st.Reason != "expired_on_confirmation" || st.PaidMinor != 0 {
		t.Errorf("expired: %+v, %v; want cancelled, expired_on_confirmation", st, err)
	}

	held := create(t, p, order("c"))
	yk.Authorize(held.ProviderID, "sberbank")
	st, err = p.Fetch(ctx, held.ProviderID)
	if err != nil || st.Status != hub.PaymentPending || st.Method != "sberbank" {
		t.Errorf("waiting for capture: %+v, %v; want pending (by sberbank)", st, err)
	}
}

// TestCancel: YooKassa cancels only a payment waiting for capture; a
// pending one is left to expire and reported pending; a paid one stays
// paid.
func TestCancel(t *testing.T) {
	yk, p := provider(t, nil)
	ctx := context.Background()

	pending := create(t, p, order("a"))
	st, err := p.Cancel(ctx, pending.ProviderID)
	if err != nil || st.Status != hub.PaymentPending {
		t.Errorf("pending: %+v, %v; want pending, no error", st, err)
	}
	for _, r := range yk.Requests() {
		if r.Method == "POST" && r.Path != "/v3/payments" {
			t.Errorf("a pending payment got %s %s", r.Method, r.Path)
		}
	}

	held := create(t, p, order("b"))
	yk.Authorize(held.ProviderID, "bank_card")
	st, err = p.Cancel(ctx, held.ProviderID)
	if err != nil || st.Status != hub.PaymentCancelled || st.Reason != "canceled_by_merchant" {
		t.Errorf("waiting for capture: %+v, %v; want cancelled by the merchant", st, err)
	}
	req := lastRequest(t, yk, "POST", "/v3/payments/"+held.ProviderID+"/cancel")
	if req.IdempotenceKey != "cancel-"+held.ProviderID {
		t.Errorf("cancel key %q", req.IdempotenceKey)
	}

	paid := create(t, p, order("c"))
	yk.Pay(paid.ProviderID, "")
	st, err = p.Cancel(ctx, paid.ProviderID)
	if err != nil || st.Status != hub.PaymentSucceeded || st.PaidMinor != 1_250_000 || st.Method != "bank_card" {
		t.Errorf("paid: %+v, %v; want still succeeded", st, err)
	}
}
