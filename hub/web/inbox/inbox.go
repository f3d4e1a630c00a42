// Package inbox serves the advisors' shared inbox at /inbox: the threads of
// the signed-in user's branches, newest activity first, with filters,
// search, unread counts and the first-response badge; and each thread's page
// at /inbox/threads/<id> with the conversation, the work order, replies,
// private notes, assignment, resolve/reopen and resend.
//
// Live updates: /inbox/events streams the thread events of the user's
// branches over SSE (live.go); the pages' script reloads what changed.
package inbox

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/realtime"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/render"
	"naryad/templates"
)

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Options configure the inbox.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // the clock of the first-response badge; time.Now when nil
	Media  *hub.Media       // where attachments are; without it, thread files answer 404
	// CustomerLink gives the customer-page link a reply carries, so an SMS
	// customer can answer; nil or "" sends the text alone.
	CustomerLink func(ctx context.Context, t hub.Thread) (string, error)
	// Queued is called after a reply is queued (it wakes the outbox).
	Queued func()
	// Texts renders message templates for the composer's picker; nil hides it.
	Texts *templates.Renderer
	// Broker feeds the live stream /inbox/events; without it the pages
	// stay static.
	Broker *realtime.Broker
	// Done is closed at shutdown: it ends open event streams.
	Done <-chan struct{}
	// WhatsApp marks a thread's customer messages read when it is opened
	// and shows "typing…" while an advisor writes; nil without WhatsApp.
	WhatsApp ChatSignals
}

// Handler serves /inbox.
type Handler struct {
	store        *store.Store
	requireStaff func(roles ...string) fiber.Handler
	views        *template.Template
	assets       *render.Static // its CSS and scripts
	log          *slog.Logger
	now          func() time.Time
	media        *hub.Media
	customerLink func(ctx context.Context, t hub.Thread) (string, error)
	queued       func()
	texts        *templates.Renderer
	broker       *realtime.Broker
	done         <-chan struct{}
	signals      ChatSignals
}

// New parses the views once; a broken view fails start-up. requireStaff is
// the staff handler's RequireStaff.
func New(st *store.Store, requireStaff func(roles ...string) fiber.Handler, o Options) (*Handler, error) {
	assets, err := render.NewStatic("/static/i", staticFiles, "static")
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	views, err := template.New("").Funcs(viewFuncs).Funcs(assets.Funcs()).ParseFS(viewFiles, "views/*.html")
	if err != nil {
		return nil, fmt.Errorf("inbox: parse views: %w", err)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Queued == nil {
		o.Queued = func() {}
	}
	return &Handler{store: st, requireStaff: requireStaff, views: views, assets: assets, log: o.Logger, now: o.Now, media: o.Media,
		customerLink: o.CustomerLink, queued: o.Queued, texts: o.Texts, broker: o.Broker, done: o.Done,
		signals: o.WhatsApp}, nil
}

// The routes that take a file, up to MaxUploadBytes, from signed-in staff.
const (
	ReplyPath          = "/inbox/threads/:id/messages"
	MechanicUploadPath = "/mechanic/orders/:id/photos"
)

// Register adds the inbox routes (every route of this surface is here).
func (h *Handler) Register(app fiber.Router) {
	h.assets.Register(app)
	app.Get("/inbox", staff.SecurityHeaders, h.requireStaff(), h.livePosition, h.list)
	app.Get(eventsPath, staff.SecurityHeaders, h.requireStaff(), h.events)
	const thread = "/inbox/threads/:id"
	app.Get(thread, staff.SecurityHeaders, h.requireStaff(), h.livePosition, h.withThread(h.show))
	app.Get(thread+"/files/:fid", staff.SecurityHeaders, h.requireStaff(), h.withThread(h.file))
	app.Post(ReplyPath, staff.SecurityHeaders, h.requireStaff(), h.withThread(h.reply))
	app.Post(thread+"/messages/:mid/resend", staff.SecurityHeaders, h.requireStaff(), h.withThread(h.resend))
	app.Post(thread+"/messages/:mid/forward", staff.SecurityHeaders, h.requireStaff(store.RoleAdvisor, store.RoleAdmin), h.withThread(h.forward))
	app.Post(thread+"/messages/:mid/move", staff.SecurityHeaders, h.requireStaff(store.RoleAdvisor, store.RoleAdmin), h.withThread(h.move))
	app.Post(thread+"/typing", staff.SecurityHeaders, h.requireStaff(), h.withThread(h.typing))
	app.Post(thread+"/notes", staff.SecurityHeaders, h.requireStaff(), h.withThread(h.note))
	app.Post(thread+"/assign", staff.SecurityHeaders, h.requireStaff(), h.withThread(h.assign))
	app.Post(thread+"/resolve", staff.SecurityHeaders, h.requireStaff(), h.withThread(h.resolve))
	app.Post(thread+"/reopen", staff.SecurityHeaders, h.requireStaff(), h.withThread(h.reopen))
	app.Post(thread+"/merge", staff.SecurityHeaders, h.requireStaff(store.RoleAdvisor, store.RoleAdmin), h.withThread(h.merge))
	workshop := h.requireStaff(store.RoleMechanic, store.RoleAdvisor, store.RoleAdmin)
	app.Get("/mechanic", staff.SecurityHeaders, workshop, h.mechanicSearch)
	app.Get("/mechanic/orders/:id", staff.SecurityHeaders, workshop, h.withThread(h.mechanicOrder))
	app.Post(MechanicUploadPath, staff.SecurityHeaders, workshop, h.withThread(h.mechanicUpload))
}

// render executes a view into a buffer first, so a template error never
// sends half a page.
func (h *Handler) render(c *fiber.Ctx, view string, data any) error {
	return render.Page(c, h.views, fiber.StatusOK, view, data, h.internal)
}

func (h *Handler) internal(c *fiber.Ctx, what string, err error) error {
	return render.Internal(c, h.log, "inbox", what, err, "internal error")
}
