// Package staffpage is the base every signed-in staff page is built on
// (inbox, mechanic, reports, lockers, admin, reminders): the surface's
// embedded views and static files parsed and hashed once with the shared
// layout (views/layout.html: header, navigation, sign-out), the Logger and
// Now defaults, rendering and the internal-error answer, the locale choice,
// display names, and route groups that put SecurityHeaders and
// RequireStaff in front of every route once.
package staffpage

import (
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/render"
)

//go:embed views/layout.html
var layoutFiles embed.FS

//go:embed static
var layoutStatic embed.FS

// Surface describes one staff surface to New.
type Surface struct {
	Name         string           // in logs and errors: "inbox", "admin", …
	StaticPrefix string           // where its static files are served: "/static/i"
	Views        fs.FS            // holds views/*.html
	Static       fs.FS            // holds static/*, its CSS and scripts
	Funcs        template.FuncMap // the views' own functions, if any
	Styles       []string         // its stylesheets, linked by the layout on every page
}

// Options are what every staff surface takes.
type Options struct {
	Logger *slog.Logger     // slog.Default() when nil
	Now    func() time.Time // the clock; time.Now when nil (tests move it)
}

// RequireStaff is the staff handler's RequireStaff: the middleware that
// lets in a signed-in user of one of roles (any role when none).
type RequireStaff func(roles ...string) fiber.Handler

// Base is what a surface's handler embeds.
type Base struct {
	Log *slog.Logger
	Now func() time.Time

	name         string
	views        *template.Template
	assets       *render.Static
	styles       []string
	requireStaff RequireStaff
}

// New parses the surface's views with the layout and hashes its static
// files with the layout's stylesheet; a broken view fails start-up.
func New(s Surface, requireStaff RequireStaff, o Options) (*Base, error) {
	assets, err := render.NewStatic(s.StaticPrefix, s.Static, "static")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Name, err)
	}
	if err := assets.Include(layoutStatic, "static"); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Name, err)
	}
	views, err := template.New("").Funcs(assets.Funcs()).Funcs(formatFuncs()).Funcs(s.Funcs).ParseFS(layoutFiles, "views/layout.html")
	if err != nil {
		return nil, fmt.Errorf("%s: parse the staff layout: %w", s.Name, err)
	}
	if views, err = views.ParseFS(s.Views, "views/*.html"); err != nil {
		return nil, fmt.Errorf("%s: parse views: %w", s.Name, err)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Base{Log: o.Logger, Now: o.Now, name: s.Name, views: views, assets: assets,
		styles: s.Styles, requireStaff: requireStaff}, nil
}

// Render executes a view into a buffer first, so a template error never
// sends half a page.
func (b *Base) Render(c *fiber.Ctx, status int, view string, data any) error {
	return render.Page(c, b.views, status, view, data, b.Internal)
}

// Internal logs an error with the surface's name and answers a plain 500
// that says nothing about the cause.
func (b *Base) Internal(c *fiber.Ctx, what string, err error) error {
	return render.Internal(c, b.Log, b.name, what, err, "internal error")
}

// DisplayName is how a staff member is shown and signs what they write:
// their name, else their login.
func DisplayName(u store.User) string { return cmp.Or(u.Name, u.Login) }

// Locale is the language of the page c asks for, among those texts has
// words for: the signed-in user's own (their profile), else the browser's
// (Accept-Language), else their first branch's, else English; see
// staff.Staff.Locale. Without a signed-in user, PickLocale.
func Locale(c *fiber.Ctx, texts map[string]map[string]string) string {
	s, ok := staff.Current(c)
	if !ok {
		return PickLocale(c.Get(fiber.HeaderAcceptLanguage), texts)
	}
	return s.Locale(c.Get(fiber.HeaderAcceptLanguage), func(l string) bool { return texts[l] != nil })
}

// PickLocale is the first language of acceptLanguage that texts has words
// for, else English, as on every staff page.
func PickLocale(acceptLanguage string, texts map[string]map[string]string) string {
	return cmp.Or(render.AcceptLanguage(acceptLanguage, func(l string) bool { return texts[l] != nil }), "en")
}
