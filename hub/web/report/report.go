// Package report serves the advisors' report at /reports: response and
// approval times, SLA met %, NPS, lead conversion and online payments per
// branch and per advisor over a chosen period, with server-rendered SVG
// bar charts and a CSV export of every table. The figures and their
// definitions are in hub/store/report*.go and sla_report.go
// (docs/reports.md).
package report

import (
	"embed"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Options configure the report.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // the clock of the default period and of the SLA clocks still running; time.Now when nil
}

// Handler serves /reports.
type Handler struct {
	*staffpage.Base
	store *store.Store
}

// New parses the views once; a broken view fails start-up. requireStaff is
// the staff handler's RequireStaff.
func New(st *store.Store, requireStaff func(roles ...string) fiber.Handler, o Options) (*Handler, error) {
	base, err := staffpage.New(staffpage.Surface{Name: "report", StaticPrefix: "/static/r", Views: viewFiles, Static: staticFiles,
		Styles: []string{"report.css"}}, requireStaff, staffpage.Options{Logger: o.Logger, Now: o.Now})
	if err != nil {
		return nil, err
	}
	return &Handler{Base: base, store: st}, nil
}

// Register adds the report routes (every route of this surface is here).
func (h *Handler) Register(app fiber.Router) {
	h.Routes(app).For(store.RoleAdmin, store.RoleAdvisor).Get("/reports", h.show)
}
