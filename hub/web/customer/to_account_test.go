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
