// Package inbox serves the advisors' shared inbox at /inbox: the threads of
// the signed-in user's branches, newest activity first, with filters,
// search, unread counts and the first-response badge.
//
// Live updates are not here yet: the page is rendered on each request. The
// realtime broker's SubscribeBranch is the hook for a later SSE stream that
// refreshes rows as messages arrive.
package inbox

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"naryad/hub/store"
)

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Options configure the inbox.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // the clock of the first-response badge; time.Now when nil
}

// Handler serves /inbox.
type Handler struct {
	store        *store.Store
	requireStaff func(roles ...string) fiber.Handler
	views        *template.Template
	log          *slog.Logger
	now          func() time.Time
}

// New parses the views once; a broken view fails start-up. requireStaff is
// the staff handler's RequireStaff.
func New(st *store.Store, requireStaff func(roles ...string) fiber.Handler, o Options) (*Handler, error) {
	views, err := template.New("").Funcs(viewFuncs).ParseFS(viewFiles, "views/*.html")
	if err != nil {
		return nil, fmt.Errorf("inbox: parse views: %w", err)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Handler{store: st, requireStaff: requireStaff, views: views, log: o.Logger, now: o.Now}, nil
}

// Register adds the inbox routes (every route of this surface is here).
func (h *Handler) Register(app fiber.Router) {
	static, _ := fs.Sub(staticFiles, "static")
	app.Use("/static/i", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 3600}))
	app.Get("/inbox", securityHeaders, h.requireStaff(), h.list)
}

// securityHeaders: like every staff page, never cached, framed or given a
// referrer, and running only its own styles (no scripts at all).
func securityHeaders(c *fiber.Ctx) error {
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cache-Control", "no-store")
	return c.Next()
}

// render executes a view into a buffer first, so a template error never
// sends half a page.
func (h *Handler) render(c *fiber.Ctx, view string, data any) error {
	var buf bytes.Buffer
	if err := h.views.ExecuteTemplate(&buf, view, data); err != nil {
		return h.internal(c, "render "+view, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(fiber.StatusOK).Send(buf.Bytes())
}

func (h *Handler) internal(c *fiber.Ctx, what string, err error) error {
	h.log.Error("inbox", "op", what, "path", c.Path(), "error", err)
	return c.Status(fiber.StatusInternalServerError).SendString("internal error")
}
