package account

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// fakeCodes keeps the texts sent, as the SMS log would.
type fakeCodes struct {
	mu   sync.Mutex
	sent map[string][]string
}

func (f *fakeCodes) SendCode(_ context.Context, e164, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent[e164] = append(f.sent[e164], text)
	return nil
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

func (f *fakeCodes) last(t *testing.T, e164 string) string {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sent[e164]) == 0 {
		t.Fatalf("no code sent to %s", e164)
	}
	code := sixDigits.FindString(f.sent[e164][len(f.sent[e164])-1])
	if code == "" {
		t.Fatalf("no code in %q", f.sent[e164])
	}
	return code
}

type signInRig struct {
	t     *testing.T
	app   *fiber.App
	h     *Handler
	codes *fakeCodes
	clock time.Time
	mu    sync.Mutex
	// pre and token are the browser's pre-session cookie and the form
	// token the sign-in page gave it; post adds them to sign-in posts
	// that bring no _csrf of their own.
	pre   *http.Cookie
	token string
}

func newSignInRig(t *testing.T, st *store.Store) *signInRig {
	r := &signInRig{t: t, codes: &fakeCodes{sent: map[string][]string{}}, clock: time.Now()}
	h, err := New(st, Options{Secret: testSecret, RateLimit: 100000, Codes: r.codes, Now: func() time.Time {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.clock
	}})
	if err != nil {
		t.Fatal(err)
	}
	// The rig reads the client's IP from a header, so a test can be many
	// clients (the hub behind its proxy does the same).
	r.app, r.h = fiber.New(fiber.Config{ProxyHeader: "X-Real-IP"}), h
	h.Register(r.app)
	r.pre, r.token = r.openSignIn()
	return r
}

var formToken = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// openSignIn loads the sign-in page as a new browser does: the
// pre-session cookie it sets and the token its form carries.
func (r *signInRig) openSignIn(cookies ...*http.Cookie) (*http.Cookie, string) {
	r.t.Helper()
	req := httptest.NewRequest("GET", "/account/sign-in", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := r.app.Test(req, -1)
	if err != nil {
		r.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	m := formToken.FindStringSubmatch(string(b))
	if resp.StatusCode != http.StatusOK || m == nil {
		r.t.Fatalf("sign-in page: %d, no form token in\n%s", resp.StatusCode, b)
	}
	for _, c := range resp.Cookies() {
		if c.Name == r.h.preSessionCookie() {
			return c, m[1]
		}
	}
	if len(cookies) > 0 {
		return cookies[0], m[1] // the browser's cookie was kept
	}
	r.t.Fatal("the sign-in page set no pre-session cookie")
	return nil, ""
}

func (r *signInRig) advance(d time.Duration) {
	r.mu.Lock()
	r.clock = r.clock.Add(d)
	r.mu.Unlock()
}

func (r *signInRig) post(path string, form url.Values, ip string, cookies ...*http.Cookie) (*http.Response, string) {
	if strings.HasPrefix(path, SignInPath) && !form.Has("_csrf") {
		form = cloneForm(form)
		form.Set("_csrf", r.token)
		cookies = append(cookies, r.pre)
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if ip != "" {
		req.Header.Set("X-Real-IP", ip)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := r.app.Test(req, -1)
	if err != nil {
		r.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func cloneForm(f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == SessionCookie && c.Value != "" {
			return c
		}
	}
	return nil
}

func TestSignInByCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newSignInRig(t, st)
		// Russian national form with the trunk 8, and a next page.
		resp, _ := r.post("/account/sign-in", url.Values{"phone": {"8 (916) 123-45-67"}, "next": {"/account/privacy"}}, "")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != codePath("+79161234567", "/account/privacy", viaSMS) {
			t.Fatalf("send code: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		code := r.codes.last(t, "+79161234567")
		var stored string
		if err := st.Gorm(context.Background()).Raw("SELECT code_hash FROM signin_codes").Scan(&stored).Error; err != nil || strings.Contains(stored, code) {
			t.Fatalf("code stored as %q (%v)", stored, err)
		}
		resp, _ = r.post("/account/sign-in/code", url.Values{"phone": {"+79161234567"}, "code": {code[:3] + " " + code[3:]}, "next": {"/account/privacy"}}, "")
		ck := sessionCookie(resp)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/privacy" || ck == nil {
			t.Fatalf("enter code: %d %q %v", resp.StatusCode, resp.Header.Get("Location"), ck)
		}
		if !ck.Expires.IsZero() {
			t.Fatalf("a session cookie without remember has Expires %v", ck.Expires)
		}
		acc, _, err := st.AccountBySession(context.Background(), ck.Value, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if phones, _ := st.AccountPhones(context.Background(), acc.ID); len(phones) != 1 || phones[0] != "+79161234567" {
			t.Fatalf("phones %v", phones)
		}

		// A second device, remembered: the cookie outlives the browser.
		r.post("/account/sign-in", url.Values{"phone": {"+79161234567"}}, "")
		resp, _ = r.post("/account/sign-in/code", url.Values{"phone": {"+79161234567"}, "code": {r.codes.last(t, "+79161234567")}, "remember": {"1"}}, "")
		ck2 := sessionCookie(resp)
		if ck2 == nil || ck2.Expires.Before(time.Now().Add(300*24*time.Hour)) || resp.Header.Get("Location") != "/account" {
			t.Fatalf("remembered: %v %q", ck2, resp.Header.Get("Location"))
		}
		acc2, _, err := st.AccountBySession(context.Background(), ck2.Value, time.Now())
		if err != nil || acc2.ID != acc.ID {
			t.Fatalf("second device: account %d, want %d (%v)", acc2.ID, acc.ID, err)
		}

		// Sign-out needs the session's CSRF and ends the session on the server.
		if resp, _ := r.post("/account/sign-out", url.Values{}, "", ck); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("sign-out without CSRF: %d", resp.StatusCode)
		}
		_, sess, _ := st.AccountBySession(context.Background(), ck.Value, time.Now())
		resp, _ = r.post("/account/sign-out", url.Values{"_csrf": {r.h.mac("csrf", sess.TokenHash)}}, "", ck)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-out: %d", resp.StatusCode)
		}
		if _, _, err := st.AccountBySession(context.Background(), ck.Value, time.Now()); err == nil {
			t.Fatal("the session lives on after sign-out")
		}
		if _, _, err := st.AccountBySession(context.Background(), ck2.Value, time.Now()); err != nil {
			t.Fatalf("the other device was signed out too: %v", err)
		}
	})
}

func TestSignInSameAnswerAndBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newSignInRig(t, st)
		if _, err := st.AccountForVerifiedPhone(context.Background(), "+48601234567", time.Now()); err != nil {
			t.Fatal(err)
		}
		known, _ := r.post("/account/sign-in", url.Values{"phone": {"+48 601 234 567"}}, "10.0.0.1")
		unknown, _ := r.post("/account/sign-in", url.Values{"phone": {"+48 601 234 568"}}, "10.0.0.2")
		if known.StatusCode != unknown.StatusCode ||
			strings.Replace(known.Header.Get("Location"), "601234567", "X", 1) != strings.Replace(unknown.Header.Get("Location"), "601234568", "X", 1) {
			t.Fatalf("known %d %q, unknown %d %q", known.StatusCode, known.Header.Get("Location"), unknown.StatusCode, unknown.Header.Get("Location"))
		}
		r.codes.last(t, "+48601234568") // the unknown number gets a code too

		if resp, body := r.post("/account/sign-in", url.Values{"phone": {"12"}}, ""); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "That does not look like a phone number") {
			t.Fatalf("bad phone: %d", resp.StatusCode)
		}
		if resp, body := r.post("/account/sign-in/code", url.Values{"phone": {"+48601234567"}, "code": {"12ab56"}}, ""); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, r.h.t("en", "signin_code_format")) {
			t.Fatalf("bad code format: %d", resp.StatusCode)
		}
	})
}

func TestSignInLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newSignInRig(t, st)
		for i := 0; i < 3; i++ {
			if resp, _ := r.post("/account/sign-in", url.Values{"phone": {"+79161110000"}}, "10.0.0.1"); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("code %d: %d", i+1, resp.StatusCode)
			}
		}
		if resp, _ := r.post("/account/sign-in", url.Values{"phone": {"+79161110000"}}, "10.0.0.9"); resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("4th code to a phone in 15 minutes: %d", resp.StatusCode)
		}
		r.advance(16 * time.Minute)
		if resp, _ := r.post("/account/sign-in", url.Values{"phone": {"+79161110000"}}, "10.0.0.9"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("after the window: %d", resp.StatusCode)
		}
		// Per IP: 10 an hour, whatever the phones (this IP sent 3 already).
		for i := 0; i < 7; i++ {
			if resp, _ := r.post("/account/sign-in", url.Values{"phone": {fmt.Sprintf("+7916222000%d", i)}}, "10.0.0.1"); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("ip code %d: %d", i+4, resp.StatusCode)
			}
		}
		if resp, _ := r.post("/account/sign-in", url.Values{"phone": {"+79162220009"}}, "10.0.0.1"); resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("11th code from an IP in an hour: %d", resp.StatusCode)
		}
	})
}

func TestSignInTriesAndExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newSignInRig(t, st)
		phone := "+79163334455"
		r.post("/account/sign-in", url.Values{"phone": {phone}}, "")
		code := r.codes.last(t, phone)
		wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1000000)

		// 15 wrong entries at once: never more than 5 counted, then dead.
		var wg sync.WaitGroup
		for i := 0; i < 15; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.post("/account/sign-in/code", url.Values{"phone": {phone}, "code": {wrong}}, "")
			}()
		}
		wg.Wait()
		var tries int
		st.Gorm(context.Background()).Raw("SELECT tries FROM signin_codes WHERE e164 = ?", phone).Scan(&tries)
		if tries != store.MaxSignInTries {
			t.Fatalf("tries %d after 15 wrong entries", tries)
		}
		resp, body := r.post("/account/sign-in/code", url.Values{"phone": {phone}, "code": {code}}, "")
		if resp.StatusCode != http.StatusUnprocessableEntity || sessionCookie(resp) != nil || !strings.Contains(body, r.h.t("en", "signin_code_locked")) {
			t.Fatalf("right code after lockout: %d", resp.StatusCode)
		}

		// A new code; 15 right entries at once all sign in, to one account.
		r.post("/account/sign-in", url.Values{"phone": {phone}}, "")
		code = r.codes.last(t, phone)
		accounts := make(chan int64, 15)
		for i := 0; i < 15; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, _ := r.post("/account/sign-in/code", url.Values{"phone": {phone}, "code": {code}}, "")
				if ck := sessionCookie(resp); ck != nil {
					acc, _, err := st.AccountBySession(context.Background(), ck.Value, time.Now())
					if err == nil {
						accounts <- acc.ID
					}
				}
			}()
		}
		wg.Wait()
		close(accounts)
		seen := map[int64]bool{}
		n := 0
		for id := range accounts {
			seen[id], n = true, n+1
		}
		if n != 15 || len(seen) != 1 {
			t.Fatalf("%d of 15 signed in, to %d accounts", n, len(seen))
		}
		// Later the used code is dead.
		r.advance(2 * time.Minute)
		if resp, _ := r.post("/account/sign-in/code", url.Values{"phone": {phone}, "code": {code}}, ""); sessionCookie(resp) != nil {
			t.Fatal("a used code signed in again")
		}

		// Expired: 10 minutes later the right code is refused.
		r.post("/account/sign-in", url.Values{"phone": {phone}}, "")
		code = r.codes.last(t, phone)
		r.advance(11 * time.Minute)
		resp, body = r.post("/account/sign-in/code", url.Values{"phone": {phone}, "code": {code}}, "")
		if resp.StatusCode != http.StatusUnprocessableEntity || sessionCookie(resp) != nil || !strings.Contains(body, r.h.t("en", "signin_code_expired")) {
			t.Fatalf("expired code: %d %s", resp.StatusCode, body)
		}
	})
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "/account",
		"/account/privacy":         "/account/privacy",
		"/account/car/1?x=2":       "/account/car/1?x=2",
		"//evil.example/account":   "/account",
		"https://evil.example/":    "/account",
		"/\\evil.example":          "/account",
		"/admin":                   "/account",
		"/account/../admin":        "/account",
		"/account/%2e%2e/admin":    "/account",
		"/accountant":              "/account",
		"/account/sign-in?next=//": "/account",
		"javascript:alert(1)":      "/account",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
	// Through the handler: an open redirect is refused.
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newSignInRig(t, st)
		r.post("/account/sign-in", url.Values{"phone": {"+79165556677"}}, "")
		resp, _ := r.post("/account/sign-in/code", url.Values{"phone": {"+79165556677"}, "code": {r.codes.last(t, "+79165556677")}, "next": {"//evil.example/"}}, "")
		if resp.Header.Get("Location") != "/account" {
			t.Fatalf("next //evil.example/ led to %q", resp.Header.Get("Location"))
		}
	})
}

// Codes go only to numbers of the branches' countries: a German number on
// a Russian and Polish deployment, or a Russian one on a Polish-only
// deployment, is refused with its own message and gets no SMS.
func TestSignInOnlyToTheBranchesCountries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newSignInRig(t, st)
		resp, body := r.post("/account/sign-in", url.Values{"phone": {"+49 30 12345678"}}, "10.0.0.1")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Codes go only to numbers of the countries") {
			t.Fatalf("a German number: %d", resp.StatusCode)
		}
		if len(r.codes.sent) != 0 {
			t.Fatalf("codes sent: %v", r.codes.sent)
		}
		b := hub.Branch{Code: "waw1", Name: "Warszawa", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"}
		if err := st.CreateBranch(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if resp, _ := r.post("/account/sign-in", url.Values{"phone": {"+7 916 123-45-67"}}, "10.0.0.2"); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a Russian number on a Polish deployment: %d", resp.StatusCode)
		}
		if resp, _ := r.post("/account/sign-in", url.Values{"phone": {"601 234 567"}}, "10.0.0.3"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a Polish number without its code: %d", resp.StatusCode)
		}
		r.codes.last(t, "+48601234567")
		if len(r.codes.sent) != 1 {
			t.Fatalf("codes sent: %v", r.codes.sent)
		}
	})
}
