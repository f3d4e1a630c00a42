package admin_test

import (
	"net/http"
	"net/url"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/store"
)

// A branch or user that does not exist is a 404 in the admin's language
// on every page issue #18 added; without the form token, a 403.
func TestAdminNewPagesRefuseUnknownIDsInTheUsersLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		admin := signIn(t, h, "root", store.RoleAdmin)
		admin.Lang = "ru"
		for _, c := range []struct{ method, path, want string }{
			{http.MethodGet, "/admin/branches/999999/sla", "Такого филиала нет."},
			{http.MethodPost, "/admin/branches/999999/sla", "Такого филиала нет."},
			{http.MethodPost, "/admin/branches/abc/region", "Такого филиала нет."},
			{http.MethodPost, "/admin/assign/branches/999999", "Такого филиала нет."},
			{http.MethodPost, "/admin/assign/users/999999", "Такого пользователя нет."},
			{http.MethodPost, "/admin/users/999999/locale", "Такого пользователя нет."},
		} {
			var resp *http.Response
			var page string
			if c.method == http.MethodGet {
				resp, page = admin.Do(c.method, c.path, nil)
			} else {
				resp, page = admin.Post(c.path, url.Values{"mode": {"round_robin"}, "locale": {"en"}, "region": {"x"}})
			}
			if resp.StatusCode != http.StatusNotFound || page != c.want {
				t.Errorf("%s %s: %d %q, want 404 %q", c.method, c.path, resp.StatusCode, page, c.want)
			}
			if c.method == http.MethodPost {
				if resp, _ := admin.Do(c.method, c.path, url.Values{"mode": {"round_robin"}}); resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s without csrf: %d", c.path, resp.StatusCode)
				}
			}
		}
	})
}
