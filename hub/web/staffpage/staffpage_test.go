package staffpage_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"

	"naryad/app/apptest"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// Every route of a group gets the staff pages' security headers and the
// group's role check, once, before its handler; the layout's stylesheet is
// served with the surface's own files.
func TestEveryRouteOfAGroupIsGuarded(t *testing.T) {
	// requireStaff stands in for the staff handler's: the role is a header.
	requireStaff := func(roles ...string) fiber.Handler {
		return func(c *fiber.Ctx) error {
			role := c.Get("X-Test-Role")
			if role == "" || (len(roles) > 0 && !slices.Contains(roles, role)) {
				return c.SendStatus(fiber.StatusForbidden)
			}
			return c.Next()
		}
	}
	surface := staffpage.Surface{Name: "test", StaticPrefix: "/static/t",
		Views:  fstest.MapFS{"views/page.html": {Data: []byte(`{{define "page.html"}}{{template "staffpage-top" .}}<main>hi</main>{{template "staffpage-bottom"}}{{end}}`)}},
		Static: fstest.MapFS{"static/test.css": {Data: []byte("main{}")}}, Styles: []string{"test.css"}}
	base, err := staffpage.New(surface, requireStaff, staffpage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	routes := base.Routes(app)
	page := func(c *fiber.Ctx) error {
		return base.Render(c, fiber.StatusOK, "page.html", base.Frame(c, "en", "Test"))
	}
	routes.For().Get("/anyone", page)
	routes.For(store.RoleAdmin).Post("/admins", page)

	for _, tc := range []struct {
		method, path, role string
		status             int
	}{
		{http.MethodGet, "/anyone", "mechanic", http.StatusOK},
		{http.MethodGet, "/anyone", "", http.StatusForbidden},
		{http.MethodPost, "/admins", "admin", http.StatusOK},
		{http.MethodPost, "/admins", "advisor", http.StatusForbidden},
	} {
		req := httptest.NewRequest(tc.method, tc.path, nil)
		if tc.role != "" {
			req.Header.Set("X-Test-Role", tc.role)
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s as %q: %d, want %d", tc.method, tc.path, tc.role, resp.StatusCode, tc.status)
		}
		if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("Cache-Control") != "no-store" ||
			!strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s %s as %q: no staff security headers: %v", tc.method, tc.path, tc.role, resp.Header)
		}
	}
	for _, name := range []string{"staffpage.css", "test.css"} {
		resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/static/t/"+name, nil), -1)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("GET /static/t/%s: %v %v", name, resp.StatusCode, err)
		}
	}
}

var (
	sectionsNav = regexp.MustCompile(`(?s)<nav class="sections"[^>]*>(.*?)</nav>`)
	subNav      = regexp.MustCompile(`(?s)<nav class="subsections"[^>]*>(.*?)</nav>`)
	navLink     = regexp.MustCompile(`<a href="([^"]+)"`)
)

// Every staff page shows, in one header, the staff pages the signed-in
// user may open, and only those: each link it shows opens, each it hides
// is refused. An admin in the administration also sees its pages, with
// the one open marked.
func TestHeaderLinksTheStaffPagesTheUserMayOpen(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		all := []string{"/inbox", "/inbox/team", "/inbox/sla", "/mechanic", "/reports", "/lockers", "/admin"}
		want := map[string][]string{
			store.RoleMechanic: {"/inbox", "/mechanic", "/lockers"},
			store.RoleAdvisor:  {"/inbox", "/inbox/team", "/inbox/sla", "/mechanic", "/reports", "/lockers"},
			store.RoleAdmin:    all,
		}
		for role, shown := range want {
			_, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{Login: role + "1", Name: "Ира " + role, Role: role,
				Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			b := h.NewClient(t).SignIn(role+"1", "s3cret-pass-word")
			for _, page := range shown {
				resp, body := b.Do(http.MethodGet, page, nil)
				if resp.StatusCode != http.StatusOK {
					t.Errorf("%s: %s answers %d", role, page, resp.StatusCode)
					continue
				}
				m := sectionsNav.FindStringSubmatch(body)
				if m == nil {
					t.Errorf("%s: %s has no navigation:\n%s", role, page, body)
					continue
				}
				var links []string
				for _, l := range navLink.FindAllStringSubmatch(m[1], -1) {
					links = append(links, l[1])
				}
				if !slices.Equal(links, shown) {
					t.Errorf("%s on %s: navigation %v, want %v", role, page, links, shown)
				}
				if !strings.Contains(m[1], `<a href="`+page+`" aria-current="page">`) {
					t.Errorf("%s on %s: the page is not marked current: %s", role, page, m[1])
				}
				if !strings.Contains(body, `action="/logout"`) || !strings.Contains(body, "Ира "+role) {
					t.Errorf("%s on %s: no sign-out or name:\n%s", role, page, body)
				}
			}
			for _, page := range all {
				if slices.Contains(shown, page) {
					continue
				}
				if resp, _ := b.Do(http.MethodGet, page, nil); resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s: hidden %s answers %d, want 403", role, page, resp.StatusCode)
				}
			}
			if role != store.RoleAdmin {
				continue
			}
			_, body := b.Do(http.MethodGet, "/admin/reminders", nil)
			m := subNav.FindStringSubmatch(body)
			if m == nil || !strings.Contains(m[1], `<a href="/admin/reminders" aria-current="page">Reminders</a>`) ||
				!strings.Contains(m[1], `<a href="/admin/users">Users</a>`) {
				t.Errorf("admin on /admin/reminders: administration pages %q", m)
			}
		}
	})
}
