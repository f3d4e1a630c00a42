package account

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// "Remind me by": the customer's choice per phone is shown and saved; a
// phone not theirs or an unknown choice is refused (422) and nothing
// stored; "" goes back to the branch's rule.
func TestPrivacyChannelChoice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		const phone = "+48601234567"
		seedCustomer(t, st, phone)
		app, h := newTestApp(t, st)
		ck, csrf := signIn(t, h, phone)
		do := func(method, target string, form url.Values) (*http.Response, string) {
			req := httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(ck)
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			return resp, string(b)
		}
		choice := func() string {
			c, err := st.ChannelChoice(ctx, phone)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if resp, body := do("GET", "/account/privacy", nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="choice" value="" checked`) {
			t.Fatalf("privacy page %d lacks the default choice:\n%s", resp.StatusCode, body)
		}
		resp, _ := do("POST", "/account/privacy/channel", url.Values{"_csrf": {csrf}, "phone": {phone}, "choice": {"email"}})
		if resp.StatusCode != http.StatusSeeOther || choice() != "email" {
			t.Fatalf("save: %d, choice %q", resp.StatusCode, choice())
		}
		if _, body := do("GET", "/account/privacy", nil); !strings.Contains(body, `name="choice" value="email" checked`) {
			t.Fatalf("saved choice not shown:\n%s", body)
		}
		for _, bad := range []url.Values{
			{"_csrf": {csrf}, "phone": {"+48600000000"}, "choice": {"both"}},
			{"_csrf": {csrf}, "phone": {phone}, "choice": {"pigeon"}},
		} {
			if resp, _ := do("POST", "/account/privacy/channel", bad); resp.StatusCode != http.StatusUnprocessableEntity || choice() != "email" {
				t.Fatalf("%v: %d, choice %q", bad, resp.StatusCode, choice())
			}
		}
		if resp, _ := do("POST", "/account/privacy/channel", url.Values{"phone": {phone}, "choice": {"both"}}); resp.StatusCode < 400 || choice() != "email" {
			t.Fatalf("no CSRF token: %d, choice %q", resp.StatusCode, choice())
		}
		if resp, _ := do("POST", "/account/privacy/channel", url.Values{"_csrf": {csrf}, "phone": {phone}, "choice": {""}}); resp.StatusCode != http.StatusSeeOther || choice() != "" {
			t.Fatalf("back to the branch's rule: %d, choice %q", resp.StatusCode, choice())
		}
	})
}
