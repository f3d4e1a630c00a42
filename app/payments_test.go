package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"naryad/app/apptest"
)

// The hub mounts the payment providers' webhook: an address no branch has
// is a 404 in the exchange API's JSON error shape, and a body over the
// small-body limit never reaches it.
func TestPaymentWebhookIsMounted(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		post := func(body string) (int, string) {
			req := httptest.NewRequest(http.MethodPost, "/api/payments/stripe/no-such-key", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp := h.Do(t, req)
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(raw)
		}
		status, raw := post(`{"id":"evt_1"}`)
		var answer map[string]string
		if status != http.StatusNotFound || json.Unmarshal([]byte(raw), &answer) != nil || answer["error"] != "unknown webhook address" {
			t.Fatalf("unknown webhook address: %d %s", status, raw)
		}
		if status, raw := post(`{"pad":"` + strings.Repeat("x", 70<<10) + `"}`); status != http.StatusRequestEntityTooLarge {
			t.Fatalf("a large body: %d %s", status, raw)
		}
	})
}
