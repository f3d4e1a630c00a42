// Package admin serves the administrators' pages at /admin: staff accounts,
// branches, status mappings, message templates and DMS tokens. Every page is
// for the admin role only; every change is made in one transaction with its
// audit row, then redirected to a page that shows it (post-redirect-get).
package admin

import (
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/render"
	"naryad/templates"
)

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Options configure the admin pages.
type Options struct {
	Logger *slog.Logger
	// Reminders previews the reminder scan on /admin/reminders; nil shows
	// only the staff tasks.
	Reminders Reminders
	// WhatsApp links, logs out and reconnects accounts on /admin/whatsapp;
	// nil (WhatsApp off in this process) shows the accounts read-only.
	WhatsApp WhatsApp
}

// Handler serves /admin.
type Handler struct {
	store        *store.Store
	requireStaff func(roles ...string) fiber.Handler
	views        *template.Template
	assets       *render.Static      // its CSS and scripts
	defaults     *templates.Renderer // default texts, for the template page's preview
	reminders    Reminders
	whatsapp     WhatsApp
	log          *slog.Logger
}

// New parses the views once; a broken view fails start-up. requireStaff is
// the staff handler's RequireStaff.
func New(st *store.Store, requireStaff func(roles ...string) fiber.Handler, o Options) (*Handler, error) {
	assets, err := render.NewStatic("/static/a", staticFiles, "static")
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	views, err := template.New("").Funcs(assets.Funcs()).ParseFS(viewFiles, "views/*.html")
	if err != nil {
		return nil, fmt.Errorf("admin: parse views: %w", err)
	}
	defaults, err := templates.New(nil)
	if err != nil {
		return nil, fmt.Errorf("admin: default templates: %w", err)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Handler{store: st, requireStaff: requireStaff, views: views, assets: assets, defaults: defaults, reminders: o.Reminders,
		whatsapp: o.WhatsApp, log: o.Logger}, nil
}

// Register adds the admin routes (every route of this surface is here).
func (h *Handler) Register(app fiber.Router) {
	h.assets.Register(app)
	admin := []fiber.Handler{staff.SecurityHeaders, h.requireStaff(store.RoleAdmin)}
	route := func(method, path string, fn fiber.Handler) {
		app.Add(method, path, append(admin[:len(admin):len(admin)], fn)...)
	}
	route(fiber.MethodGet, "/admin", h.overview)
	route(fiber.MethodGet, "/admin/users", h.userList)
	route(fiber.MethodPost, "/admin/users", h.userAdd)
	route(fiber.MethodGet, "/admin/branches", h.branchList)
	route(fiber.MethodPost, "/admin/branches", h.branchAdd)
	route(fiber.MethodGet, "/admin/statuses", h.statusList)
	route(fiber.MethodPost, "/admin/statuses", h.statusSet)
	route(fiber.MethodGet, "/admin/templates", h.templateShow)
	route(fiber.MethodPost, "/admin/templates", h.templateSave)
	route(fiber.MethodGet, "/admin/tokens", h.tokenList)
	route(fiber.MethodPost, "/admin/tokens", h.tokenCreate)
	route(fiber.MethodPost, "/admin/tokens/revoke", h.tokenRevoke)
	route(fiber.MethodGet, "/admin/reminders", h.reminderList)
	route(fiber.MethodPost, "/admin/reminders/tasks/done", h.taskDone)
	route(fiber.MethodGet, "/admin/whatsapp", h.whatsappList)
	route(fiber.MethodPost, "/admin/whatsapp/accounts", h.whatsappAccountAdd)
	route(fiber.MethodPost, "/admin/whatsapp/accounts/:id/pacing", h.whatsappPacing)
	route(fiber.MethodPost, "/admin/whatsapp/accounts/:id/link", h.whatsappLinkStart)
	route(fiber.MethodGet, "/admin/whatsapp/accounts/:id/link", h.whatsappLinkPage)
	route(fiber.MethodGet, "/admin/whatsapp/accounts/:id/qr.png", h.whatsappQR)
	route(fiber.MethodGet, "/admin/whatsapp/accounts/:id/state", h.whatsappLinkState)
	route(fiber.MethodPost, "/admin/whatsapp/accounts/:id/logout", h.whatsappLogout)
	route(fiber.MethodPost, "/admin/whatsapp/accounts/:id/reconnect", h.whatsappReconnect)
	route(fiber.MethodPost, "/admin/whatsapp/branches/:code", h.whatsappBranch)
}

// page is what every view gets: who is signed in, the form token, an error
// (set when input was refused and nothing stored), a notice after a change,
// and the page's own data.
type page struct {
	Name, Role string
	CSRF       string
	Error      string
	Done       string
	Data       any
}

// done are the notices a redirect after a change may ask for.
var done = map[string]string{
	"user":     "The user was added.",
	"branch":   "The branch was added.",
	"status":   "The status mapping was saved.",
	"template": "The template was saved.",
	"reset":    "The template was reset to the default text.",
	"revoked":  "The node's tokens were revoked.",
	"task":     "The task was marked done.",

	"wa-account":   "The WhatsApp account was added. Link a phone to it.",
	"wa-pacing":    "The pacing was saved.",
	"wa-branch":    "The branch's WhatsApp settings were saved.",
	"wa-logout":    "The account was logged out.",
	"wa-reconnect": "The account connects again.",
}

func newPage(c *fiber.Ctx, data any) page {
	s, _ := staff.Current(c)
	return page{Name: cmp.Or(s.User.Name, s.User.Login), Role: s.User.Role, CSRF: s.CSRF, Done: done[c.Query("done")], Data: data}
}

// audit appends an admin change by the signed-in user to the log, through
// st (the change's transaction).
func audit(c *fiber.Ctx, st *store.Store, action, subject, detail string) error {
	s, _ := staff.Current(c)
	return st.Audit(c.UserContext(), store.AuditEntry{UserID: &s.User.ID, Action: action, Subject: subject, Detail: detail, IP: c.IP()})
}

// render executes a view into a buffer first, so a template error never
// sends half a page.
func (h *Handler) render(c *fiber.Ctx, status int, view string, p page) error {
	return render.Page(c, h.views, status, view, p, h.internal)
}

// refuse shows the page again with the problem and a 400; nothing was stored.
func (h *Handler) refuse(c *fiber.Ctx, view string, data any, problem string) error {
	p := newPage(c, data)
	p.Error = problem
	return h.render(c, fiber.StatusBadRequest, view, p)
}

func (h *Handler) internal(c *fiber.Ctx, what string, err error) error {
	return render.Internal(c, h.log, "admin", what, err, "internal error")
}
