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

	"naryad/hub"
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

	// The printed kiosk token finds the demo locker, and its customers got
	// drop-off codes.
	kioskToken := regexp.MustCompile(`kiosk --port \S+ --hub \S+ --token (\S+)`).FindStringSubmatch(guide)
	if kioskToken == nil || !regexp.MustCompile(`staff PIN of advisor: \d{6}`).MatchString(guide) {
		t.Fatalf("the guide lacks the kiosk command or the staff PIN:\n%s", guide)
	}
	if _, err := h.Store.LockerSiteByTokenHash(context.Background(), hub.HashToken(kioskToken[1])); err != nil {
		t.Fatalf("the printed kiosk token: %v", err)
	}
	w, err := h.Store.WorkOrderByNumber(context.Background(), nodeOf(t, h), "АА-000101")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Store.LiveLockerCode(context.Background(), w.ID, hub.LockerCodeDropOff); err != nil {
		t.Fatalf("no drop-off code for the demo work order: %v", err)
	}

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
	if strings.Contains(out.String(), "Advisor sign-in") || strings.Contains(out.String(), "Key locker") {
		t.Errorf("a second run printed a new advisor password or kiosk token:\n%s", out.String())
	}
}

// nodeOf finds the DMS node the demo just made: the newest one.
func nodeOf(t *testing.T, h *servertest.Hub) int64 {
	t.Helper()
	nodes, err := h.Store.Nodes(context.Background())
	if err != nil || len(nodes) == 0 {
		t.Fatalf("nodes: %v %v", nodes, err)
	}
	newest := nodes[0]
	for _, n := range nodes {
		if n.ID > newest.ID {
			newest = n
		}
	}
	return newest.ID
}
