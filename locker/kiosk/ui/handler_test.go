package ui

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/locker/kiosk"
)

// client sends the page's requests through app.Test, as the browser would.
type client struct {
	t   *testing.T
	app *fiber.App
	r   *rig
}

func newClient(t *testing.T, r *rig, o Options) *client {
	t.Helper()
	h, err := New(r.engine, o)
	if err != nil {
		t.Fatalf("ui.New: %v", err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	h.Register(app)
	return &client{t: t, app: app, r: r}
}

// do sends a request and returns the response with its body read.
func (c *client) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.app.Test(req, 30_000)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return resp, string(body)
}

// post is a form's tap from the page itself; it must redirect back.
func (c *client) post(path string, form url.Values) {
	c.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, body := c.do(req)
	if resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("POST %s = %d, want 303\n%s", path, resp.StatusCode, body)
	}
}

// page is GET / in a language (the switch's cookie; "" = none), with the
// HTML's character references resolved.
func (c *client) page(lang string) string {
	c.t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	if lang != "" {
		req.AddCookie(&http.Cookie{Name: langCookie, Value: lang})
	}
	resp, body := c.do(req)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET / = %d\n%s", resp.StatusCode, body)
	}
	return html.UnescapeString(body)
}

// TestProblemTexts drives the real engine into every problem a person can
// fix and checks the page words each one in every language.
func TestProblemTexts(t *testing.T) {
	r := startKiosk(t, rigOptions{})
	c := newClient(t, r, Options{})
	shown := map[string]bool{}
	expect := func(problem string, key string) {
		t.Helper()
		if s := r.engine.Screen(); s.Problem != problem {
			t.Fatalf("screen %s shows problem %q, want %q", s.Kind, s.Problem, problem)
		}
		for _, lang := range []string{"ru", "pl", "en"} {
			body := c.page(lang)
			if want := texts[lang][key]; want == "" || !strings.Contains(body, want) {
				t.Errorf("%s: page for %s does not say %q:\n%s", problem, lang, want, body)
			}
		}
		shown[problem] = true
	}
	entry := func(kv ...string) {
		t.Helper()
		form := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			form.Set(kv[i], kv[i+1])
		}
		c.post("/entry", form)
	}

	c.post("/begin/dropoff", nil)
	entry("code", "12")
	expect(kiosk.ProblemBadFormat, "problem_bad_format")
	entry("code", wrongCode)
	expect(kiosk.ProblemWrongCode, "problem_wrong_code")
	for _, lang := range []string{"ru", "pl", "en"} {
		want := strings.ReplaceAll(texts[lang]["attempts_left"], "{n}", "4")
		if body := c.page(lang); !strings.Contains(body, want) {
			t.Errorf("after one wrong code the %s page does not say %q", lang, want)
		}
	}

	r.board.jammed.Store(true)
	entry("code", dropOff101)
	expect(kiosk.ProblemBoardFailed, "problem_board_failed")
	r.board.jammed.Store(false)

	// АА-000101's keys go into box 1; the same code again finds them there.
	entry("code", dropOff101)
	r.waitScreen(t, kiosk.ScreenDoorOpen)
	r.putIn(1)
	r.waitScreen(t, kiosk.ScreenDone)
	c.post("/home", nil)
	c.post("/begin/dropoff", nil)
	entry("code", dropOff101)
	expect(kiosk.ProblemAlreadyIn, "problem_already_in")

	// Staff take the keys out of box 1 and put them back for pickup: the
	// box that held them is theirs again.
	c.post("/home", nil)
	c.post("/begin/staff", nil)
	entry("code", staffPIN)
	r.waitScreen(t, kiosk.ScreenStaffMenu)
	c.post("/staff/return", url.Values{"order": {"999"}})
	expect(kiosk.ProblemUnknownOrder, "problem_unknown_order")
	c.post("/staff/take/1", nil)
	r.waitScreen(t, kiosk.ScreenDoorOpen)
	r.takeOut(1)
	r.waitScreen(t, kiosk.ScreenStaffMenu)
	c.post("/staff/return", url.Values{"order": {"101"}})
	if s := r.waitScreen(t, kiosk.ScreenDoorOpen); s.Compartment != "1" {
		t.Fatalf("staff return opened box %q, want 1", s.Compartment)
	}
	r.putIn(1)
	r.waitScreen(t, kiosk.ScreenStaffMenu)

	c.post("/home", nil)
	c.post("/begin/pickup", nil)
	entry("by", "order", "order", "АА-000101", "phone", "4567")
	expect(kiosk.ProblemUsePIN, "problem_use_pin")
	entry("by", "order", "order", "АА-000102", "phone", "7654")
	expect(kiosk.ProblemNotPaid, "problem_not_paid")
	entry("by", "order", "order", "103", "phone", "1111")
	expect(kiosk.ProblemNotReady, "problem_not_ready")

	// АА-000103's keys take box 2, the last free one.
	c.post("/home", nil)
	c.post("/begin/dropoff", nil)
	entry("code", dropOff103)
	r.waitScreen(t, kiosk.ScreenDoorOpen)
	r.putIn(2)
	r.waitScreen(t, kiosk.ScreenDone)
	c.post("/home", nil)
	c.post("/begin/dropoff", nil)
	entry("code", dropOff102)
	expect(kiosk.ProblemNoFreeBox, "problem_no_free_box")

	for problem := range problemTexts {
		if !shown[problem] {
			t.Errorf("problem %q was never shown by this test", problem)
		}
	}
}

// TestOutOfOrder: a board that stops answering sends the customer to the
// branch's phone, in their language.
func TestOutOfOrder(t *testing.T) {
	r := startKiosk(t, rigOptions{})
	c := newClient(t, r, Options{})
	c.post("/begin/dropoff", nil)
	r.sim.SetOffline(0, true)
	c.post("/entry", url.Values{"code": {dropOff101}})
	r.waitScreen(t, kiosk.ScreenOutOfOrder)
	for _, lang := range []string{"ru", "pl", "en"} {
		body := c.page(lang)
		for _, want := range []string{texts[lang]["out_of_order_title"], rigSite.Phone} {
			if !strings.Contains(body, want) {
				t.Errorf("%s out-of-order page does not say %q:\n%s", lang, want, body)
			}
		}
	}
	if n := r.unlocks(); n != 0 {
		t.Errorf("an offline board got %d unlock pulses", n)
	}
}

// TestCrossSitePostRefused: a page on another site cannot make the kiosk's
// browser act; the kiosk's own page can.
func TestCrossSitePostRefused(t *testing.T) {
	r := startKiosk(t, rigOptions{})
	c := newClient(t, r, Options{})
	cases := []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"sec-fetch cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"sec-fetch same-site", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"origin elsewhere", map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden},
		{"origin other port", map[string]string{"Origin": "http://example.com:8081"}, http.StatusForbidden},
		{"null origin", map[string]string{"Origin": "null"}, http.StatusForbidden},
		{"origin this page", map[string]string{"Origin": "http://example.com"}, http.StatusSeeOther},
		{"sec-fetch same-origin", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"}, http.StatusSeeOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			r.engine.Home()
			before := r.engine.Screen().Seq
			// httptest's requests are for http://example.com.
			req := httptest.NewRequest(http.MethodPost, "/begin/dropoff", nil)
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			resp, body := c.do(req)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.want, body)
			}
			s := r.engine.Screen()
			if tc.want == http.StatusForbidden && (s.Kind != kiosk.ScreenStart || s.Seq != before) {
				t.Errorf("refused request still changed the screen to %s", s.Kind)
			}
			if tc.want == http.StatusSeeOther && s.Kind != kiosk.ScreenEntry {
				t.Errorf("accepted request left the screen at %s, want entry", s.Kind)
			}
		})
	}
}

// A script element without src, and an on* attribute, are inline code.
var (
	scriptTag     = regexp.MustCompile(`<script[^>]*>`)
	inlineHandler = regexp.MustCompile(`\son[a-z]+=`)
)

// TestSecurityHeaders: no inline script may run, the page is never framed.
func TestSecurityHeaders(t *testing.T) {
	r := startKiosk(t, rigOptions{})
	c := newClient(t, r, Options{})
	resp, body := c.do(httptest.NewRequest(http.MethodGet, "/", nil))
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	for _, tag := range scriptTag.FindAllString(body, -1) {
		if !strings.Contains(tag, ` src="/static/k/`) {
			t.Errorf("the page carries an inline script: %s", tag)
		}
	}
	if m := inlineHandler.FindString(body); m != "" {
		t.Errorf("the page carries an inline handler %q", m)
	}
	if got := resp.Header.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("X-Frame-Options = %q", got)
	}
	// The page's script and styles are linked by version, kept for a year.
	for _, name := range []string{"kiosk.js", "kiosk.css"} {
		m := regexp.MustCompile(`"(/static/k/` + regexp.QuoteMeta(name) + `\?v=[0-9a-f]{16})"`).FindStringSubmatch(body)
		if m == nil {
			t.Errorf("the page does not link %s by its version", name)
			continue
		}
		resp, _ := c.do(httptest.NewRequest(http.MethodGet, m[1], nil))
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s = %d, Cache-Control %q", m[1], resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
}

// TestLanguageSwitchAndReset: the switch sets the page's language; going
// home greets the next person in the default one again.
func TestLanguageSwitchAndReset(t *testing.T) {
	r := startKiosk(t, rigOptions{})
	c := newClient(t, r, Options{DefaultLocale: "pl"})
	if body := c.page(""); !strings.Contains(body, `<html lang="pl">`) {
		t.Fatalf("default page is not Polish:\n%s", body)
	}
	req := httptest.NewRequest(http.MethodPost, "/lang/en", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, _ := c.do(req)
	var chosen *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == langCookie {
			chosen = ck
		}
	}
	if resp.StatusCode != http.StatusSeeOther || chosen == nil || chosen.Value != "en" || chosen.Path != "/" {
		t.Fatalf("POST /lang/en = %d, cookie %+v; want 303 and kiosk_lang=en on /", resp.StatusCode, chosen)
	}
	if body := c.page("en"); !strings.Contains(body, texts["en"]["dropoff"]) {
		t.Errorf("the page in English does not offer %q", texts["en"]["dropoff"])
	}

	r.engine.Begin(kiosk.ModeDropOff)
	req = httptest.NewRequest(http.MethodPost, "/home", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(chosen)
	resp, _ = c.do(req)
	cleared := false
	for _, ck := range resp.Cookies() {
		if ck.Name == langCookie && ck.Value == "" && (ck.MaxAge < 0 || ck.Expires.Before(time.Now())) && ck.Path == "/" {
			cleared = true
		}
	}
	if !cleared {
		t.Errorf("POST /home did not clear the language cookie: %v", resp.Header.Values("Set-Cookie"))
	}
	if s := r.engine.Screen(); s.Kind != kiosk.ScreenStart {
		t.Errorf("after /home the screen is %s", s.Kind)
	}

	req = httptest.NewRequest(http.MethodPost, "/lang/de", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if resp, _ := c.do(req); resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /lang/de = %d, want 404", resp.StatusCode)
	}
	if _, err := New(r.engine, Options{DefaultLocale: "de"}); err == nil {
		t.Errorf("New accepted default locale de")
	}
}

// TestScreenSeqAndIdle: /screen follows the engine; the page goes idle
// everywhere but the start screen and an open door.
func TestScreenSeqAndIdle(t *testing.T) {
	r := startKiosk(t, rigOptions{})
	c := newClient(t, r, Options{IdleAfter: 7 * time.Second})
	seq := func() string {
		_, body := c.do(httptest.NewRequest(http.MethodGet, "/screen", nil))
		return body
	}
	before := seq()
	if !strings.Contains(c.page(""), `data-idle-ms="0"`) {
		t.Errorf("the start screen goes idle")
	}
	c.post("/begin/pickup", nil)
	after := seq()
	if before == after || !strings.HasPrefix(after, `{"seq":`) {
		t.Errorf("/screen = %s then %s; want {\"seq\": N} changing with the screen", before, after)
	}
	if !strings.Contains(c.page(""), `data-idle-ms="7000"`) {
		t.Errorf("the entry screen does not go idle after 7 s")
	}
	c.post("/home", nil)
	c.post("/begin/dropoff", nil)
	c.post("/entry", url.Values{"code": {dropOff101}})
	r.waitScreen(t, kiosk.ScreenDoorOpen)
	if body := c.page(""); !strings.Contains(body, `data-idle-ms="0"`) {
		t.Errorf("the open-door screen goes idle")
	}
	for _, path := range []string{"/begin/nothing", "/staff/take/x", "/staff/open/x"} {
		req := httptest.NewRequest(http.MethodPost, path, nil)
		if resp, _ := c.do(req); resp.StatusCode/100 != 4 {
			t.Errorf("POST %s = %d, want a 4xx", path, resp.StatusCode)
		}
	}
}

// The lockout says until when on the branch's clock, from the zone the hub
// sent, not the kiosk PC's.
func TestLockoutTimeInTheSiteZone(t *testing.T) {
	r := startKiosk(t, rigOptions{})
	const zone = "Asia/Kamchatka" // twelve hours off UTC, no summer time
	r.hub.mu.Lock()
	r.hub.state.Site.TimeZone = zone
	r.hub.mu.Unlock()
	if err := r.engine.SyncNow(t.Context()); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, r, Options{})
	c.post("/begin/pickup", nil)
	for range 5 {
		c.post("/entry", url.Values{"code": {wrongCode}})
	}
	s := r.waitScreen(t, kiosk.ScreenLockedOut)
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(texts["en"]["locked_text"], "{time}", s.LockedUntil.In(loc).Format("15:04"))
	if body := c.page("en"); !strings.Contains(body, want) {
		t.Errorf("the lockout page does not say %q", want)
	}
}
