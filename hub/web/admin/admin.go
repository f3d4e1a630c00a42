// Package admin serves the administrators' pages at /admin: staff accounts,
// branches, status mappings, message templates, DMS tokens and WhatsApp
// accounts (the reminders page is reminders/adminpage). Every page is
// for the admin role only; every change is made in one transaction with its
// audit row, then redirected to a page that shows it (post-redirect-get).
package admin

import (
	"embed"
	"fmt"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/templates"
)

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Options configure the admin pages.
type Options struct {
	Logger *slog.Logger
	// WhatsApp links, logs out and reconnects accounts on /admin/whatsapp;
	// nil (WhatsApp off in this process) shows the accounts read-only.
	WhatsApp WhatsApp
	// Payments sets a branch's payment provider on
	// /admin/branches/<id>/payments; nil shows the settings read-only.
	Payments Payments
	// Identity sets a branch's online identity check on
	// /admin/branches/<id>/loaners; nil shows it read-only.
	Identity IdentityCheck
}

// Handler serves /admin.
type Handler struct {
	*staffpage.Base
	store    *store.Store
	defaults *templates.Renderer // default texts, for the template page's preview
	whatsapp WhatsApp
	payments Payments
	identity IdentityCheck
}

// New parses the views once; a broken view fails start-up. requireStaff is
// the staff handler's RequireStaff.
func New(st *store.Store, requireStaff func(roles ...string) fiber.Handler, o Options) (*Handler, error) {
	base, err := staffpage.New(staffpage.Surface{Name: "admin", StaticPrefix: "/static/a", Views: viewFiles, Static: staticFiles,
		Styles: []string{"admin.css"}}, requireStaff, staffpage.Options{Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	defaults, err := templates.New(nil)
	if err != nil {
		return nil, fmt.Errorf("admin: default templates: %w", err)
	}
	return &Handler{Base: base, store: st, defaults: defaults, whatsapp: o.WhatsApp, payments: o.Payments, identity: o.Identity}, nil
}

// Register adds the admin routes (every route of this surface is here; the
// reminders page, /admin/reminders, is reminders/adminpage).
func (h *Handler) Register(app fiber.Router) {
	admin := h.Routes(app).For(store.RoleAdmin)
	admin.Get("/admin", h.overview)
	admin.Get("/admin/users", h.userList)
	admin.Post("/admin/users", h.userAdd)
	admin.Post("/admin/users/:id/locale", h.userLocale)
	admin.Get("/admin/branches", h.branchList)
	admin.Post("/admin/branches", h.branchAdd)
	admin.Post("/admin/branches/:id/region", h.branchRegion)
	admin.Get("/admin/branches/:id/payments", h.paymentsShow)
	admin.Post("/admin/branches/:id/payments", h.paymentsSave)
	admin.Get("/admin/assign", h.assignPage)
	admin.Post("/admin/assign/branches/:id", h.assignBranchSave)
	admin.Post("/admin/assign/users/:id", h.assignUserSave)
	admin.Get("/admin/statuses", h.statusList)
	admin.Post("/admin/statuses", h.statusSet)
	admin.Get("/admin/templates", h.templateShow)
	admin.Post("/admin/templates", h.templateSave)
	admin.Get("/admin/tokens", h.tokenList)
	admin.Post("/admin/tokens", h.tokenCreate)
	admin.Post("/admin/tokens/revoke", h.tokenRevoke)
	admin.Get("/admin/whatsapp", h.whatsappList)
	admin.Post("/admin/whatsapp/accounts", h.whatsappAccountAdd)
	admin.Post("/admin/whatsapp/accounts/:id/pacing", h.whatsappPacing)
	admin.Post("/admin/whatsapp/accounts/:id/link", h.whatsappLinkStart)
	admin.Get("/admin/whatsapp/accounts/:id/link", h.whatsappLinkPage)
	admin.Get("/admin/whatsapp/accounts/:id/qr.png", h.whatsappQR)
	admin.Get("/admin/whatsapp/accounts/:id/state", h.whatsappLinkState)
	admin.Post("/admin/whatsapp/accounts/:id/logout", h.whatsappLogout)
	admin.Post("/admin/whatsapp/accounts/:id/reconnect", h.whatsappReconnect)
	admin.Post("/admin/whatsapp/branches/:code", h.whatsappBranch)
	h.registerChecklist(admin)
	h.registerSLA(admin)
	h.registerBooking(admin)
	h.registerLoaners(admin)
	h.registerLoanIdentity(admin)
}

// page is what every view gets: who is signed in, the form token, an error
// (set when input was refused and nothing stored), a notice after a change,
// and the page's own data.
type page struct {
	Frame staffpage.Frame
	T     map[string]string // the admin pages' words in the user's language (admin_texts.go)
	CSRF  string
	Error string
	Done  string
	Data  any
}

// newPage is the page c asks for around data, in the user's language; a
// redirect after a change names its notice in ?done= (texts' "done_…").
func (h *Handler) newPage(c *fiber.Ctx, data any) page {
	s, _ := staff.Current(c)
	t := words(c)
	p := page{Frame: h.Frame(c, staffpage.Locale(c, texts), t["title"]), T: t, CSRF: s.CSRF, Data: data}
	if d := c.Query("done"); d != "" {
		p.Done = t["done_"+d]
	}
	return p
}

// words are the admin pages' words in the language of the page c asks for.
func words(c *fiber.Ctx) map[string]string { return texts[staffpage.Locale(c, texts)] }

// refusals are the words of the forms' refusals written in Go, in the
// language of the page c asks for (admin_refusal_texts.go).
func refusals(c *fiber.Ctx) map[string]string { return refusalTexts[staffpage.Locale(c, refusalTexts)] }

// refuse shows the page again with the problem and a 400; nothing was stored.
func (h *Handler) refuse(c *fiber.Ctx, view string, data any, problem string) error {
	p := h.newPage(c, data)
	p.Error = problem
	return h.Render(c, fiber.StatusBadRequest, view, p)
}
