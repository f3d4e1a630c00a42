package apptest

import (
	"net/http"
	"strings"
	"testing"
)

// What a staff page answers a form with, checked the same way by every
// page's tests.

// WantRedirect checks that a form was taken: a 303 to location, whose page
// says done.
func (c *Client) WantRedirect(resp *http.Response, page, location, done string) {
	c.t.Helper()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != location {
		c.t.Fatalf("status %d location %q:\n%s", resp.StatusCode, resp.Header.Get("Location"), page)
	}
	if _, page = c.Do(http.MethodGet, location, nil); !strings.Contains(page, done) {
		c.t.Fatalf("%s lacks %q:\n%s", location, done, page)
	}
}

// WantRefused checks that a form was refused: a 400 whose page names the
// problem.
func WantRefused(t testing.TB, resp *http.Response, page, problem string) {
	t.Helper()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, problem) {
		t.Errorf("status %d, want 400 with %q:\n%s", resp.StatusCode, problem, page)
	}
}
