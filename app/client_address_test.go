package app_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/cli"
)

// A proxy appends the address it got the request from to X-Forwarded-For
// (nginx's $proxy_add_x_forwarded_for), after whatever the client wrote
// there itself. The client is the last address before the trusted
// proxies, never the first, which anyone can write: else the per-IP limit
// of sign-in codes (10 an hour) is beaten by a new made-up address each
// time.
func TestSignInLimitPerIPSurvivesForgedForwardedFor(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		// The sign-in form's login-CSRF pair: its pre-session cookie and token.
		resp := h.Do(t, httptest.NewRequest(http.MethodGet, "/account/sign-in", nil))
		body, _ := io.ReadAll(resp.Body)
		m := signInToken.FindStringSubmatch(string(body))
		if resp.StatusCode != http.StatusOK || m == nil || len(resp.Cookies()) == 0 {
			t.Fatalf("sign-in page: %d", resp.StatusCode)
		}
		pre := resp.Cookies()[0]
		send := func(i int, forwarded string) int {
			form := url.Values{"phone": {fmt.Sprintf("+7916555%04d", i)}, "_csrf": {m[1]}}
			req := httptest.NewRequest(http.MethodPost, "/account/sign-in", strings.NewReader(form.Encode()))
			req.AddCookie(pre)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", forwarded)
			req.Header.Set("X-Naryad-Client-Ip", fmt.Sprintf("192.0.2.%d", i+1)) // the hub's own header, forged
			return h.Do(t, req).StatusCode
		}
		// The client at 198.51.100.9 forges a new first address each time;
		// the trusted proxy (the test's peer, 0.0.0.0) and one inner proxy
		// (10.0.0.2) append theirs.
		for i := 0; i < 10; i++ {
			if code := send(i, fmt.Sprintf("203.0.113.%d, 198.51.100.9, 10.0.0.2", i+1)); code != http.StatusSeeOther {
				t.Fatalf("code %d: %d", i+1, code)
			}
		}
		if code := send(10, "203.0.113.99, 198.51.100.9, 10.0.0.2"); code != http.StatusTooManyRequests {
			t.Fatalf("11th code from one client behind forged X-Forwarded-For: %d, want 429", code)
		}
		// Another client behind the same proxies is not limited by it.
		if code := send(11, "198.51.100.10, 10.0.0.2"); code != http.StatusSeeOther {
			t.Fatalf("another client: %d", code)
		}
		// A client talking to the hub directly (not a trusted proxy) names
		// nobody with the header: the test peer is trusted here, so this
		// is covered by TestClientAddressFromTrustedProxyOnly.
	}, func(c *cli.Config) { c.TrustedProxies = "0.0.0.0/32, 10.0.0.0/8" })
}
