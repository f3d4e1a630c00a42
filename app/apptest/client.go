package apptest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// Client is a browser without a screen for staff pages: it sends requests
// through the hub's app and keeps the cookies it is given.
type Client struct {
	t       testing.TB
	app     *fiber.App
	Cookies map[string]*http.Cookie
	CSRF    string // the signed-in session's form token (after SignIn)
	Lang    string // the Accept-Language it sends; none when ""
}

// NewClient starts a client of the hub with no cookies.
func (h *Hub) NewClient(t testing.TB) *Client { return NewAppClient(t, h.Server.App()) }

// NewAppClient starts a client, with no cookies, of an app that mounts only
// some of the hub's pages (a test wiring one handler with its own options).
func NewAppClient(t testing.TB, app *fiber.App) *Client {
	return &Client{t: t, app: app, Cookies: map[string]*http.Cookie{}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// SignIn signs in through the login form, as a person would, and keeps the
// session's CSRF token from the inbox.
//
// A signed-in client asks for English unless the test chose a language, as
// a browser always names one: without any, the staff pages would speak the
// user's branch's language. A test of that fallback sets Lang to one the
// pages do not speak ("de").
func (c *Client) SignIn(login, password string) *Client {
	c.t.Helper()
	if c.Lang == "" {
		c.Lang = "en"
	}
	_, page := c.Do(http.MethodGet, "/login", nil)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		c.t.Fatalf("no csrf field on the login page:\n%s", page)
	}
	resp, _ := c.Do(http.MethodPost, "/login", url.Values{"login": {login}, "password": {password}, "csrf": {m[1]}})
	if resp.StatusCode != http.StatusSeeOther || c.Cookies["nrd_staff"] == nil {
		c.t.Fatalf("sign in %s: %d", login, resp.StatusCode)
	}
	_, page = c.Do(http.MethodGet, "/inbox", nil)
	if m = csrfField.FindStringSubmatch(page); m == nil {
		c.t.Fatalf("no csrf field on the inbox:\n%s", page)
	}
	c.CSRF = m[1]
	return c
}

// Do sends a request (a form when form is not nil) and returns the response
// with its body read.
func (c *Client) Do(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.Send(req)
}

// Send sends a request built by the test (a multipart upload, say) with
// the client's cookies and language, and returns the response with its
// body read; the cookies it sets are kept.
func (c *Client) Send(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	c.AddCookies(req)
	resp, err := c.app.Test(req, -1)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.Cookies, ck.Name)
		} else {
			c.Cookies[ck.Name] = ck
		}
	}
	return resp, string(raw)
}

// AddCookies puts the client's cookies on req, for a request sent another
// way (a live stream over a real socket).
func (c *Client) AddCookies(req *http.Request) {
	for _, ck := range c.Cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
}

// Post sends a form with the session's CSRF token.
func (c *Client) Post(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	form.Set("csrf", c.CSRF)
	return c.Do(http.MethodPost, path, form)
}
