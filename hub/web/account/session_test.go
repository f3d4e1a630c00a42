package account

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestRequireAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		app, h := newTestApp(t, st)
		app.Get("/account/probe", h.requireAccount, func(c *fiber.Ctx) error {
			return c.SendString(strings.Join(h.current(c).Phones, ","))
		})
		app.Post("/account/probe", h.requireAccount, func(c *fiber.Ctx) error { return c.SendString("posted") })
		do := func(method, target, body string, ck *http.Cookie) *http.Response {
			req := httptest.NewRequest(method, target, strings.NewReader(body))
			if body != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if ck != nil {
				req.AddCookie(ck)
			}
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}

		resp := do("GET", "/account/probe?x=1", "", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != SignInPath+"?next="+url.QueryEscape("/account/probe?x=1") {
			t.Fatalf("signed out: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp := do("GET", "/account/probe", "", &http.Cookie{Name: SessionCookie, Value: "nrd_forged"}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("forged cookie: %d", resp.StatusCode)
		}
		ck, csrf := signIn(t, h, "+79161234567")
		if resp := do("GET", "/account/probe", "", ck); resp.StatusCode != http.StatusOK {
			t.Fatalf("signed in: %d", resp.StatusCode)
		}
		if resp := do("POST", "/account/probe", "a=1", ck); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("post without CSRF: %d", resp.StatusCode)
		}
		if resp := do("POST", "/account/probe", "_csrf="+url.QueryEscape(csrf), ck); resp.StatusCode != http.StatusOK {
			t.Fatalf("post with CSRF: %d", resp.StatusCode)
		}
		if resp := do("POST", "/account/probe", "_csrf="+url.QueryEscape(csrf), nil); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("post signed out: %d", resp.StatusCode)
		}
	})
}

func TestTextsComplete(t *testing.T) {
	texts, err := mergeTexts()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locales {
		if texts[l]["sign_out"] == "" {
			t.Fatalf("%s lacks the layout's words", l)
		}
	}
}
