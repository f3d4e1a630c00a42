package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/staff"
	"naryad/hub/store"
)

const password = "s3cret-pass-word"

// browser is one signed-in staff user.
type browser = apptest.Client

func signIn(t *testing.T, h *apptest.Hub, login, role string) *browser {
	t.Helper()
	_, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{
		Login: login, Name: login, Role: role, Password: password, BranchIDs: []int64{h.Branch.ID},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := h.NewClient(t)
	b.Lang = "en" // the expected words below are English; admin_words_test.go checks ru and pl
	return b.SignIn(login, password)
}

var routes = []struct{ method, path string }{
	{http.MethodGet, "/admin"},
	{http.MethodGet, "/admin/users"},
	{http.MethodPost, "/admin/users"},
	{http.MethodGet, "/admin/branches"},
	{http.MethodPost, "/admin/branches"},
	{http.MethodGet, "/admin/statuses"},
	{http.MethodPost, "/admin/statuses"},
	{http.MethodGet, "/admin/templates"},
	{http.MethodPost, "/admin/templates"},
	{http.MethodGet, "/admin/tokens"},
	{http.MethodPost, "/admin/tokens"},
	{http.MethodPost, "/admin/tokens/revoke"},
	{http.MethodGet, "/admin/reminders"},
	{http.MethodPost, "/admin/reminders/tasks/done"},
}

func TestAdminOnly(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		advisor := signIn(t, h, "anna", store.RoleAdvisor)
		admin := signIn(t, h, "root", store.RoleAdmin)
		for _, r := range routes {
			var form url.Values
			if r.method == http.MethodPost {
				form = url.Values{}
			}
			if r.method == http.MethodPost {
				if resp, _ := advisor.Post(r.path, form); resp.StatusCode != http.StatusForbidden {
					t.Errorf("advisor %s %s: %d", r.method, r.path, resp.StatusCode)
				}
				if resp, _ := admin.Do(r.method, r.path, url.Values{"name": {"x"}}); resp.StatusCode != http.StatusForbidden {
					t.Errorf("admin without csrf %s %s: %d", r.method, r.path, resp.StatusCode)
				}
				continue
			}
			if resp, _ := advisor.Do(r.method, r.path, nil); resp.StatusCode != http.StatusForbidden {
				t.Errorf("advisor %s %s: %d", r.method, r.path, resp.StatusCode)
			}
			resp, page := admin.Do(r.method, r.path, nil)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("admin %s %s: %d\n%s", r.method, r.path, resp.StatusCode, page)
			}
		}
		if n := audits(t, h, store.AuditAdminChanged); n != 0 {
			t.Errorf("%d audit rows after refused requests", n)
		}
	})
}

// audits counts the audit rows of an action.
func audits(t *testing.T, h *apptest.Hub, action string) int {
	t.Helper()
	log, err := h.Store.AuditLog(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == action {
			n++
		}
	}
	return n
}
