package staffpage

import (
	"github.com/gofiber/fiber/v2"

	"naryad/hub/staff"
)

// Routes adds a surface's routes: its static files, and pages each behind
// SecurityHeaders and RequireStaff, put there once by the group.
type Routes struct {
	router       fiber.Router
	requireStaff RequireStaff
}

// Group is the routes of one set of roles.
type Group struct {
	router fiber.Router
	guard  []fiber.Handler
}

// Routes registers the surface's static files on app and returns its
// route groups.
func (b *Base) Routes(app fiber.Router) Routes {
	b.assets.Register(app)
	return Routes{router: app, requireStaff: b.requireStaff}
}

// For is the group of routes open to a signed-in user of one of roles (to
// every signed-in user when none).
func (r Routes) For(roles ...string) Group {
	return Group{router: r.router, guard: []fiber.Handler{staff.SecurityHeaders, r.requireStaff(roles...)}}
}

// Get adds a GET route behind the group's guard.
func (g Group) Get(path string, handlers ...fiber.Handler) { g.add(fiber.MethodGet, path, handlers) }

// Post adds a POST route behind the group's guard.
func (g Group) Post(path string, handlers ...fiber.Handler) { g.add(fiber.MethodPost, path, handlers) }

func (g Group) add(method, path string, handlers []fiber.Handler) {
	g.router.Add(method, path, append(g.guard[:len(g.guard):len(g.guard)], handlers...)...)
}
