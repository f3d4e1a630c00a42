// Package adminpage serves a branch's e-mail sender for administrators,
// /admin/email: the From address and name of its e-mails, optional DKIM
// signing (domain, selector and a private key that is sealed and never
// shown again), the SMS fallback, and a test e-mail sent at once with the
// SMTP server's answer shown. Built on the staff-page base and mounted by
// the composition root, so the admin pages (hub/web/admin) know nothing
// of e-mail.
package adminpage

import (
	"context"
	"embed"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/email"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Tester sends a test e-mail with a branch's sender (*email.Sender).
type Tester interface {
	SendTest(ctx context.Context, branchID int64, to, subject, text string) error
}

var _ Tester = (*email.Sender)(nil)

// Options configure the page.
type Options struct {
	Logger *slog.Logger
	// Sealer seals the DKIM keys; required.
	Sealer *hub.Sealer
	// Tester sends the test e-mail; nil when this hub sends no e-mail
	// (no NARYAD_SMTP_HOST): the settings can still be saved.
	Tester Tester
	// DefaultFrom is NARYAD_MAIL_FROM, shown as what a branch without its
	// own sender uses.
	DefaultFrom string
	// TestTimeout bounds the test e-mail; default 45 s.
	TestTimeout time.Duration
}

// Handler serves /admin/email.
type Handler struct {
	*staffpage.Base
	store       *store.Store
	sealer      *hub.Sealer
	tester      Tester
	defaultFrom string
	testTimeout time.Duration
}

// New parses the views once; a broken view fails start-up.
func New(st *store.Store, requireStaff func(roles ...string) fiber.Handler, o Options) (*Handler, error) {
	if o.Sealer == nil {
		return nil, errNoSealer
	}
	base, err := staffpage.New(staffpage.Surface{Name: "e-mail page", StaticPrefix: "/static/em", Views: viewFiles, Static: staticFiles,
		Styles: []string{"email.css"}}, requireStaff, staffpage.Options{Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	if o.TestTimeout <= 0 {
		o.TestTimeout = 45 * time.Second
	}
	return &Handler{Base: base, store: st, sealer: o.Sealer, tester: o.Tester, defaultFrom: o.DefaultFrom, testTimeout: o.TestTimeout}, nil
}

// Register adds the page's routes, for admins only.
func (h *Handler) Register(app fiber.Router) {
	admin := h.Routes(app).For(store.RoleAdmin)
	admin.Get("/admin/email", h.show)
	admin.Post("/admin/email/settings", h.save)
	admin.Post("/admin/email/test", h.sendTest)
}

// page is what email.html gets.
type page struct {
	Frame staffpage.Frame
	CSRF  string
	Error string
	Done  string
	T     map[string]string
	Data  view
}

// view is one branch's sender as the form shows it: never the key.
type view struct {
	Branches    []hub.Branch
	Branch      hub.Branch
	Settings    hub.BranchEmailSettings
	KeySaved    bool
	DNSName     string // <selector>._domainkey.<domain>
	DNSRecord   string // its TXT value, from the saved key's public half
	DefaultFrom string
	Sending     bool   // this hub sends e-mail: the test button works
	TestTo      string // the address last typed for the test
}

func (h *Handler) newPage(c *fiber.Ctx, v view) page {
	s, _ := staff.Current(c)
	t := words(c)
	p := page{Frame: h.Frame(c, staffpage.Locale(c, texts), t["title"]), CSRF: s.CSRF, T: t, Data: v}
	switch c.Query("done") {
	case "settings":
		p.Done = t["saved"]
	case "test":
		p.Done = t["test_sent"]
	}
	return p
}

// refuse shows the page again with the problem and a 400: nothing stored.
func (h *Handler) refuse(c *fiber.Ctx, v view, problem string) error {
	p := h.newPage(c, v)
	p.Error = problem
	return h.Render(c, fiber.StatusBadRequest, "email.html", p)
}

// show is GET /admin/email?branch=CODE (default: the first branch).
func (h *Handler) show(c *fiber.Ctx) error {
	v, err := h.load(c.UserContext(), c.Query("branch"))
	if err != nil {
		return h.Internal(c, "e-mail page", err)
	}
	return h.Render(c, fiber.StatusOK, "email.html", h.newPage(c, v))
}

// load reads the branches, picks the one asked for (or the first) and
// its sender.
func (h *Handler) load(ctx context.Context, code string) (view, error) {
	v := view{DefaultFrom: h.defaultFrom, Sending: h.tester != nil}
	branches, err := h.store.Branches(ctx)
	if err != nil {
		return v, err
	}
	v.Branches = branches
	v.Branch = hub.PickBranch(branches, code)
	if v.Branch.ID == 0 {
		return v, nil
	}
	set, _, err := h.store.BranchEmailSettings(ctx, v.Branch.ID)
	if err != nil {
		return v, err
	}
	v.Settings = set
	v.KeySaved = set.DKIMKeySealed != ""
	if v.KeySaved && set.DKIMDomain != "" && set.DKIMSelector != "" {
		v.DNSName = set.DKIMSelector + "._domainkey." + set.DKIMDomain
		v.DNSRecord = h.publicRecord(set.DKIMKeySealed)
	}
	return v, nil
}

// publicRecord is the DNS record of a sealed key's public half; "" when
// the key no longer opens (the page then shows no record, the sender
// reports the problem on each message).
func (h *Handler) publicRecord(sealed string) string {
	pemText, err := h.sealer.Open(sealed)
	if err != nil {
		h.Log.Warn("e-mail page: the DKIM key does not open", "error", err)
		return ""
	}
	key, err := email.ParseDKIMKey(pemText)
	if err != nil {
		return ""
	}
	rec, err := email.DKIMRecord(key)
	if err != nil {
		return ""
	}
	return rec
}
