// Package report serves the advisors' report at /reports: first-response
// and approval times per branch and per advisor over a chosen period, with
// a server-rendered SVG bar chart. The figures and their definitions are in
// hub/store/report.go.
package report

import (
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/render"
)

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Options configure the report.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // the clock of the default period; time.Now when nil
}

// Handler serves /reports.
type Handler struct {
	store        *store.Store
	requireStaff func(roles ...string) fiber.Handler
	views        *template.Template
	assets       *render.Static // its CSS and scripts
	log          *slog.Logger
	now          func() time.Time
}

// New parses the views once; a broken view fails start-up. requireStaff is
// the staff handler's RequireStaff.
func New(st *store.Store, requireStaff func(roles ...string) fiber.Handler, o Options) (*Handler, error) {
	assets, err := render.NewStatic("/static/r", staticFiles, "static")
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	views, err := template.New("").Funcs(assets.Funcs()).ParseFS(viewFiles, "views/*.html")
	if err != nil {
		return nil, fmt.Errorf("report: parse views: %w", err)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Handler{store: st, requireStaff: requireStaff, views: views, assets: assets, log: o.Logger, now: o.Now}, nil
}

// Register adds the report routes (every route of this surface is here).
func (h *Handler) Register(app fiber.Router) {
	h.assets.Register(app)
	app.Get("/reports", staff.SecurityHeaders, h.requireStaff(store.RoleAdmin, store.RoleAdvisor), h.show)
}

// render executes a view into a buffer first, so a template error never
// sends half a page.
func (h *Handler) render(c *fiber.Ctx, status int, view string, data any) error {
	return render.Page(c, h.views, status, view, data, h.internal)
}

func (h *Handler) internal(c *fiber.Ctx, what string, err error) error {
	return render.Internal(c, h.log, "report", what, err, "internal error")
}
