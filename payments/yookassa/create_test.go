package yookassa_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/payments"
)

// TestCreateSendsTheDocumentedBody checks the whole body of POST /payments
// against YooKassa's documented shape, receipt included.
func TestCreateSendsTheDocumentedBody(t *testing.T) {
	yk, p := provider(t, withReceipts)
	c := create(t, p, order("pay-42-1"))

	if c.ProviderID == "" || c.State.Status != hub.PaymentPending {
		t.Fatalf("Created = %+v, want an id and pending", c)
	}
	got, ok := yk.Payment(c.ProviderID)
	if !ok {
		t.Fatalf("the fake has no payment %s", c.ProviderID)
	}
	if c.URL != got.Confirmation.ConfirmationURL || c.URL == "" {
		t.Errorf("URL = %q, want the confirmation_url %q", c.URL, got.Confirmation.ConfirmationURL)
	}

	req := lastRequest(t, yk, "POST", "/v3/payments")
	if req.IdempotenceKey != "pay-42-1" {
		t.Errorf("Idempotence-Key = %q, want the request's key", req.IdempotenceKey)
	}
	var body map[string]any
	req.JSON(t, &body)
	want := map[string]any{
		"amount":  map[string]any{"value": "12500.00", "currency": "RUB"},
		"capture": true,
		"confirmation": map[string]any{
			"type":       "redirect",
			"return_url": "https://naryad.example/c/tok/pay/return/42",
			"locale":     "ru_RU",
		},
		"description": "Заказ-наряд ЗН-0001234",
		"metadata":    map[string]any{"naryad_payment_id": "42"},
		"receipt": map[string]any{
			"customer": map[string]any{"full_name": "Иван Петров", "phone": "79001234567"},
			"items": []any{
				map[string]any{"description": "Замена масла", "quantity": float64(1),
					"amount": map[string]any{"value": "8000.00", "currency": "RUB"}, "vat_code": float64(4),
					"payment_mode": "full_payment", "payment_subject": "service"},
				map[string]any{"description": "Масло 5W-30, 4 л", "quantity": float64(1),
					"amount": map[string]any{"value": "4500.00", "currency": "RUB"}, "vat_code": float64(4),
					"payment_mode": "full_payment", "payment_subject": "commodity"},
			},
			"tax_system_code": float64(1),
		},
	}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("body:\n %v\nwant:\n %v", body, want)
	}
	if !strings.Contains(string(req.Body), `"quantity":1.000,`) {
		t.Errorf("quantity is not the number 1.000 in %s", req.Body)
	}
	if got.Receipt == nil || len(got.Receipt.Items) != 2 || got.Receipt.Items[0].Quantity != "1.000" {
		t.Errorf("the fake kept receipt %+v", got.Receipt)
	}
}

func TestCreateWithoutAVATCodeSendsNoReceipt(t *testing.T) {
	yk, p := provider(t, nil)
	r := order("pay-1")
	r.Lines, r.Customer, r.Locale = nil, payments.ReceiptCustomer{}, "pl"
	c := create(t, p, r)
	var body map[string]any
	lastRequest(t, yk, "POST", "/v3/payments").JSON(t, &body)
	if _, ok := body["receipt"]; ok {
		t.Errorf("a receipt was sent: %v", body["receipt"])
	}
	if loc := body["confirmation"].(map[string]any)["locale"]; loc != "en_US" {
		t.Errorf("locale for pl = %v, want en_US (YooKassa has ru_RU and en_US)", loc)
	}
	if c.ProviderID == "" {
		t.Error("no payment made")
	}
}

// TestCreateRetriedMakesOnePayment: a retry after a lost answer sends the
// same key and gets the same payment.
func TestCreateRetriedMakesOnePayment(t *testing.T) {
	yk, p := provider(t, withReceipts)
	first := create(t, p, order("pay-7"))
	again := create(t, p, order("pay-7"))
	if again.ProviderID != first.ProviderID || again.URL != first.URL {
		t.Errorf("retry made %+v, first %+v", again, first)
	}
	if n := len(yk.Payments()); n != 1 {
		t.Errorf("%d payments at YooKassa, want 1", n)
	}
	other := create(t, p, order("pay-8"))
	if other.ProviderID == first.ProviderID {
		t.Error("another key gave the same payment")
	}
}

// TestCreateLongKeyIsShortened: YooKassa takes keys up to 64 characters.
func TestCreateLongKeyIsShortened(t *testing.T) {
	yk, p := provider(t, nil)
	long := strings.Repeat("k", 100)
	a := create(t, p, order(long))
	b := create(t, p, order(long))
	key := lastRequest(t, yk, "POST", "/v3/payments").IdempotenceKey
	if len(key) != 64 || a.ProviderID != b.ProviderID {
		t.Errorf("key %q (%d chars), payments %s and %s", key, len(key), a.ProviderID, b.ProviderID)
	}
}

func TestCreateRefusesWhatYooKassaWould(t *testing.T) {
	for name, edit := range map[string]func(*payments.CreateRequest){
		"no lines":            func(r *payments.CreateRequest) { r.Lines = nil },
		"only zero lines":     func(r *payments.CreateRequest) { r.Lines = []payments.ReceiptLine{{Description: "x", AmountMinor: 0}} },
		"no phone nor e-mail": func(r *payments.CreateRequest) { r.Customer = payments.ReceiptCustomer{Name: "Иван"} },
		"no amount":           func(r *payments.CreateRequest) { r.AmountMinor = 0 },
		"negative amount":     func(r *payments.CreateRequest) { r.AmountMinor = -5 },
		"no key":              func(r *payments.CreateRequest) { r.IdempotencyKey = "" },
		"no return URL":       func(r *payments.CreateRequest) { r.ReturnURL = "" },
		"lower-case currency": func(r *payments.CreateRequest) { r.Currency = "rub" },
	} {
		t.Run(name, func(t *testing.T) {
			yk, p := provider(t, withReceipts)
			r := order("k")
			edit(&r)
			if _, err := p.Create(context.Background(), r); err == nil {
				t.Fatal("Create accepted it")
			}
			if n := len(yk.Requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}

// TestCreateFitsTheReceiptToTheAmount: the DMS's amount due differs from
// the lines (a prepayment made at the counter): the receipt still adds up,
// which the fake checks as YooKassa does.
func TestCreateFitsTheReceiptToTheAmount(t *testing.T) {
	yk, p := provider(t, withReceipts)
	r := order("k")
	r.AmountMinor = 1_000_001
	r.Lines = append(r.Lines, payments.ReceiptLine{Description: "Скидка", AmountMinor: -50_000, Kind: hub.LineLabor})
	c := create(t, p, r)
	got, _ := yk.Payment(c.ProviderID)
	if got.Receipt == nil || len(got.Receipt.Items) != 2 {
		t.Fatalf("receipt %+v, want the two positive lines", got.Receipt)
	}
	if v := got.Receipt.Items[0].Amount.Value; v != "6400.01" {
		t.Errorf("the largest line = %s, want 6400.01 (8000 scaled, plus the rounding)", v)
	}
}

func TestCreateErrorsAreProviderErrors(t *testing.T) {
	yk, p := provider(t, nil)
	yk.FailNext(500)
	_, err := p.Create(context.Background(), order("k"))
	var pe *payments.Error
	if !errors.As(err, &pe) || !pe.Temporary || pe.Status != 500 || pe.Op != "create" {
		t.Fatalf("err = %#v, want a temporary *payments.Error of create", err)
	}
	// The retry with the same key goes through: the failure kept nothing.
	if c := create(t, p, order("k")); c.ProviderID == "" {
		t.Error("the retry made nothing")
	}
	if n := len(yk.Payments()); n != 1 {
		t.Errorf("%d payments, want 1", n)
	}
}
