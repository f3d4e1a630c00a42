package yookassa_test

import (
	"context"
	"testing"
	"time"

	"naryad/hub"
	"naryad/payments"
	"naryad/payments/yookassa"
	"naryad/payments/yookassa/yookassatest"
)

// provider starts a fake and a provider configured for it; change the
// config with edit (nil: no receipts).
func provider(t *testing.T, edit func(*payments.ProviderConfig)) (*yookassatest.Server, payments.Provider) {
	t.Helper()
	yk := yookassatest.New(t)
	cfg := yk.Config()
	cfg.Timeout = 5 * time.Second
	if edit != nil {
		edit(&cfg)
	}
	p, err := yookassa.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return yk, p
}

func withReceipts(cfg *payments.ProviderConfig) {
	cfg.VATCode = 4
	cfg.TaxSystem = 1
}

// order is a create request for a work order of 12 500 ₽: 8 000 of labour
// and 4 500 of parts.
func order(key string) payments.CreateRequest {
	return payments.CreateRequest{
		PaymentID:      42,
		IdempotencyKey: key,
		AmountMinor:    1_250_000,
		Currency:       "RUB",
		Description:    "Заказ-наряд ЗН-0001234",
		ReturnURL:      "https://naryad.example/c/tok/pay/return/42",
		Locale:         "ru",
		Customer:       payments.ReceiptCustomer{Name: "Иван Петров", Phone: "+7 900 123-45-67"},
		Lines: []payments.ReceiptLine{
			{Description: "Замена масла", QtyMilli: 1500, AmountMinor: 800_000, Kind: hub.LineLabor},
			{Description: "Масло 5W-30, 4 л", QtyMilli: 1000, AmountMinor: 450_000, Kind: hub.LinePart},
		},
	}
}

func create(t *testing.T, p payments.Provider, r payments.CreateRequest) payments.Created {
	t.Helper()
	c, err := p.Create(context.Background(), r)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return c
}

// lastRequest is the fake's last request to path.
func lastRequest(t *testing.T, yk *yookassatest.Server, method, path string) yookassatest.Request {
	t.Helper()
	reqs := yk.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == method && reqs[i].Path == path {
			return reqs[i]
		}
	}
	t.Fatalf("no %s %s among %d requests", method, path, len(reqs))
	return yookassatest.Request{}
}
