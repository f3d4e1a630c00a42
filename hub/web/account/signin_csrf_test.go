package account

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// Another site cannot post a phone or a code for the visitor: every
// sign-in post must bring the token of the browser's own pre-session
// cookie, and one without it changes nothing.
func TestSignInLoginCSRF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newSignInRig(t, st)
		const phone = "+79165550101"
		codes := func() int64 {
			var n int64
			if err := st.Gorm(context.Background()).Model(&store.SignInCode{}).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		other, otherToken := r.openSignIn() // another browser (the attacker's own visit)
		if other.Value == r.pre.Value || otherToken == r.token {
			t.Fatal("two browsers got the same pre-session")
		}
		if again, token := r.openSignIn(r.pre); again.Value != r.pre.Value || token != r.token {
			t.Fatal("the sign-in page replaced the browser's pre-session")
		}

		forged := []struct {
			name    string
			form    url.Values
			cookies []*http.Cookie
		}{
			{"no cookie, no token", url.Values{"phone": {phone}, "_csrf": {""}}, nil},
			{"cookie, no token", url.Values{"phone": {phone}, "_csrf": {""}}, []*http.Cookie{r.pre}},
			{"token, no cookie", url.Values{"phone": {phone}, "_csrf": {r.token}}, nil},
			{"another browser's token", url.Values{"phone": {phone}, "_csrf": {otherToken}}, []*http.Cookie{r.pre}},
			{"a made-up cookie with its MAC unknown", url.Values{"phone": {phone}, "_csrf": {r.token}}, []*http.Cookie{{Name: r.h.preSessionCookie(), Value: "x"}}},
		}
		for _, f := range forged {
			resp, body := r.post("/account/sign-in", f.form, "", f.cookies...)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, r.h.t("en", "signin_csrf")) || !formToken.MatchString(body) {
				t.Fatalf("%s: %d\n%s", f.name, resp.StatusCode, body)
			}
		}
		if n := codes(); n != 0 || len(r.codes.sent) != 0 {
			t.Fatalf("forged posts sent %d codes", n)
		}

		// The attacker's own phone and code, posted into the visitor's
		// browser, do not sign it in.
		if resp, _ := r.post("/account/sign-in", url.Values{"phone": {phone}, "_csrf": {otherToken}}, "", other); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the attacker's own sign-in: %d", resp.StatusCode)
		}
		code := r.codes.last(t, phone)
		for _, cookies := range [][]*http.Cookie{{r.pre}, nil} {
			resp, _ := r.post("/account/sign-in/code", url.Values{"phone": {phone}, "code": {code}, "_csrf": {otherToken}}, "", cookies...)
			if resp.StatusCode != http.StatusForbidden || sessionCookie(resp) != nil {
				t.Fatalf("a forged code post: %d", resp.StatusCode)
			}
		}
		var tries int
		st.Gorm(context.Background()).Raw("SELECT tries FROM signin_codes WHERE e164 = ?", phone).Scan(&tries)
		if tries != 0 {
			t.Fatalf("a forged code post counted %d tries", tries)
		}
		// The same code from the browser that asked for it signs in.
		if resp, _ := r.post("/account/sign-in/code", url.Values{"phone": {phone}, "code": {code}, "_csrf": {otherToken}}, "", other); sessionCookie(resp) == nil {
			t.Fatalf("the right browser's code: %d", resp.StatusCode)
		}
	})
}

// Over https the pre-session cookie carries the __Host- prefix (no
// subdomain can plant one) and is Secure and HttpOnly.
func TestSignInPreSessionCookieOverHTTPS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newSignInRig(t, st)
		r.h.secureCookies = true
		pre, _ := r.openSignIn()
		if pre.Name != "__Host-nrd_pre" || !pre.Secure || !pre.HttpOnly || pre.Path != "/" || pre.Domain != "" {
			t.Fatalf("pre-session cookie %+v", pre)
		}
	})
}
