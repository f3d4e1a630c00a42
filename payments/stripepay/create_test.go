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
	"naryad/payments/stripepay"
)

func pln12500() payments.CreateRequest {
	return payments.CreateRequest{
		PaymentID:      42,
		IdempotencyKey: "pay-42-create",
		AmountMinor:    12500,
		Currency:       "PLN",
		Description:    "Zlecenie ZN-0001234",
		ReturnURL:      returnURL + "/42",
		Locale:         "pl",
		Customer:       payments.ReceiptCustomer{Name: "Jan", Phone: "+48500100200", Email: "jan@example.pl"},
	}
}

func TestCreateSendsTheAmountCurrencyMethodsAndKey(t *testing.T) {
	mock := stripemock.Start(t)
	p := newProvider(t, mock, nil)

	got, err := p.Create(context.Background(), pln12500())
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if !strings.HasPrefix(got.ProviderID, "cs_") || !strings.HasPrefix(got.URL, "https://") || got.State.Status != hub.PaymentPending {
		t.Fatalf("Create = %+v, want a cs_ session with its https URL, pending", got)
	}

	sent := calls(mock, http.MethodPost, sessionsAt)
	if len(sent) != 1 {
		t.Fatalf("%d session creates, want 1", len(sent))
	}
	f, h := sent[0].Form, sent[0].Header
	want := map[string]string{
		"mode":                                             "payment",
		"line_items[0][quantity]":                          "1",
		"line_items[0][price_data][currency]":              "pln",
		"line_items[0][price_data][unit_amount]":           "12500",
		"line_items[0][price_data][product_data][name]":    "Zlecenie ZN-0001234",
		"success_url":                                      returnURL + "/42",
		"cancel_url":                                       returnURL + "/42",
		"client_reference_id":                              "42",
		"metadata[naryad_payment_id]":                      "42",
		"payment_intent_data[metadata][naryad_payment_id]": "42",
		"locale":         "pl",
		"customer_email": "jan@example.pl",
	}
	for k, v := range want {
		if f.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, f.Get(k), v)
		}
	}
	if m := list(f, "payment_method_types"); !slices.Equal(m, []string{"card", "blik", "p24"}) {
		t.Errorf("payment_method_types = %v, want card, blik, p24 for PLN", m)
	}
	for k := range f {
		if strings.Contains(k, "phone") || strings.Contains(f.Get(k), "+48500100200") {
			t.Errorf("the phone went to Stripe in %s", k)
		}
	}
	if h.Get("Idempotency-Key") != "pay-42-create" {
		t.Errorf("Idempotency-Key = %q, want the request's", h.Get("Idempotency-Key"))
	}
	if h.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("Authorization = %q", h.Get("Authorization"))
	}
}

func TestCreateOffersMethodsByCurrencyAndSetting(t *testing.T) {
	mock := stripemock.Start(t)
	cases := []struct {
		name      string
		currency  string
		branch    []string
		requested []string
		locale    string
		want      []string
		wantLang  string
	}{
		{"euro defaults", "EUR", nil, nil, "en", []string{"card", "p24"}, "en"},
		{"other currency: card", "usd", nil, nil, "ru", []string{"card"}, "ru"},
		{"the branch's choice", "PLN", []string{"blik"}, nil, "de", []string{"blik"}, "auto"},
		{"BLIK is dropped for euros", "EUR", []string{"card", "blik"}, nil, "", []string{"card"}, "auto"},
		{"nothing left: the defaults", "EUR", []string{"blik"}, nil, "pl", []string{"card", "p24"}, "pl"},
		{"the request's methods first", "PLN", []string{"card"}, []string{"P24", "blik", "p24"}, "pl", []string{"p24", "blik"}, "pl"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProvider(t, mock, func(cfg *payments.ProviderConfig) { cfg.Methods = c.branch })
			r := pln12500()
			r.PaymentID = int64(100 + i)
			r.Currency, r.Methods, r.Locale = c.currency, c.requested, c.locale
			if _, err := p.Create(context.Background(), r); err != nil {
				t.Fatalf("Create: %v", err)
			}
			sent := calls(mock, http.MethodPost, sessionsAt)
			f := sent[len(sent)-1].Form
			if m := list(f, "payment_method_types"); !slices.Equal(m, c.want) {
				t.Errorf("payment_method_types = %v, want %v", m, c.want)
			}
			if f.Get("line_items[0][price_data][currency]") != strings.ToLower(c.currency) {
				t.Errorf("currency %q", f.Get("line_items[0][price_data][currency]"))
			}
			if f.Get("locale") != c.wantLang {
				t.Errorf("locale %q, want %q", f.Get("locale"), c.wantLang)
			}
		})
	}
}

func TestCreateRefusesBadRequestsWithoutAskingStripe(t *testing.T) {
	mock := stripemock.Start(t)
	p := newProvider(t, mock, nil)
	cases := map[string]func(*payments.CreateRequest){
		"no payment id":         func(r *payments.CreateRequest) { r.PaymentID = 0 },
		"no idempotency key":    func(r *payments.CreateRequest) { r.IdempotencyKey = " " },
		"zero amount":           func(r *payments.CreateRequest) { r.AmountMinor = 0 },
		"negative amount":       func(r *payments.CreateRequest) { r.AmountMinor = -100 },
		"bad currency":          func(r *payments.CreateRequest) { r.Currency = "zł" },
		"no description":        func(r *payments.CreateRequest) { r.Description = "" },
		"relative return URL":   func(r *payments.CreateRequest) { r.ReturnURL = "/c/tok/pay/return/42" },
		"javascript return URL": func(r *payments.CreateRequest) { r.ReturnURL = "javascript:alert(1)" },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			r := pln12500()
			edit(&r)
			_, err := p.Create(context.Background(), r)
			pe := wantProviderError(t, err, false, 0)
			if pe.Code != "invalid_request" {
				t.Errorf("code %q", pe.Code)
			}
		})
	}
	if n := len(mock.Requests()); n != 0 {
		t.Fatalf("%d calls reached Stripe, want none", n)
	}
}

func TestCreateSaysWhetherTryingAgainHelps(t *testing.T) {
	mock := stripemock.Start(t)
	p := newProvider(t, mock, nil)

	mock.Fail(http.MethodPost, sessionsAt, http.StatusUnauthorized, "", "Invalid API Key provided: sk_test_****")
	_, err := p.Create(context.Background(), pln12500())
	if pe := wantProviderError(t, err, false, http.StatusUnauthorized); !strings.Contains(pe.Message, "Invalid API Key") {
		t.Errorf("message %q", pe.Message)
	}

	mock.Fail(http.MethodPost, sessionsAt, http.StatusBadRequest, "amount_too_small", "Amount must be at least 2,00 zł")
	_, err = p.Create(context.Background(), pln12500())
	if pe := wantProviderError(t, err, false, http.StatusBadRequest); pe.Code != "amount_too_small" {
		t.Errorf("code %q", pe.Code)
	}

	mock.Fail(http.MethodPost, sessionsAt, http.StatusTooManyRequests, "rate_limit", "Too many requests")
	_, err = p.Create(context.Background(), pln12500())
	wantProviderError(t, err, true, http.StatusTooManyRequests)

	// Stripe's own trouble: the caller tries again later with the same
	// key, which makes no second session.
	before := len(calls(mock, http.MethodPost, sessionsAt))
	mock.Fail(http.MethodPost, sessionsAt, http.StatusInternalServerError, "", "Stripe is down")
	_, err = p.Create(context.Background(), pln12500())
	wantProviderError(t, err, true, http.StatusInternalServerError)
	for _, r := range calls(mock, http.MethodPost, sessionsAt)[before:] {
		if r.Header.Get("Idempotency-Key") != "pay-42-create" {
			t.Fatalf("a try sent Idempotency-Key %q", r.Header.Get("Idempotency-Key"))
		}
	}
}

func TestCreateGivesUpAfterTheTimeout(t *testing.T) {
	mock := stripemock.Start(t)
	p := newProvider(t, mock, func(cfg *payments.ProviderConfig) { cfg.Timeout = 300 * time.Millisecond })
	mock.Stall(http.MethodPost, sessionsAt)
	started := time.Now()
	_, err := p.Create(context.Background(), pln12500())
	wantProviderError(t, err, true, 0)
	if took := time.Since(started); took > 5*time.Second {
		t.Fatalf("Create took %s with a 300 ms timeout", took)
	}
}

func TestNewChecksTheSettings(t *testing.T) {
	good := payments.ProviderConfig{SecretKey: "sk_live_abc", WebhookSecret: "whsec_abc"}
	for name, edit := range map[string]func(*payments.ProviderConfig){
		"no key":             func(c *payments.ProviderConfig) { c.SecretKey = "" },
		"publishable key":    func(c *payments.ProviderConfig) { c.SecretKey = "pk_live_abc" },
		"webhook secret":     func(c *payments.ProviderConfig) { c.WebhookSecret = "sk_live_abc" },
		"method name":        func(c *payments.ProviderConfig) { c.Methods = []string{"card", "apple pay"} },
		"API address":        func(c *payments.ProviderConfig) { c.BaseURL = "127.0.0.1:12111" },
		"API address scheme": func(c *payments.ProviderConfig) { c.BaseURL = "ftp://stripe.example" },
	} {
		t.Run(name, func(t *testing.T) {
			c := good
			edit(&c)
			if _, err := stripepay.New(c); err == nil {
				t.Fatalf("New(%+v) took it", c)
			} else if strings.Contains(err.Error(), "abc") {
				t.Fatalf("the error shows the secret: %v", err)
			}
		})
	}
	for _, c := range []payments.ProviderConfig{
		good,
		{SecretKey: "rk_test_abc"}, // restricted key, no webhook secret yet
		{SecretKey: " sk_test_abc\n", Methods: []string{"Card", ""}}, // pasted with spaces
	} {
		p, err := stripepay.New(c)
		if err != nil {
			t.Fatalf("New(%+v): %v", c, err)
		}
		if p.Name() != hub.ProviderStripe {
			t.Fatalf("Name() = %q", p.Name())
		}
	}
}
