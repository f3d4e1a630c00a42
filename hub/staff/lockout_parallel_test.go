package staff_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub/store"
)

// postLogins posts the login form once per password, all at once, from one
// browser that opened the login page, and returns each answer's status in
// the same order.
func postLogins(t *testing.T, h *apptest.Hub, login string, passwords []string) []int {
	t.Helper()
	b := newBrowser(t, h)
	_, page := b.Do(http.MethodGet, "/login", nil)
	csrf, pre := csrfOf(t, page), b.Cookies["nrd_login"]
	statuses := make([]int, len(passwords))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, pw := range passwords {
		form := url.Values{"login": {login}, "password": {pw}, "csrf": {csrf}}
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: pre.Name, Value: pre.Value})
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := h.Server.App().Test(req, -1)
			if err != nil {
				t.Errorf("post %d: %v", i, err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	return statuses
}

// failuresBy counts the failed-login audit rows of a login by their reason.
func failuresBy(t *testing.T, h *apptest.Hub, login string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, e := range audited(t, h, store.AuditLoginFailed) {
		if e.Subject == login {
			out[e.Detail]++
		}
	}
	return out
}

// patientSignIn lets every sign-in of these tests wait for its password
// check however busy the machine is: they count checks, and a "busy"
// answer (the product's fair reply when 15 checks queue on a loaded
// 2-core machine for over 10 s) would check none.
func patientSignIn(c *cli.Config) { c.LoginWait = 5 * time.Minute }

func wrongPasswords(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "wrong-password"
	}
	return out
}

func TestLockoutHoldsAgainstParallelAttempts(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		u := addUser(t, h, "anna")
		for i, status := range postLogins(t, h, "anna", wrongPasswords(15)) {
			if status != http.StatusUnauthorized {
				t.Errorf("attempt %d: %d, want 401", i, status)
			}
		}
		// Five passwords were checked; the other ten were refused unchecked.
		if got := failuresBy(t, h, "anna"); got["wrong password"] != 5 || got["locked"] != 10 {
			t.Fatalf("failures by reason: %v, want 5 wrong passwords and 10 refused as locked", got)
		}
		if got := audited(t, h, store.AuditLoginLocked); len(got) != 1 {
			t.Fatalf("lock audits: %d, want 1", len(got))
		}
		if got, _ := h.Store.User(context.Background(), u.ID); got.LockedUntil == nil {
			t.Fatalf("not locked: %+v", got)
		}
	}, patientSignIn)
}

// Fourteen wrong passwords and the right one at once (a fresh hub: the
// per-IP rate limit allows 20 posts a minute): the right one gets in only
// as one of the first five attempts; once five are counted, it is refused
// like the rest.
func TestRightPasswordAmongParallelWrongOnes(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		addUser(t, h, "boris")
		tries := append(wrongPasswords(14), password)
		statuses := postLogins(t, h, "boris", tries)
		signedIn := statuses[14] == http.StatusSeeOther
		if !signedIn && statuses[14] != http.StatusUnauthorized {
			t.Fatalf("right password: %d", statuses[14])
		}
		got := failuresBy(t, h, "boris")
		if want := 15 - len(audited(t, h, store.AuditLogin)); got["wrong password"]+got["locked"] != want {
			t.Fatalf("failures by reason: %v, want %d in all", got, want)
		}
		// A good login clears the count, so at most four failures come
		// before it and five after it.
		if (!signedIn && got["wrong password"] != 5) || got["wrong password"] > 9 {
			t.Fatalf("signed in %v, failures by reason %v: more passwords checked than the lockout allows", signedIn, got)
		}
	}, patientSignIn)
}
