package stripemock

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// call posts a form (or GETs when form is nil) to the proxy.
func call(t *testing.T, s *Server, method, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("sk_test_123", "")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var obj map[string]any
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&obj); err != nil {
		t.Fatalf("%s %s: HTTP %d, not JSON: %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, obj
}

func TestProxyForwardsRecordsPatchesAndFails(t *testing.T) {
	s := Start(t)

	// Forwarded: stripe-mock validates, so a bad parameter is refused.
	status, obj := call(t, s, http.MethodPost, "/v1/refunds", url.Values{"payment_intent": {"pi_1"}, "amount": {"abc"}})
	if status != http.StatusBadRequest || obj["error"] == nil {
		t.Fatalf("a non-numeric amount: HTTP %d %v, want stripe-mock's 400", status, obj)
	}
	status, obj = call(t, s, http.MethodPost, "/v1/refunds", url.Values{"payment_intent": {"pi_1"}, "amount": {"700"}})
	if status != http.StatusOK || obj["object"] != "refund" || obj["amount"] != float64(700) {
		t.Fatalf("refund: HTTP %d %v", status, obj)
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[1].Method != http.MethodPost || reqs[1].Path != "/v1/refunds" || reqs[1].Form.Get("amount") != "700" {
		t.Fatalf("recorded %+v", reqs)
	}

	// Patched: merged into stripe-mock's answer, nested objects key by key.
	s.Patch(http.MethodGet, "/v1/checkout/sessions/cs_1", map[string]any{
		"status":         "complete",
		"payment_intent": map[string]any{"status": "succeeded"},
	})
	status, obj = call(t, s, http.MethodGet, "/v1/checkout/sessions/cs_1?expand[]=payment_intent", nil)
	pi, _ := obj["payment_intent"].(map[string]any)
	if status != http.StatusOK || obj["status"] != "complete" || pi["status"] != "succeeded" || pi["object"] != "payment_intent" {
		t.Fatalf("patched session: HTTP %d status=%v payment_intent=%v", status, obj["status"], obj["payment_intent"])
	}
	if _, obj = call(t, s, http.MethodGet, "/v1/checkout/sessions/cs_2", nil); obj["status"] == "complete" {
		t.Fatal("the patch of cs_1 changed cs_2")
	}

	// Failed: Stripe's error shape, stripe-mock not asked.
	s.Fail(http.MethodPost, "/v1/refunds", http.StatusPaymentRequired, "charge_already_refunded", "already refunded")
	before := len(s.Requests())
	status, obj = call(t, s, http.MethodPost, "/v1/refunds", url.Values{"payment_intent": {"pi_1"}})
	e, _ := obj["error"].(map[string]any)
	if status != http.StatusPaymentRequired || e["code"] != "charge_already_refunded" || e["type"] != "invalid_request_error" {
		t.Fatalf("failed refund: HTTP %d %v", status, obj)
	}
	if len(s.Requests()) != before+1 {
		t.Fatal("a failed call was not recorded")
	}

	s.Clear(http.MethodPost, "/v1/refunds")
	s.Clear(http.MethodGet, "/v1/checkout/sessions/cs_1")
	if status, _ = call(t, s, http.MethodPost, "/v1/refunds", url.Values{"payment_intent": {"pi_1"}}); status != http.StatusOK {
		t.Fatalf("after Clear: HTTP %d", status)
	}
	if _, obj = call(t, s, http.MethodGet, "/v1/checkout/sessions/cs_1", nil); obj["status"] == "complete" {
		t.Fatal("the patch outlived Clear")
	}
}
