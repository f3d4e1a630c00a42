package demo_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"naryad/hub/demo"
	"naryad/hub/server/servertest"
	"naryad/hub/store/storetest"
)

func TestDemoLoadsTwiceAndItsAdvisorCanSignIn(t *testing.T) {
	h := servertest.Start(t, storetest.Backends(t)[0])
	var out bytes.Buffer
	if err := demo.Load(context.Background(), h.Server, h.Config, &out); err != nil {
		t.Fatal(err)
	}
	guide := out.String()
	for _, want := range []string{"Customer link of work order АА-000101: https://hub.example.test/c/", "DMS token (shown once):\nnrd_", "Advisor sign-in"} {
		if !strings.Contains(guide, want) {
			t.Fatalf("the guide lacks %q:\n%s", want, guide)
		}
	}
	password := regexp.MustCompile(`advisor / (\S+)`).FindStringSubmatch(guide)[1]

	// Sign in with what was printed, as a newcomer would.
	page := h.Do(t, httptest.NewRequest(http.MethodGet, "/login", nil))
	body, _ := io.ReadAll(page.Body)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(body))[1]
	form := url.Values{"csrf": {csrf}, "login": {"advisor"}, "password": {password}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range page.Cookies() {
		req.AddCookie(c)
	}
	if resp := h.Do(t, req); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/inbox" {
		t.Fatalf("sign-in with the printed password: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	// Again: new token and threads, but no second account and no password.
	out.Reset()
	if err := demo.Load(context.Background(), h.Server, h.Config, &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "Advisor sign-in") {
		t.Error("a second run printed a new advisor password")
	}
}
