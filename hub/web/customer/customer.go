// Package customer serves the page a customer opens from the link in an SMS
// (/c/<token>): the work order's status, the conversation, documents and
// the estimate to approve, live over Server-Sent Events, and every action
// also as a plain form for browsers without JavaScript.
package customer

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"naryad/hub"
	"naryad/hub/realtime"
	"naryad/hub/reply"
	"naryad/hub/store"
	"naryad/hub/web/linkpage"
	"naryad/render"
)

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Options configure the customer page.
type Options struct {
	Secret         string // the server secret (session and CSRF MACs)
	UploadMaxBytes int64
	SecureCookies  bool // the public URL is https
	RateLimit      int  // requests per minute per IP under /c/
	Logger         *slog.Logger
	// Done is closed when the server shuts down: open event streams end so
	// the shutdown does not wait for browsers.
	Done <-chan struct{}
	// OptOut recognises a customer's STOP / START reply about reminders.
	OptOut reply.OptOutWords
	// Payments takes payments online; nil offers no pay button anywhere.
	Payments Payments
	// PublicURL is the hub's public address (no trailing slash): the
	// payment provider sends the customer back there. Empty: the request's.
	PublicURL string
	// PayOrigins are where a pay button's redirect may lead (the
	// providers' hosted pages), for the pages' Content-Security-Policy
	// form-action; empty: any https origin. Used only with Payments.
	PayOrigins []string
}

// Handler serves /c/*.
type Handler struct {
	store         *store.Store
	media         *hub.Media
	broker        *realtime.Broker
	views         *template.Template
	assets        *render.Static // its CSS and scripts
	sessions      linkpage.Sessions
	uploadMax     int64
	secureCookies bool
	rateLimit     int
	log           *slog.Logger
	done          <-chan struct{}
	cache         eventCache
	frames        frameCache
	zones         hub.Zones
	optOut        reply.OptOutWords
	payments      Payments
	publicURL     string
	csp           string // the pages' Content-Security-Policy
}

// New parses the page's views once; a missing or broken view fails start-up.
func New(st *store.Store, media *hub.Media, broker *realtime.Broker, o Options) (*Handler, error) {
	assets, err := render.NewStatic("/static/c", staticFiles, "static")
	if err != nil {
		return nil, fmt.Errorf("customer page: %w", err)
	}
	views, err := template.New("").Funcs(viewFuncs).Funcs(assets.Funcs()).ParseFS(viewFiles, "views/*.html")
	if err != nil {
		return nil, fmt.Errorf("customer page: parse views: %w", err)
	}
	if o.RateLimit <= 0 {
		o.RateLimit = 120
	}
	csp, err := linkpage.ContentSecurityPolicy(o.Payments != nil, o.PayOrigins)
	if err != nil {
		return nil, fmt.Errorf("customer page: %w", err)
	}
	return &Handler{csp: csp, store: st, media: media, broker: broker, views: views, assets: assets, sessions: linkpage.Sessions{Secret: []byte(o.Secret), Cookie: sessionCookie, Secure: o.SecureCookies},
		uploadMax: o.UploadMaxBytes, secureCookies: o.SecureCookies, rateLimit: o.RateLimit, log: o.Logger, done: o.Done,
		optOut: o.OptOut, payments: o.Payments, publicURL: strings.TrimRight(o.PublicURL, "/")}, nil
}

// Register adds the customer routes.
func (h *Handler) Register(app fiber.Router) {
	h.assets.Register(app)
	c := app.Group("/c", h.securityHeaders, limiter.New(limiter.Config{
		Max: h.rateLimit, Expiration: time.Minute,
		LimitReached: func(c *fiber.Ctx) error {
			return c.Status(fiber.StatusTooManyRequests).SendString("Too many requests; try again in a minute.")
		},
	}))
	c.Get("/:token", h.page)
	c.Get("/:token/events", h.events)
	c.Post(strings.TrimPrefix(MessagesPath, "/c"), h.postMessage)
	c.Post("/:token/estimate/review", h.reviewEstimate)
	c.Post("/:token/estimate", h.decide)
	c.Get("/:token/files/:id", h.file)
	c.Get("/:token/inspection/media/:id", h.reportMedia(false))
	c.Get("/:token/inspection/media/:id/thumb", h.reportMedia(true))
	c.Get(InspectionPDFPath, h.inspectionPDF)
	c.Post("/:token/pay", limiter.New(limiter.Config{
		Max: payPressesPerMinute, Expiration: time.Minute,
		KeyGenerator: func(c *fiber.Ctx) string { return c.IP() + " " + c.Params("token") },
		LimitReached: func(c *fiber.Ctx) error {
			return c.Status(fiber.StatusTooManyRequests).SendString("Too many attempts to pay; try again in a minute.")
		},
	}), h.pay)
	c.Get("/:token/pay/return/:id", h.payReturn)
	c.Post("/:token/account", h.toAccount)
}

// MessagesPath is where the customer's page posts a message and its file:
// the surface's one large body.
const MessagesPath = "/c/:token/messages"

// MayUpload tells, before the body is read, whether the request comes from
// a browser holding a live link and its session: only such a request may
// send a file. postMessage still decides the request (CSRF token, file).
func (h *Handler) MayUpload(c *fiber.Ctx) bool {
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	v, err := h.resolve(ctx, c.Params("token"))
	return err == nil && !v.expired && h.session(c, v) != ""
}

// securityHeaders: no referrer leaves the page (the URL is the key), only
// the page's own scripts and styles run, forms post only to the page (and
// a pay button's answer leads only to a payment provider), and it is
// never framed.
func (h *Handler) securityHeaders(c *fiber.Ctx) error {
	linkpage.SetSecurityHeaders(c, h.csp)
	return c.Next()
}

// SecurityHeaders sets the customer pages' headers on a response made
// outside their routes (the server's error handler).
func SecurityHeaders(c *fiber.Ctx) { linkpage.SetSecurityHeaders(c, linkpage.StrictCSP) }

// withVisit resolves the token of the request and answers 404 (unknown or
// revoked) or the expired page before fn runs.
func (h *Handler) withVisit(c *fiber.Ctx, allowExpired bool, fn func(v visit) error) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	v, err := h.resolve(ctx, c.Params("token"))
	if errors.Is(err, errNoAccess) {
		return h.notFound(c)
	}
	if err != nil {
		return h.internal(c, "resolve link", err)
	}
	if v.expired && !allowExpired {
		return h.expiredPage(c, v)
	}
	return fn(v)
}

func (h *Handler) notFound(c *fiber.Ctx) error {
	return c.Status(fiber.StatusNotFound).SendString("Not found")
}

func (h *Handler) internal(c *fiber.Ctx, what string, err error) error {
	return render.Internal(c, h.log, "customer page", what, err, "Something went wrong. Please try again.")
}

// render executes a view into a buffer first, so a template error never
// sends half a page.
func (h *Handler) render(c *fiber.Ctx, status int, view string, data any) error {
	return render.Page(c, h.views, status, view, data, h.internal)
}
