package yookassatest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/payments/yookassa/yookassatest"
)

// These tests hold the fake to YooKassa's rules with raw requests, so a
// provider bug cannot hide behind a lenient fake.

const goodPayment = `{"amount":{"value":"100.00","currency":"RUB"},"capture":true,
 "confirmation":{"type":"redirect","return_url":"https://shop.example/back","locale":"ru_RU"},
 "description":"Order 1","metadata":{"naryad_payment_id":"1"},
 "receipt":{"customer":{"phone":"79001234567"},"items":[
   {"description":"Работа","quantity":"1.000","amount":{"value":"60.00","currency":"RUB"},"vat_code":1,"payment_mode":"full_payment","payment_subject":"service"},
   {"description":"Деталь","quantity":2,"amount":{"value":"20.00","currency":"RUB"},"vat_code":1,"payment_mode":"full_payment","payment_subject":"commodity"}]}}`

type answer struct {
	status int
	body   map[string]any
}

func do(t *testing.T, method, u, key, body string, auth bool) answer {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth {
		req.SetBasicAuth(yookassatest.ShopID, yookassatest.SecretKey)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotence-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode}
	if err := json.Unmarshal(raw, &a.body); err != nil {
		t.Fatalf("%s %s answered %d %q: not JSON", method, u, resp.StatusCode, raw)
	}
	return a
}

func wantError(t *testing.T, a answer, status int, code, parameter string) {
	t.Helper()
	if a.status != status || a.body["type"] != "error" || a.body["code"] != code || (parameter != "" && a.body["parameter"] != parameter) {
		t.Errorf("answer %d %v, want %d %s about %q", a.status, a.body, status, code, parameter)
	}
}

func TestCreateAndGet(t *testing.T) {
	yk := yookassatest.New(t)
	a := do(t, "POST", yk.URL+"/payments", "k1", goodPayment, true)
	if a.status != 200 || a.body["status"] != "pending" || a.body["paid"] != false {
		t.Fatalf("create: %d %v", a.status, a.body)
	}
	id := a.body["id"].(string)
	conf := a.body["confirmation"].(map[string]any)
	if conf["type"] != "redirect" || !strings.Contains(conf["confirmation_url"].(string), id) {
		t.Errorf("confirmation %v", conf)
	}
	if a.body["amount"].(map[string]any)["value"] != "100.00" || a.body["metadata"].(map[string]any)["naryad_payment_id"] != "1" {
		t.Errorf("payment %v", a.body)
	}
	g := do(t, "GET", yk.URL+"/payments/"+id, "", "", true)
	if g.status != 200 || g.body["id"] != id {
		t.Errorf("get: %d %v", g.status, g.body)
	}
	wantError(t, do(t, "GET", yk.URL+"/payments/nope", "", "", true), 404, "not_found", "")
	if p, ok := yk.PaymentOf(1); !ok || p.ID != id {
		t.Errorf("PaymentOf(1) = %+v, %v", p, ok)
	}
	if _, ok := yk.PaymentOf(2); ok {
		t.Error("PaymentOf(2) found one")
	}
	if ps := yk.Payments(); len(ps) != 1 || ps[0].ReturnURL != "https://shop.example/back" || ps[0].Locale != "ru_RU" || !ps[0].Capture {
		t.Errorf("Payments() = %+v", ps)
	}
}

func TestAuthKeysAndContentType(t *testing.T) {
	yk := yookassatest.New(t)
	wantError(t, do(t, "POST", yk.URL+"/payments", "k", goodPayment, false), 401, "invalid_credentials", "")
	wantError(t, do(t, "GET", yk.URL+"/payments/x", "", "", false), 401, "invalid_credentials", "")
	wantError(t, do(t, "POST", yk.URL+"/payments", "", goodPayment, true), 400, "invalid_request", "Idempotence-Key")
	wantError(t, do(t, "POST", yk.URL+"/payments", strings.Repeat("k", 65), goodPayment, true), 400, "invalid_request", "Idempotence-Key")

	first := do(t, "POST", yk.URL+"/payments", "same", goodPayment, true)
	// The same request, encoded differently, is the same request.
	var v any
	_ = json.Unmarshal([]byte(goodPayment), &v)
	compact, _ := json.Marshal(v)
	again := do(t, "POST", yk.URL+"/payments", "same", string(compact), true)
	if again.status != 200 || again.body["id"] != first.body["id"] {
		t.Errorf("repeat: %d %v, want payment %v again", again.status, again.body, first.body["id"])
	}
	other := strings.Replace(goodPayment, `"Order 1"`, `"Order 2"`, 1)
	wantError(t, do(t, "POST", yk.URL+"/payments", "same", other, true), 400, "invalid_request", "Idempotence-Key")
	if n := len(yk.Payments()); n != 1 {
		t.Errorf("%d payments, want 1", n)
	}

	req, _ := http.NewRequest("POST", yk.URL+"/payments", strings.NewReader(goodPayment))
	req.SetBasicAuth(yookassatest.ShopID, yookassatest.SecretKey)
	req.Header.Set("Idempotence-Key", "ct")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 415 {
		t.Errorf("no Content-Type: %d, want 415", resp.StatusCode)
	}
}

func TestCreateChecksTheBodyAndTheReceipt(t *testing.T) {
	yk := yookassatest.New(t)
	for _, tc := range []struct{ name, from, to, parameter string }{
		{"amount as a number", `"value":"100.00","currency":"RUB"},"capture"`, `"value":100,"currency":"RUB"},"capture"`, ""},
		{"three decimals", `"100.00","currency":"RUB"},"capture"`, `"100.001","currency":"RUB"},"capture"`, "amount.value"},
		{"zero amount", `"100.00","currency":"RUB"},"capture"`, `"0.00","currency":"RUB"},"capture"`, "amount.value"},
		{"bad currency", `"currency":"RUB"},"capture"`, `"currency":"rub"},"capture"`, "amount.currency"},
		{"no return_url", `"return_url":"https://shop.example/back",`, ``, "confirmation.return_url"},
		{"bad locale", `"ru_RU"`, `"ru"`, "confirmation.locale"},
		{"long description", `"Order 1"`, `"` + strings.Repeat("я", 129) + `"`, "description"},
		{"no phone nor email", `"customer":{"phone":"79001234567"}`, `"customer":{"full_name":"Иван"}`, "receipt.customer"},
		{"phone with plus", `"79001234567"`, `"+79001234567"`, "receipt.customer.phone"},
		{"no vat_code", `"vat_code":1,"payment_mode":"full_payment","payment_subject":"service"`, `"payment_mode":"full_payment","payment_subject":"service"`, "receipt.items[0].vat_code"},
		{"vat_code 13", `"vat_code":1,"payment_mode":"full_payment","payment_subject":"commodity"`, `"vat_code":13,"payment_mode":"full_payment","payment_subject":"commodity"`, "receipt.items[1].vat_code"},
		{"items short of the amount", `"60.00"`, `"59.99"`, "receipt"},
		{"bad payment_subject", `"payment_subject":"service"`, `"payment_subject":"labour"`, "receipt.items[0].payment_subject"},
		{"bad payment_mode", `"payment_mode":"full_payment","payment_subject":"service"`, `"payment_mode":"full","payment_subject":"service"`, "receipt.items[0].payment_mode"},
		{"empty description", `"Работа"`, `""`, "receipt.items[0].description"},
		{"no items", `"items":[`, `"items":[],"x":[`, "receipt.items"},
	} {
		body := strings.Replace(goodPayment, tc.from, tc.to, 1)
		if body == goodPayment {
			t.Fatalf("%s: the replacement did not apply", tc.name)
		}
		a := do(t, "POST", yk.URL+"/payments", "k-"+tc.name, body, true)
		if a.status != 400 || a.body["code"] != "invalid_request" || (tc.parameter != "" && a.body["parameter"] != tc.parameter) {
			t.Errorf("%s: %d %v, want 400 about %q", tc.name, a.status, a.body, tc.parameter)
		}
	}
	if n := len(yk.Payments()); n != 0 {
		t.Errorf("%d payments made from bad requests", n)
	}

	yk.RequireReceipt()
	noReceipt := `{"amount":{"value":"1.00","currency":"RUB"},"capture":true,"confirmation":{"type":"redirect","return_url":"https://x.example/"}}`
	wantError(t, do(t, "POST", yk.URL+"/payments", "nr", noReceipt, true), 400, "invalid_request", "receipt")
}

func TestPayCancelRefund(t *testing.T) {
	yk := yookassatest.New(t)
	id := do(t, "POST", yk.URL+"/payments", "k1", goodPayment, true).body["id"].(string)

	wantError(t, do(t, "POST", yk.URL+"/payments/"+id+"/cancel", "c1", "{}", true), 400, "invalid_request", "")
	refund := `{"payment_id":"` + id + `","amount":{"value":"40.00","currency":"RUB"},"description":"part"}`
	wantError(t, do(t, "POST", yk.URL+"/refunds", "r0", refund, true), 400, "invalid_request", "payment_id")

	yk.Pay(id, "sbp")
	p, _ := yk.Payment(id)
	if p.Status != "succeeded" || !p.Paid || p.PaymentMethod.Type != "sbp" || p.CapturedAt == nil || !p.Refundable || p.ReceiptRegistration != "succeeded" {
		t.Errorf("paid: %+v", p)
	}
	wantError(t, do(t, "POST", yk.URL+"/payments/"+id+"/cancel", "c2", "{}", true), 400, "invalid_request", "")

	r := do(t, "POST", yk.URL+"/refunds", "r1", refund, true)
	if r.status != 200 || r.body["status"] != "succeeded" || r.body["payment_id"] != id {
		t.Fatalf("refund: %d %v", r.status, r.body)
	}
	g := do(t, "GET", yk.URL+"/refunds/"+r.body["id"].(string), "", "", true)
	if g.status != 200 || g.body["id"] != r.body["id"] {
		t.Errorf("get refund: %d %v", g.status, g.body)
	}
	tooMuch := strings.Replace(refund, "40.00", "60.01", 1)
	wantError(t, do(t, "POST", yk.URL+"/refunds", "r2", tooMuch, true), 400, "invalid_request", "amount.value")
	rest := strings.Replace(refund, "40.00", "60.00", 1)
	if a := do(t, "POST", yk.URL+"/refunds", "r3", rest, true); a.status != 200 {
		t.Errorf("the rest: %d %v", a.status, a.body)
	}
	p, _ = yk.Payment(id)
	if p.RefundedAmount == nil || p.RefundedAmount.Value != "100.00" || p.Refundable {
		t.Errorf("after refunds: %+v", p)
	}
	withReceipt := strings.Replace(refund, `"description":"part"`, `"receipt":{"customer":{"email":"a@b.ru"},"items":[{"description":"x","quantity":"1","amount":{"value":"39.00","currency":"RUB"},"vat_code":1}]}`, 1)
	id2 := do(t, "POST", yk.URL+"/payments", "k2", goodPayment, true).body["id"].(string)
	yk.Pay(id2, "")
	withReceipt = strings.Replace(withReceipt, id, id2, 1)
	wantError(t, do(t, "POST", yk.URL+"/refunds", "r4", withReceipt, true), 400, "invalid_request", "receipt")

	held := do(t, "POST", yk.URL+"/payments", "k3", goodPayment, true).body["id"].(string)
	yk.Authorize(held, "bank_card")
	c := do(t, "POST", yk.URL+"/payments/"+held+"/cancel", "c3", "{}", true)
	if c.status != 200 || c.body["status"] != "canceled" || c.body["cancellation_details"].(map[string]any)["reason"] != "canceled_by_merchant" {
		t.Errorf("cancel: %d %v", c.status, c.body)
	}

	expired := do(t, "POST", yk.URL+"/payments", "k4", goodPayment, true).body["id"].(string)
	yk.CancelPayment(expired)
	if p, _ := yk.Payment(expired); p.Status != "canceled" || p.CancellationDetails.Reason != "expired_on_confirmation" || p.CancellationDetails.Party != "yoo_money" {
		t.Errorf("expired: %+v", p)
	}
}

func TestNotificationAndFaults(t *testing.T) {
	yk := yookassatest.New(t)
	id := do(t, "POST", yk.URL+"/payments", "k1", goodPayment, true).body["id"].(string)
	yk.Pay(id, "")
	var n struct {
		Type, Event string
		Object      struct{ ID, Status string }
	}
	if err := json.Unmarshal(yk.Notification("payment.succeeded", id), &n); err != nil {
		t.Fatal(err)
	}
	if n.Type != "notification" || n.Event != "payment.succeeded" || n.Object.ID != id || n.Object.Status != "succeeded" {
		t.Errorf("notification %+v", n)
	}

	yk.FailNext(500)
	yk.FailNext(429)
	wantError(t, do(t, "GET", yk.URL+"/payments/"+id, "", "", true), 500, "internal_server_error", "")
	wantError(t, do(t, "POST", yk.URL+"/payments", "k9", goodPayment, true), 429, "too_many_requests", "")
	if a := do(t, "POST", yk.URL+"/payments", "k9", goodPayment, true); a.status != 200 {
		t.Errorf("after the faults: %d %v", a.status, a.body)
	}
	reqs := yk.Requests()
	if len(reqs) != 4 || reqs[1].Status != 500 || reqs[2].Status != 429 || reqs[3].IdempotenceKey != "k9" || !bytes.Contains(reqs[3].Body, []byte(`"amount"`)) {
		t.Errorf("requests %+v", reqs)
	}
}

// TestCheckoutPage: following confirmation_url, pressing Pay comes back to
// the return_url with the payment succeeded.
func TestCheckoutPage(t *testing.T) {
	yk := yookassatest.New(t)
	a := do(t, "POST", yk.URL+"/payments", "k1", goodPayment, true)
	id := a.body["id"].(string)
	pageURL := a.body["confirmation"].(map[string]any)["confirmation_url"].(string)
	resp, err := http.Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(page, []byte(`id="pay"`)) {
		t.Fatalf("page %d %s", resp.StatusCode, page)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noRedirect.PostForm(pageURL, url.Values{"orderId": {id}, "action": {"pay"}, "method": {"sberbank"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "https://shop.example/back" {
		t.Errorf("pay: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if p, _ := yk.Payment(id); p.Status != "succeeded" || p.PaymentMethod.Type != "sberbank" {
		t.Errorf("after the page: %+v", p)
	}
}
