package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/internal/stripemock"
)

// The hub mounts the identity providers' webhook at the address the admin
// page shows: a genuine event about nothing the hub tracks is a 200, a
// forged one a 400, an address no branch has a 404, and a body over the
// small-body limit never reaches it.
func TestIdentityWebhookIsMounted(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		const whsec = "whsec_mounted"
		if err := h.Server.Identity().Configure(ctx, h.Branch.ID, hub.IdentitySetup{SecretKey: "sk_test_mounted", WebhookSecret: whsec}); err != nil {
			t.Fatal(err)
		}
		u, err := h.Server.Identity().WebhookURL(ctx, h.Branch.ID)
		if err != nil || !strings.HasPrefix(u, h.Config.BaseURL()+"/api/identity/stripe/") {
			t.Fatalf("webhook address %q, %v", u, err)
		}
		path := strings.TrimPrefix(u, h.Config.BaseURL())
		body := stripemock.ObjectEvent("evt_m", "identity.verification_session.verified", "identity.verification_session",
			map[string]any{"id": "vs_m", "status": "verified", "metadata": map[string]any{"naryad_reference": "loan-424242"}})
		post := func(path string, body []byte, secret string) int {
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(string(body)))
			for k, v := range stripemock.Signed(secret, body, time.Now()) {
				req.Header[k] = v
			}
			resp := h.Do(t, req)
			resp.Body.Close()
			return resp.StatusCode
		}
		for _, c := range []struct {
			name, path, secret string
			body               []byte
			want               int
		}{
			{"genuine, unknown loan", path, whsec, body, http.StatusOK},
			{"forged", path, "whsec_other", body, http.StatusBadRequest},
			{"unknown address", "/api/identity/stripe/no-such-key", whsec, body, http.StatusNotFound},
			{"large", path, whsec, []byte(`{"pad":"` + strings.Repeat("x", 70<<10) + `"}`), http.StatusRequestEntityTooLarge},
		} {
			if got := post(c.path, c.body, c.secret); got != c.want {
				t.Errorf("%s: %d, want %d", c.name, got, c.want)
			}
		}
	})
}
