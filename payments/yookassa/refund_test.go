package yookassa_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"naryad/payments"
)

func TestRefund(t *testing.T) {
	yk, p := provider(t, withReceipts)
	ctx := context.Background()
	c := create(t, p, order("a"))
	yk.Pay(c.ProviderID, "bank_card")
	o := order("a")

	req := payments.RefundRequest{
		ProviderID: c.ProviderID, IdempotencyKey: "refund-1", AmountMinor: 450_000, Currency: "RUB",
		Reason: "Масло не подошло", Customer: o.Customer, Lines: o.Lines[1:],
	}
	r, err := p.Refund(ctx, req)
	if err != nil {
		t.Fatalf("Refund: %v", err)
	}
	if r.ProviderID == "" || r.Status != "succeeded" {
		t.Errorf("Refunded = %+v", r)
	}
	sent := lastRequest(t, yk, "POST", "/v3/refunds")
	if sent.IdempotenceKey != "refund-1" {
		t.Errorf("key %q", sent.IdempotenceKey)
	}
	var body map[string]any
	sent.JSON(t, &body)
	want := map[string]any{
		"payment_id":  c.ProviderID,
		"amount":      map[string]any{"value": "4500.00", "currency": "RUB"},
		"description": "Масло не подошло",
		"receipt": map[string]any{
			"customer": map[string]any{"full_name": "Иван Петров", "phone": "79001234567"},
			"items": []any{map[string]any{"description": "Масло 5W-30, 4 л", "quantity": float64(1),
				"amount": map[string]any{"value": "4500.00", "currency": "RUB"}, "vat_code": float64(4),
				"payment_mode": "full_payment", "payment_subject": "commodity"}},
			"tax_system_code": float64(1),
		},
	}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("body:\n %v\nwant:\n %v", body, want)
	}

	again, err := p.Refund(ctx, req)
	if err != nil || again.ProviderID != r.ProviderID || len(yk.Refunds()) != 1 {
		t.Errorf("retry: %+v, %v, %d refunds; want the same one", again, err, len(yk.Refunds()))
	}

	// Without lines, the receipt is one line named by the reason, of the
	// refunded amount.
	rest := payments.RefundRequest{ProviderID: c.ProviderID, IdempotencyKey: "refund-2", AmountMinor: 800_000, Currency: "RUB",
		Reason: "Отказ от работ", Customer: payments.ReceiptCustomer{Email: "ivan@example.ru"}}
	if _, err := p.Refund(ctx, rest); err != nil {
		t.Fatalf("second refund: %v", err)
	}
	refunds := yk.Refunds()
	if len(refunds) != 2 || refunds[1].Receipt == nil || refunds[1].Receipt.Items[0].Description != "Отказ от работ" {
		t.Errorf("refunds %+v", refunds)
	}
	if got, _ := yk.Payment(c.ProviderID); got.RefundedAmount == nil || got.RefundedAmount.Value != "12500.00" || got.Refundable {
		t.Errorf("payment after refunds: %+v", got)
	}

	// Nothing is left: YooKassa refuses, finally.
	_, err = p.Refund(ctx, payments.RefundRequest{ProviderID: c.ProviderID, IdempotencyKey: "refund-3", AmountMinor: 1, Currency: "RUB",
		Customer: o.Customer})
	var pe *payments.Error
	if !errors.As(err, &pe) || pe.Temporary || pe.Status != 400 || pe.Code != "invalid_request" {
		t.Errorf("over-refund: %#v, want a final 400", err)
	}
}

func TestRefundRefusesBadRequests(t *testing.T) {
	yk, p := provider(t, withReceipts)
	ctx := context.Background()
	ok := payments.RefundRequest{ProviderID: "x", IdempotencyKey: "k", AmountMinor: 100, Currency: "RUB",
		Customer: payments.ReceiptCustomer{Phone: "+79001234567"}}
	for name, edit := range map[string]func(*payments.RefundRequest){
		"no payment":         func(r *payments.RefundRequest) { r.ProviderID = "" },
		"no key":             func(r *payments.RefundRequest) { r.IdempotencyKey = "" },
		"no amount":          func(r *payments.RefundRequest) { r.AmountMinor = 0 },
		"no receipt contact": func(r *payments.RefundRequest) { r.Customer = payments.ReceiptCustomer{} },
	} {
		r := ok
		edit(&r)
		if _, err := p.Refund(ctx, r); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if n := len(yk.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}
