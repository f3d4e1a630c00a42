package admin_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/server/servertest"
	"naryad/hub/staff"
	"naryad/hub/store"
)

const password = "s3cret-pass-word"

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// browser is one signed-in staff user.
type browser struct {
	t       *testing.T
	app     *fiber.App
	cookies map[string]*http.Cookie
	csrf    string
}

func signIn(t *testing.T, h *servertest.Hub, login, role string) *browser {
	t.Helper()
	_, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{
		Login: login, Name: login, Role: role, Password: password, BranchIDs: []int64{h.Branch.ID},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, app: h.Server.App(), cookies: map[string]*http.Cookie{}}
	_, page := b.do(http.MethodGet, "/login", nil)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field on the login page:\n%s", page)
	}
	resp, _ := b.do(http.MethodPost, "/login", url.Values{"login": {login}, "password": {password}, "csrf": {m[1]}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", login, resp.StatusCode)
	}
	_, page = b.do(http.MethodGet, "/inbox", nil)
	if m = csrfField.FindStringSubmatch(page); m == nil {
		t.Fatalf("no csrf on the inbox:\n%s", page)
	}
	b.csrf = m[1]
	return b
}

func (b *browser) do(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range b.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := b.app.Test(req, -1)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return resp, string(raw)
}

// post sends a form with the session's CSRF token.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	form.Set("csrf", b.csrf)
	return b.do(http.MethodPost, path, form)
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
}

func TestAdminOnly(t *testing.T) {
	servertest.Each(t, func(t *testing.T, h *servertest.Hub) {
		advisor := signIn(t, h, "anna", store.RoleAdvisor)
		admin := signIn(t, h, "root", store.RoleAdmin)
		for _, r := range routes {
			var form url.Values
			if r.method == http.MethodPost {
				form = url.Values{}
			}
			if r.method == http.MethodPost {
				if resp, _ := advisor.post(r.path, form); resp.StatusCode != http.StatusForbidden {
					t.Errorf("advisor %s %s: %d", r.method, r.path, resp.StatusCode)
				}
				if resp, _ := admin.do(r.method, r.path, url.Values{"name": {"x"}}); resp.StatusCode != http.StatusForbidden {
					t.Errorf("admin without csrf %s %s: %d", r.method, r.path, resp.StatusCode)
				}
				continue
			}
			if resp, _ := advisor.do(r.method, r.path, nil); resp.StatusCode != http.StatusForbidden {
				t.Errorf("advisor %s %s: %d", r.method, r.path, resp.StatusCode)
			}
			resp, page := admin.do(r.method, r.path, nil)
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
func audits(t *testing.T, h *servertest.Hub, action string) int {
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

// wantRedirect checks a change answered 303 to location and that the page
// there says done.
func wantRedirect(t *testing.T, b *browser, resp *http.Response, page, location, done string) {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != location {
		t.Fatalf("status %d location %q:\n%s", resp.StatusCode, resp.Header.Get("Location"), page)
	}
	_, page = b.do(http.MethodGet, location, nil)
	if !strings.Contains(page, done) {
		t.Errorf("%s lacks %q:\n%s", location, done, page)
	}
}

func wantRefused(t *testing.T, resp *http.Response, page, problem string) {
	t.Helper()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, problem) {
		t.Errorf("status %d, want 400 with %q:\n%s", resp.StatusCode, problem, page)
	}
}
