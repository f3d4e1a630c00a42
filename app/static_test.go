package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

var assetRef = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// Every page links its CSS and scripts at addresses that change with their
// bytes, so browsers keep them for a year and still get a new release.
func TestPagesLinkVersionedStaticFilesCachedForAYear(t *testing.T) {
	h := apptest.Start(t, storetest.SQLite(t))
	ctx := context.Background()
	h.PushWorkOrder(t, "wo-1", "АА-1", 1, "В работе", nil)
	if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "root", Name: "Админ", Role: store.RoleAdmin,
		Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
		t.Fatal(err)
	}
	admin := h.NewClient(t)
	_, login := admin.Do(http.MethodGet, "/login", nil)
	admin.SignIn("root", "s3cret-pass-word")
	pages := map[string]string{"/login": login}
	for _, path := range []string{"/inbox", fmt.Sprintf("/inbox/threads/%d", h.Thread(t, "АА-1").ID), "/mechanic",
		"/admin", "/reports", "/lockers"} {
		resp, body := admin.Do(http.MethodGet, path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		pages[path] = body
	}
	customer := h.Do(t, httptest.NewRequest(http.MethodGet, h.CustomerPath(t, "АА-1"), nil))
	body, _ := io.ReadAll(customer.Body)
	customer.Body.Close()
	pages["customer page"] = string(body)

	for page, html := range pages {
		refs := assetRef.FindAllStringSubmatch(html, -1)
		if len(refs) == 0 {
			t.Errorf("%s links no static file", page)
		}
		for _, ref := range refs {
			url := strings.ReplaceAll(ref[1], "&amp;", "&")
			if !regexp.MustCompile(`\?v=[0-9a-f]{16}$`).MatchString(url) {
				t.Errorf("%s links %s without its version", page, url)
				continue
			}
			resp := h.Do(t, httptest.NewRequest(http.MethodGet, url, nil))
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
				t.Errorf("%s: %s answers %d, Cache-Control %q", page, url, resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
		}
	}
}
