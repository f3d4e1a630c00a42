package account_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/web/account"
)

// Through the whole hub: a NUL or broken UTF-8 in a booking form is a 400
// before any handler (forminput), nothing stored; the directory is public
// and carries the account pages' security headers.
func TestBookingThroughTheHub(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		vehicle := seedBookableBranch(t, h)
		token := accountSession(t, h.Store, "+79161234567")
		send := func(req *http.Request) (*http.Response, string) {
			t.Helper()
			req.AddCookie(&http.Cookie{Name: account.SessionCookie, Value: token})
			resp := h.Do(t, req)
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp, string(body)
		}
		steps := "/account/book?branch=MSK1&vehicle=" + strconv.FormatInt(vehicle, 10)
		if resp, _ := send(httptest.NewRequest(http.MethodGet, steps+"&sd=1&note=%00", nil)); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("NUL in a step's query: %d", resp.StatusCode)
		}
		if resp, _ := send(httptest.NewRequest(http.MethodGet, steps+"&sd=1&note=%ff%fe", nil)); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("broken UTF-8 in a step's query: %d", resp.StatusCode)
		}
		form := url.Values{"branch": {"MSK1"}, "vehicle": {strconv.FormatInt(vehicle, 10)}, "sd": {"1"}, "svc": {"to"},
			"note": {"a\x00b"}, "at": {"2099-01-01T10:00"}, "request_key": {"k"}}
		req := httptest.NewRequest(http.MethodPost, "/account/book", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, _ := send(req); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("NUL in the booking form: %d", resp.StatusCode)
		}
		var n int64
		if err := h.Store.Gorm(context.Background()).Raw(`SELECT COUNT(*) FROM bookings`).Scan(&n).Error; err != nil || n != 0 {
			t.Fatalf("%d bookings stored (%v)", n, err)
		}
		resp := h.Do(t, httptest.NewRequest(http.MethodGet, "/account/branches", nil))
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("directory: %d %v", resp.StatusCode, resp.Header)
		}
	})
}
