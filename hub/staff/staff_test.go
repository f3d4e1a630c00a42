package staff_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

const password = "s3cret-pass-word"

// browser keeps cookies between requests to one hub, as a browser would.
type browser = apptest.Client

func newBrowser(t *testing.T, h *apptest.Hub) *browser {
	b := h.NewClient(t)
	b.Lang = "en"
	return b
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrfOf is the token of the form on a page.
func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field on the page:\n%s", page)
	}
	return m[1]
}

// login opens the login page and posts the form.
func login(t *testing.T, b *browser, login, pw string) (*http.Response, string) {
	t.Helper()
	_, page := b.Do(http.MethodGet, "/login", nil)
	return b.Do(http.MethodPost, "/login", url.Values{"login": {login}, "password": {pw}, "csrf": {csrfOf(t, page)}})
}

func addUser(t *testing.T, h *apptest.Hub, login string) store.User {
	t.Helper()
	u, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{
		Login: login, Name: "Анна Петрова", Role: store.RoleAdvisor, Password: password, BranchIDs: []int64{h.Branch.ID},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// audited counts audit rows with this action (and user, when not nil).
func audited(t *testing.T, h *apptest.Hub, action string) []store.AuditEntry {
	t.Helper()
	all, err := h.Store.AuditLog(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.AuditEntry
	for _, e := range all {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

func TestLoginInboxLogout(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		u := addUser(t, h, "Anna")
		b := newBrowser(t, h)
		resp, _ := b.Do(http.MethodGet, "/inbox", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("inbox without session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := login(t, b, "ANNA", password)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/inbox" {
			t.Fatalf("login: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		c := b.Cookies["nrd_staff"]
		if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || !c.Secure || len(c.Value) < 43 {
			t.Fatalf("session cookie: %+v", c)
		}
		if _, err := h.Store.SessionByHash(context.Background(), hub.HashToken(c.Value)); err != nil {
			t.Fatalf("session not stored by hash: %v", err)
		}
		resp, page := b.Do(http.MethodGet, "/inbox", nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `<a class="me" href="/profile" title="Profile">Анна Петрова</a> <span class="role">(advisor), branches: MSK1`) {
			t.Fatalf("inbox: %d\n%s", resp.StatusCode, page)
		}
		if resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Fatalf("security headers: %v", resp.Header)
		}
		if got := audited(t, h, store.AuditLogin); len(got) != 1 || got[0].UserID == nil || *got[0].UserID != u.ID || got[0].Subject != "anna" {
			t.Fatalf("login audit: %+v", got)
		}

		// Logout needs the form's token; then the old cookie opens nothing.
		old := c.Value
		if resp, _ := b.Do(http.MethodPost, "/logout", url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("logout without csrf: %d", resp.StatusCode)
		}
		resp, _ = b.Do(http.MethodPost, "/logout", url.Values{"csrf": {csrfOf(t, page)}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("logout: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if b.Cookies["nrd_staff"] != nil {
			t.Fatal("logout left the session cookie")
		}
		b.Cookies["nrd_staff"] = &http.Cookie{Name: "nrd_staff", Value: old}
		resp, _ = b.Do(http.MethodGet, "/inbox", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("old cookie after logout: %d", resp.StatusCode)
		}
		if got := audited(t, h, store.AuditLogout); len(got) != 1 {
			t.Fatalf("logout audit: %+v", got)
		}
	})
}

func TestWrongPasswordAndUnknownLoginLookAlike(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		u := addUser(t, h, "anna")
		b := newBrowser(t, h)
		r1, wrong := login(t, b, "anna", "not-the-password")
		r2, unknown := login(t, b, "zorro", password)
		if r1.StatusCode != http.StatusUnauthorized || r2.StatusCode != r1.StatusCode {
			t.Fatalf("statuses %d and %d", r1.StatusCode, r2.StatusCode)
		}
		if strings.ReplaceAll(wrong, "anna", "X") != strings.ReplaceAll(unknown, "zorro", "X") {
			t.Fatalf("answers differ:\n%s\n---\n%s", wrong, unknown)
		}
		if !strings.Contains(wrong, "Wrong login or password") || b.Cookies["nrd_staff"] != nil {
			t.Fatalf("failure page:\n%s", wrong)
		}
		got := audited(t, h, store.AuditLoginFailed)
		if len(got) != 2 || got[0].Subject != "zorro" || got[0].UserID != nil || got[1].UserID == nil || *got[1].UserID != u.ID {
			t.Fatalf("failure audit: %+v", got)
		}
	})
}

func TestLoginNeedsCSRF(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		addUser(t, h, "anna")
		b := newBrowser(t, h)
		_, page := b.Do(http.MethodGet, "/login", nil)
		token := csrfOf(t, page)
		cases := []struct {
			name  string
			csrf  string
			clear bool
		}{
			{"missing token", "", false},
			{"wrong token", token + "x", false},
			{"no pre-session cookie", token, true},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				saved := b.Cookies["nrd_login"]
				if c.clear {
					delete(b.Cookies, "nrd_login")
					defer func() { b.Cookies["nrd_login"] = saved }()
				}
				resp, _ := b.Do(http.MethodPost, "/login", url.Values{"login": {"anna"}, "password": {password}, "csrf": {c.csrf}})
				if resp.StatusCode != http.StatusForbidden || b.Cookies["nrd_staff"] != nil {
					t.Fatalf("status %d, cookies %v", resp.StatusCode, b.Cookies)
				}
			})
		}
	})
}

func TestLockoutAfterFiveFailures(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		u := addUser(t, h, "anna")
		b := newBrowser(t, h)
		for i := range 5 {
			if resp, _ := login(t, b, "anna", "wrong-password"); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, resp.StatusCode)
			}
		}
		if got := audited(t, h, store.AuditLoginLocked); len(got) != 1 || *got[0].UserID != u.ID {
			t.Fatalf("lock audit: %+v", got)
		}
		if resp, _ := login(t, b, "anna", password); resp.StatusCode != http.StatusUnauthorized || b.Cookies["nrd_staff"] != nil {
			t.Fatalf("right password while locked: %d", resp.StatusCode)
		}
		past := time.Now().Add(-time.Second)
		if err := h.Store.SetLockedUntil(context.Background(), u.ID, &past); err != nil {
			t.Fatal(err)
		}
		if resp, _ := login(t, b, "anna", password); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("right password after the lock passed: %d", resp.StatusCode)
		}
		got, _ := h.Store.UserByLogin(context.Background(), "anna")
		if got.LockedUntil != nil || got.FailedLogins != 0 {
			t.Fatalf("lock not cleared by a good login: %+v", got)
		}
	})
}

func TestExpiredSessionGoesToLogin(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		addUser(t, h, "anna")
		ctx := context.Background()
		cases := []struct {
			name   string
			expire func(s store.StaffSession) error
		}{
			{"absolute", func(s store.StaffSession) error {
				return h.Store.SetSessionExpiry(ctx, s.ID, time.Now().Add(-time.Minute))
			}},
			{"idle", func(s store.StaffSession) error {
				return h.Store.TouchSession(ctx, s.ID, time.Now().Add(-staff.SessionIdle-time.Minute))
			}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				b := newBrowser(t, h)
				if resp, _ := login(t, b, "anna", password); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("login: %d", resp.StatusCode)
				}
				sess, err := h.Store.SessionByHash(ctx, hub.HashToken(b.Cookies["nrd_staff"].Value))
				if err != nil {
					t.Fatal(err)
				}
				if resp, _ := b.Do(http.MethodGet, "/inbox", nil); resp.StatusCode != http.StatusOK {
					t.Fatalf("inbox before expiry: %d", resp.StatusCode)
				}
				if err := c.expire(sess); err != nil {
					t.Fatal(err)
				}
				resp, _ := b.Do(http.MethodGet, "/inbox", nil)
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
					t.Fatalf("inbox after expiry: %d %s", resp.StatusCode, resp.Header.Get("Location"))
				}
				if _, err := h.Store.SessionByHash(ctx, sess.TokenHash); err == nil {
					t.Fatal("expired session kept")
				}
			})
		}
	})
}

func TestLoginRateLimitPerIP(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		b := newBrowser(t, h)
		for i := range 20 {
			if resp, _ := b.Do(http.MethodPost, "/login", url.Values{"login": {"x"}}); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
			}
		}
		if resp, _ := b.Do(http.MethodPost, "/login", url.Values{"login": {"x"}}); resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("attempt 21: %d, want 429", resp.StatusCode)
		}
	})
}

func TestLoginPageSpeaksRussian(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		req := httptest.NewRequest(http.MethodGet, "/login", nil)
		req.Header.Set("Accept-Language", "ru-RU,ru;q=0.9,en;q=0.5")
		resp := h.Do(t, req)
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), "Вход для сотрудников") || !strings.Contains(string(raw), `name="password"`) {
			t.Fatalf("%d\n%s", resp.StatusCode, raw)
		}
	})
}
