// Package account serves the customer's own account under /account: sign-in
// by a one-time code, the garage of every car tied to the customer's
// verified phones across the dealer network, booking a visit, and consent
// and privacy. Each part lives in its own files (signin*.go, garage*.go,
// booking*.go, privacy*.go) with its own views and texts; this file holds
// what they share: the handler, its routes and the security headers.
package account

import (
	"fmt"
	"html/template"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/render"
)

// Options configure the account pages.
type Options struct {
	Secret        string // the server secret (CSRF MACs)
	SecureCookies bool   // the public URL is https: cookies only over TLS
	RateLimit     int    // requests per minute per IP under /account; default 120
	Logger        *slog.Logger
	// Media holds the stored files the garage's documents are read from.
	Media *hub.Media
	// Codes delivers sign-in codes (SMSCodeSender in the hub); nil: the
	// sign-in page says codes cannot be sent.
	Codes CodeSender
	// WhatsAppCodes delivers codes by WhatsApp when the hub has a connected
	// account (whatsapp.Codes); nil: SMS only.
	WhatsAppCodes OptionalCodeSender
	// Now is the clock; tests set it. Default time.Now.
	Now func() time.Time
}

// Handler serves /account/*.
type Handler struct {
	store         *store.Store
	views         *template.Template
	assets        *render.Static
	texts         map[string]map[string]string
	secret        []byte
	secureCookies bool
	rateLimit     int
	log           *slog.Logger
	media         *hub.Media
	zones         hub.Zones // branches' clocks, each loaded once: cards and calendars read them in loops
	now           func() time.Time
	codes         CodeSender
	waCodes       OptionalCodeSender
}

// New parses the views and merges the texts of every part.
func New(st *store.Store, o Options) (*Handler, error) {
	if o.Secret == "" {
		return nil, fmt.Errorf("account pages: no server secret")
	}
	assets, err := render.NewStatic("/static/account", staticFiles, "static")
	if err != nil {
		return nil, fmt.Errorf("account pages: %w", err)
	}
	h := &Handler{store: st, assets: assets, secret: []byte(o.Secret), secureCookies: o.SecureCookies,
		rateLimit: o.RateLimit, log: o.Logger, media: o.Media, now: o.Now, codes: o.Codes, waCodes: o.WhatsAppCodes}
	if h.rateLimit <= 0 {
		h.rateLimit = 120
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	h.texts, err = mergeTexts()
	if err != nil {
		return nil, fmt.Errorf("account pages: %w", err)
	}
	h.views, err = template.New("").Funcs(h.viewFuncs()).Funcs(assets.Funcs()).ParseFS(viewFiles, "views/*.html")
	if err != nil {
		return nil, fmt.Errorf("account pages: parse views: %w", err)
	}
	return h, nil
}

// Register adds the account routes: the public ones (sign-in, the branch
// directory) and, behind requireAccount, the signed-in ones.
func (h *Handler) Register(app fiber.Router) {
	h.assets.Register(app)
	public := app.Group("/account", securityHeaders, limiter.New(limiter.Config{
		Max: h.rateLimit, Expiration: time.Minute,
		LimitReached: func(c *fiber.Ctx) error {
			return c.Status(fiber.StatusTooManyRequests).SendString("Too many requests; try again in a minute.")
		},
	}))
	h.registerSignIn(public)
	// Public routes go before the guard: a fiber group with a handler is
	// a middleware on its whole prefix, so a public route registered after
	// it would be sent to sign-in.
	h.registerDirectory(public)
	in := public.Group("", h.requireAccount)
	h.registerGarage(in)
	h.registerBooking(in)
	h.registerPrivacy(in)
}

// csp: only the pages' own scripts, styles and images; forms post only here;
// never framed.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders: no referrer leaves a page, nothing is cached (the pages
// hold personal data), the policy above.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("Content-Security-Policy", csp)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Cache-Control", "no-store")
	return c.Next()
}
