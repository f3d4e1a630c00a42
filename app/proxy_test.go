package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub/store/storetest"
)

// The customer's address (rate limits, decision evidence) comes from
// X-Forwarded-For only when the request came through a trusted proxy.
func TestClientAddressFromTrustedProxyOnly(t *testing.T) {
	for _, trusted := range []string{"", "0.0.0.0/0"} {
		h := apptest.Start(t, storetest.SQLite(t), func(c *cli.Config) { c.TrustedProxies = trusted })
		h.PushWorkOrder(t, "e1", "АА-1", 1, "Принят", map[string]any{"lines": []any{
			map[string]any{"id": "1", "kind": "part", "name": "Колодки", "qty": 1, "unit_price": "100", "needs_approval": true}}})
		path := h.CustomerPath(t, "АА-1")
		page := h.Do(t, httptest.NewRequest(http.MethodGet, path, nil))
		cookie := page.Cookies()[0]
		body, _ := io.ReadAll(page.Body)
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(body))[1]
		version := regexp.MustCompile(`name="version" value="([^"]+)"`).FindStringSubmatch(string(body))[1]
		var lineID int64
		h.Store.Gorm(context.Background()).Table("work_order_lines").Select("id").Scan(&lineID)
		form := url.Values{"csrf": {csrf}, "version": {version}, fmt.Sprintf("line_%d", lineID): {"approved"}}
		req := httptest.NewRequest(http.MethodPost, path+"/estimate", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113.7, 10.0.0.1")
		req.AddCookie(cookie)
		if resp := h.Do(t, req); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("decide: status %d", resp.StatusCode)
		}
		var ip string
		h.Store.Gorm(context.Background()).Table("work_order_lines").Select("decided_ip").Scan(&ip)
		if want := map[string]bool{"": false, "0.0.0.0/0": true}[trusted]; (ip == "203.0.113.7") != want {
			t.Errorf("trusted proxies %q: decided_ip %q", trusted, ip)
		}
	}
}
