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
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/realtime"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
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
	// Payments requests and refunds online payments from the thread
	// page's Payments card; nil hides the card.
	Payments Payments
	// PublicURL is the hub's address customers open: a courtesy-car
	// offer sends PublicURL + "/l/" + token. "" offers no car.
	PublicURL string
	// Identity cancels a loan's online identity verification when the
	// advisor moves the check to photos; nil: none is cancelled.
	Identity IdentityChecks
}

// Handler serves /inbox.
type Handler struct {
	*staffpage.Base
	store        *store.Store
	media        *hub.Media
	customerLink func(ctx context.Context, t hub.Thread) (string, error)
	queued       func()
	texts        *templates.Renderer
	broker       *realtime.Broker
	done         <-chan struct{}
	signals      ChatSignals
	payments     Payments
	identity     IdentityChecks
	publicURL    string        // Options.PublicURL, for the loan card's links
	thumbs       chan struct{} // thumbnail slots, see makeThumbnail
}

// New parses the views once; a broken view fails start-up. requireStaff is
// the staff handler's RequireStaff.
func New(st *store.Store, requireStaff func(roles ...string) fiber.Handler, o Options) (*Handler, error) {
	base, err := staffpage.New(staffpage.Surface{Name: "inbox", StaticPrefix: "/static/i", Views: viewFiles, Static: staticFiles,
		Funcs: viewFuncs, Styles: []string{"inbox.css", "team.css"}}, requireStaff, staffpage.Options{Logger: o.Logger, Now: o.Now})
	if err != nil {
		return nil, err
	}
	if o.Queued == nil {
		o.Queued = func() {}
	}
	return &Handler{Base: base, store: st, media: o.Media, customerLink: o.CustomerLink, queued: o.Queued, texts: o.Texts,
		broker: o.Broker, done: o.Done,
		signals: o.WhatsApp, payments: o.Payments, identity: o.Identity, publicURL: o.PublicURL, thumbs: make(chan struct{}, thumbSlots)}, nil
}

// The routes that take a file, up to MaxUploadBytes, from signed-in staff.
const (
	ReplyPath          = "/inbox/threads/:id/messages"
	MechanicUploadPath = "/mechanic/orders/:id/photos"
)

// Register adds the inbox routes (every route of this surface is here).
func (h *Handler) Register(app fiber.Router) {
	routes := h.Routes(app)
	anyone := routes.For()
	desk := routes.For(store.RoleAdvisor, store.RoleAdmin)
	workshop := routes.For(store.RoleMechanic, store.RoleAdvisor, store.RoleAdmin)
	anyone.Get("/inbox", h.livePosition, h.list)
	desk.Get(SLAPath, h.slaList)
	anyone.Get(eventsPath, h.events)
	const thread = "/inbox/threads/:id"
	anyone.Get(thread, h.livePosition, h.withThread(h.show))
	anyone.Get(thread+"/peek", h.withThread(h.peek))
	anyone.Get(thread+"/files/:fid", h.withThread(h.file))
	anyone.Get(InspectionPDFPath, h.withThread(h.inspectionPDF))
	anyone.Post(ReplyPath, h.withThread(h.reply))
	anyone.Post(thread+"/messages/:mid/resend", h.withThread(h.resend))
	desk.Post(thread+"/messages/:mid/forward", h.withThread(h.forward))
	desk.Post(thread+"/messages/:mid/move", h.withThread(h.move))
	anyone.Post(thread+"/typing", h.withThread(h.typing))
	anyone.Post(thread+"/notes", h.withThread(h.note))
	anyone.Post(thread+"/assign", h.withThread(h.assign))
	anyone.Post(thread+"/follow", h.withThread(h.follow))
	anyone.Post(thread+"/unfollow", h.withThread(h.unfollow))
	desk.Get(TeamPath, h.team)
	desk.Post(TeamPath+"/shift", h.teamShift)
	anyone.Post(thread+"/resolve", h.withThread(h.resolve))
	anyone.Post(thread+"/reopen", h.withThread(h.reopen))
	desk.Post(thread+"/merge", h.withThread(h.merge))
	desk.Post(thread+"/payments", h.withThread(h.requestPayment))
	routes.For(store.RoleAdmin).Post(thread+"/payments/:pid/refund", h.withThread(h.refundPayment))
	desk.Post(LoanDepositPath, h.settleDeposit)
	workshop.Get("/mechanic", h.mechanicSearch)
	workshop.Get("/mechanic/orders/:id", h.withThread(h.mechanicOrder))
	workshop.Post(MechanicUploadPath, h.withThread(h.mechanicUpload))
	h.registerInspectionCard(routes)
	h.registerInspection(workshop)
	h.registerLoans(desk)
	h.registerCarPhotos(routes)
}
