package profile_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// The switcher's way back stays on this site whatever "back" says, once the
// browser has dropped what it drops from a URL (tabs and line ends).
func TestBranchSwitcherBackStaysOnSite(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		addUser(t, h, "ola", store.RoleAdvisor)
		b := h.NewClient(t)
		b.SignIn("ola", password)
		for _, back := range []string{"/\t/evil.example/", "/\\evil.example/", "\t//evil.example/", "/\x0b/evil.example/",
			"https://evil.example/", "//evil.example", "/%2F/evil.example", " //evil.example", "/\t\\evil.example"} {
			resp, page := b.Post("/branch", url.Values{"branch": {""}, "back": {back}})
			loc := resp.Header.Get("Location")
			// What a browser does with the Location: drop tabs and line
			// ends, read "\" as "/".
			seen := strings.ReplaceAll(strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(loc), "\\", "/")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(seen, "/") || strings.HasPrefix(seen, "//") {
				t.Errorf("back %q: %d location %q %s", back, resp.StatusCode, loc, page)
			}
		}
	})
}

// A tampered switcher cookie narrows nothing: the pages show all the
// user's branches and never another's.
func TestBranchCookieTampering(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		other := hub.Branch{Code: "KRK1", Name: "Kraków", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"}
		if err := h.Store.CreateBranch(ctx, &other); err != nil {
			t.Fatal(err)
		}
		addUser(t, h, "ola", store.RoleAdvisor)
		b := h.NewClient(t)
		b.SignIn("ola", password)
		for _, v := range []string{itoa(other.ID), "-1", "0", "abc", "1 OR 1=1", strings.Repeat("9", 40), "%00"} {
			b.Cookies["nrd_branch"] = &http.Cookie{Name: "nrd_branch", Value: v}
			for _, path := range []string{"/inbox", "/inbox/team", "/inbox/sla", "/reports", "/profile"} {
				resp, page := b.Do(http.MethodGet, path, nil)
				if resp.StatusCode != http.StatusOK || strings.Contains(page, "KRK1") {
					t.Errorf("cookie %q %s: %d", v, path, resp.StatusCode)
				}
			}
		}
	})
}

// The profile refuses a form without the session's token, a language it
// does not know and a name too long, and shows a hostile name as text.
func TestProfileHostileInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		addUser(t, h, "ola", store.RoleMechanic)
		b := h.NewClient(t)
		b.SignIn("ola", password)
		resp, _ := b.Do(http.MethodPost, "/profile", url.Values{"name": {"x"}, "locale": {"en"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("no csrf: %d", resp.StatusCode)
		}
		resp, _ = b.Do(http.MethodPost, "/profile", url.Values{"name": {"x"}, "locale": {"en"}, "csrf": {"forged"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("forged csrf: %d", resp.StatusCode)
		}
		for _, form := range []url.Values{{"name": {"x"}, "locale": {"de"}}, {"name": {strings.Repeat("я", 101)}, "locale": {"en"}},
			{"name": {"x"}, "locale": {"en\x00"}}, {"name": {"\xff"}, "locale": {"en"}}} {
			resp, page := b.Post("/profile", form)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%v: %d %s", form, resp.StatusCode, page)
			}
		}
		resp, page := b.Post("/profile", url.Values{"name": {`<script>alert(1)</script>"'`}, "locale": {"en"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("hostile name: %d %s", resp.StatusCode, page)
		}
		for _, path := range []string{"/profile", "/mechanic"} {
			if _, page = b.Do(http.MethodGet, path, nil); strings.Contains(page, "<script>alert") {
				t.Errorf("%s shows the name as markup", path)
			}
		}
	})
}
