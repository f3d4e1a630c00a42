// Package panel serves the staff's key-locker panel at /lockers:
// every locker of the signed-in user's branches with its compartments
// (state, work order, time held), its open alarms and its event log, as the
// kiosks last reported them through the sync (hub/lockers). Any staff of
// the branch may clear an alarm; only an admin may ask for a remote
// opening, with a reason, which the kiosk carries out at its next sync.
// Every change is written in one transaction with its audit row.
package panel

import (
	"context"
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

// Options configure the panel.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // the clock of "time held" and "offline since"; time.Now when nil
}

// Handler serves /lockers.
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
	assets, err := render.NewStatic("/static/l", staticFiles, "static")
	if err != nil {
		return nil, fmt.Errorf("lockerpanel: %w", err)
	}
	views, err := template.New("").Funcs(assets.Funcs()).ParseFS(viewFiles, "views/*.html")
	if err != nil {
		return nil, fmt.Errorf("lockerpanel: parse views: %w", err)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Handler{store: st, requireStaff: requireStaff, views: views, assets: assets, log: o.Logger, now: o.Now}, nil
}

// Register adds the panel's routes (every route of this surface is here).
func (h *Handler) Register(app fiber.Router) {
	h.assets.Register(app)
	app.Get("/lockers", staff.SecurityHeaders, h.requireStaff(), h.show)
	app.Post("/lockers/alarms/:id/clear", staff.SecurityHeaders, h.requireStaff(), h.alarmClear)
	app.Post("/lockers/sites/:site/compartments/:id/open", staff.SecurityHeaders, h.requireStaff(store.RoleAdmin), h.compartmentOpen)
}

// render executes a view into a buffer first, so a template error never
// sends half a page.
func (h *Handler) render(c *fiber.Ctx, status int, view string, data any) error {
	return render.Page(c, h.views, status, view, data, h.internal)
}

func (h *Handler) internal(c *fiber.Ctx, what string, err error) error {
	return render.Internal(c, h.log, "lockerpanel", what, err, "internal error")
}

// notFound is the answer for a locker, box or alarm the user may not see:
// the same as one that does not exist, so other branches' ids leak nothing.
func notFound(c *fiber.Ctx) error {
	return c.Status(fiber.StatusNotFound).SendString("Not Found")
}

// audit appends a change by the signed-in user to the log, through st (the
// change's transaction).
func audit(ctx context.Context, c *fiber.Ctx, st *store.Store, action, subject, detail string) error {
	s, _ := staff.Current(c)
	return st.Audit(ctx, store.AuditEntry{UserID: &s.User.ID, Action: action, Subject: subject, Detail: detail, IP: c.IP()})
}
