// Package panel serves the staff's key-locker panel at /lockers:
// every locker of the signed-in user's branches with its compartments
// (state, work order, time held), its open alarms and its event log, as the
// kiosks last reported them through the sync (lockerhub). Any staff of
// the branch may clear an alarm; only an admin may ask for a remote
// opening, with a reason, which the kiosk carries out at its next sync.
// Every change is written in one transaction with its audit row.
package panel

import (
	"context"
	"embed"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
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
	*staffpage.Base
	store *store.Store
}

// New parses the views once; a broken view fails start-up. requireStaff is
// the staff handler's RequireStaff.
func New(st *store.Store, requireStaff func(roles ...string) fiber.Handler, o Options) (*Handler, error) {
	base, err := staffpage.New(staffpage.Surface{Name: "lockerpanel", StaticPrefix: "/static/l", Views: viewFiles, Static: staticFiles,
		Styles: []string{"lockers.css"}}, requireStaff, staffpage.Options{Logger: o.Logger, Now: o.Now})
	if err != nil {
		return nil, err
	}
	return &Handler{Base: base, store: st}, nil
}

// Register adds the panel's routes (every route of this surface is here).
func (h *Handler) Register(app fiber.Router) {
	routes := h.Routes(app)
	routes.For().Get("/lockers", h.show)
	routes.For().Post("/lockers/alarms/:id/clear", h.alarmClear)
	routes.For(store.RoleAdmin).Post("/lockers/sites/:site/compartments/:id/open", h.compartmentOpen)
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
