package customer_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
)

// "All my cars" on a work-order page signs the link's phone in to its
// account; without the page's session and CSRF it does nothing.
func TestAllMyCarsSignsIn(t *testing.T) {
	secEachHub(t, func(t *testing.T, h *apptest.Hub) {
		o := secPushOrder(t, h, "A-1", nil)
		send := secInProcess(h)
		v := secOpen(t, send, o.Path)
		resp := secGet(t, send, o.Path, v.cookie)
		if body := secBody(t, resp); !strings.Contains(body, `action="`+o.Path+`/account"`) || !strings.Contains(body, "Все мои автомобили") {
			t.Fatalf("the page has no \"all my cars\" button")
		}
		if resp := secPostForm(t, send, o.Path+"/account", v.cookie, url.Values{"csrf": {"forged"}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("forged CSRF: %d", resp.StatusCode)
		}
		resp = secPostForm(t, send, o.Path+"/account", v.cookie, url.Values{"csrf": {v.csrf}})
		var token string
		for _, c := range resp.Cookies() {
			if c.Name == "nrd_a" {
				token = c.Value
			}
		}
		secExpectRedirect(t, resp, "/account")
		acc, _, err := h.Store.AccountBySession(context.Background(), token, time.Now())
		if err != nil {
			t.Fatalf("no account session: %v", err)
		}
		phones, err := h.Store.AccountPhones(context.Background(), acc.ID)
		if err != nil || len(phones) != 1 || phones[0] != o.Thread.Phone {
			t.Fatalf("account phones %v, want the thread's %s (%v)", phones, o.Thread.Phone, err)
		}
	})
}

// "All my cars" in a browser already signed in to the link's phone's
// account ("remember this phone") keeps that session: a new one, which
// lasts only until the browser closes, would quietly undo "remember".
// A browser signed in to another account is signed in to the link's.
func TestAllMyCarsKeepsARememberedSession(t *testing.T) {
	secEachHub(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		o := secPushOrder(t, h, "A-1", nil)
		send := secInProcess(h)
		v := secOpen(t, send, o.Path)
		session := func(phone string) string {
			t.Helper()
			acc, err := h.Store.AccountForVerifiedPhone(ctx, phone, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			token, err := h.Store.CreateAccountSession(ctx, acc.ID, true, "test", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			return token
		}
		post := func(accountToken string) *http.Response {
			t.Helper()
			req := secRequest(t, http.MethodPost, o.Path+"/account", v.cookie, url.Values{"csrf": {v.csrf}}, "")
			req.Header.Set("Cookie", "nrd_c="+v.cookie+"; nrd_a="+accountToken)
			return send(t, req)
		}
		setsSession := func(resp *http.Response) bool {
			for _, c := range resp.Cookies() {
				if c.Name == "nrd_a" {
					return true
				}
			}
			return false
		}

		remembered := session(o.Thread.Phone)
		resp := post(remembered)
		if setsSession(resp) {
			t.Errorf("a remembered session of the link's phone was replaced: %q", resp.Header.Values("Set-Cookie"))
		}
		secExpectRedirect(t, resp, "/account")
		if _, _, err := h.Store.AccountBySession(ctx, remembered, time.Now()); err != nil {
			t.Fatalf("the remembered session ended: %v", err)
		}

		resp = post(session("+48601234567"))
		if !setsSession(resp) {
			t.Errorf("another account's session was kept for the link's phone")
		}
		secExpectRedirect(t, resp, "/account")
	})
}
