package loan

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
	"naryad/hub/store"
	"naryad/hub/web/linkpage"
	"naryad/render"
	"naryad/templates"
)

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Options configure the loan page.
type Options struct {
	Secret         string // the server secret (session and CSRF MACs)
	SecureCookies  bool   // the public URL is https
	RateLimit      int    // requests per minute per IP under /l/; default 120
	UploadMaxBytes int64  // an identity photo's limit
	// PublicURL is the hub's public address (no trailing slash): the
	// providers send the customer back to PublicURL/l/<token>, and the
	// message with the signed agreement links there. Empty: the request's.
	PublicURL string
	// FormOrigins are where a provider button's redirect may lead (Stripe
	// Identity's and the payment providers' hosted pages), for the page's
	// Content-Security-Policy form-action; empty: any https origin. Used
	// only when Identity or Deposits is set.
	FormOrigins []string
	// Texts renders the message that carries the signed agreement to the
	// customer (document.ready, in their language, with branch overrides).
	Texts *templates.Renderer
	// Queued wakes the outbox after a message is queued; nil: it wakes
	// on its own schedule.
	Queued func()
	Logger *slog.Logger
	// The integrations (deps.go); each may be nil.
	Identity Identity
	Deposits Deposits
	Keys     Keys
	// Now is the clock; tests set it. Default time.Now.
	Now func() time.Time
}

// Handler serves /l/*.
type Handler struct {
	store     *store.Store
	media     *hub.Media
	views     *template.Template
	assets    *render.Static
	sessions  linkpage.Sessions
	rateLimit int
	uploadMax int64
	publicURL string
	csp       string
	texts     *templates.Renderer
	queued    func()
	log       *slog.Logger
	identity  Identity
	deposits  Deposits
	keys      Keys
	zones     hub.Zones
	now       func() time.Time
}

// Paths of the page. PhotoPath and SignPath carry bodies over the hub's
// small default (a photo; a drawn signature as a data URL), so app lists
// them with the body gate.
const (
	PagePath  = "/l/:token"
	PhotoPath = "/l/:token/identity/photo"
	SignPath  = "/l/:token/sign"
)

// SignMaxBytes is the largest sign form the page reads: the signature's
// PNG (loanpdf.MaxSignatureBytes) as base64 in a data URL, the name and
// the rest of the form, with room to spare so an oversize signature
// reaches the page and gets its words instead of a bare 413.
const SignMaxBytes = 1 << 20

// DocAgreement is the doc_kind of the signed agreement's attachment.
const DocAgreement = "loan_agreement"

// providerPressesPerMinute bounds how often one visitor may press a
// provider's button (identity check, deposit) on one page: each press
// calls the provider.
const providerPressesPerMinute = 10

// New parses the page's views once; a missing or broken view fails
// start-up.
func New(st *store.Store, media *hub.Media, o Options) (*Handler, error) {
	if o.Secret == "" {
		return nil, errors.New("loan page: no server secret")
	}
	if o.Texts == nil {
		return nil, errors.New("loan page: no message texts")
	}
	assets, err := render.NewStatic("/static/loan", staticFiles, "static")
	if err != nil {
		return nil, fmt.Errorf("loan page: %w", err)
	}
	views, err := template.New("").Funcs(assets.Funcs()).ParseFS(viewFiles, "views/*.html")
	if err != nil {
		return nil, fmt.Errorf("loan page: parse views: %w", err)
	}
	csp, err := linkpage.ContentSecurityPolicy(o.Identity != nil || o.Deposits != nil, o.FormOrigins)
	if err != nil {
		return nil, fmt.Errorf("loan page: %w", err)
	}
	h := &Handler{store: st, media: media, views: views, assets: assets, sessions: linkpage.Sessions{Secret: []byte(o.Secret), Cookie: sessionCookie, Label: "loan-", Secure: o.SecureCookies},
		rateLimit: o.RateLimit, uploadMax: o.UploadMaxBytes,
		publicURL: strings.TrimRight(o.PublicURL, "/"), csp: csp, texts: o.Texts, queued: o.Queued, log: o.Logger,
		identity: o.Identity, deposits: o.Deposits, keys: o.Keys, now: o.Now}
	if h.rateLimit <= 0 {
		h.rateLimit = 120
	}
	if h.uploadMax <= 0 {
		h.uploadMax = 10 << 20
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	return h, nil
}

// Register adds the loan page's routes.
func (h *Handler) Register(app fiber.Router) {
	h.assets.Register(app)
	l := app.Group("/l", h.securityHeaders, limiter.New(limiter.Config{
		Max: h.rateLimit, Expiration: time.Minute,
		LimitReached: func(c *fiber.Ctx) error {
			return c.Status(fiber.StatusTooManyRequests).SendString("Too many requests; try again in a minute.")
		},
	}))
	provider := limiter.New(limiter.Config{
		Max: providerPressesPerMinute, Expiration: time.Minute,
		KeyGenerator: func(c *fiber.Ctx) string { return c.IP() + " " + c.Params("token") },
		LimitReached: func(c *fiber.Ctx) error {
			return c.Status(fiber.StatusTooManyRequests).SendString("Too many attempts; try again in a minute.")
		},
	})
	l.Get("/:token", h.page)
	l.Post("/:token/identity/start", provider, h.startIdentity)
	l.Get("/:token/identity/status", h.identityStatus)
	l.Post(strings.TrimPrefix(PhotoPath, "/l"), h.uploadPhoto)
	l.Post(strings.TrimPrefix(SignPath, "/l"), h.sign)
	l.Get("/:token/agreement.pdf", h.agreementPDF)
	l.Post("/:token/deposit", provider, h.startDeposit)
	l.Post(strings.TrimPrefix(CarPhotoPath, "/l"), h.uploadCarPhoto)
	l.Get(strings.TrimPrefix(carPhotoFilePath, "/l"), h.carPhoto)
	l.Post(strings.TrimPrefix(carReadingsPath, "/l"), h.returnReading)
}

// MayUpload tells, before the body is read, whether the request comes from
// a browser holding a live loan link and its session: only such a request
// may send a photo or a signature. The route still decides the request
// (CSRF token, the loan's state, the file).
func (h *Handler) MayUpload(c *fiber.Ctx) bool {
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	v, err := h.resolve(ctx, c.Params("token"))
	return err == nil && h.session(c, v) != ""
}

// PageOf is the page an upload path (/l/<token>/…) belongs to, "" when the
// path is not under /l/<token>: where the server sends a customer whose
// file the body gate refused.
func PageOf(path string) string {
	rest, ok := strings.CutPrefix(path, "/l/")
	if !ok {
		return ""
	}
	token, _, _ := strings.Cut(rest, "/")
	if token == "" {
		return ""
	}
	return "/l/" + token
}

// securityHeaders: no referrer leaves the page (the URL is the key), only
// the page's own scripts and styles run, forms post only to the page (and
// the providers), the page is never framed nor cached.
func (h *Handler) securityHeaders(c *fiber.Ctx) error {
	linkpage.SetSecurityHeaders(c, h.csp)
	return c.Next()
}

// SecurityHeaders sets the page's headers on a response made outside its
// routes (the server's error handler).
func SecurityHeaders(c *fiber.Ctx) { linkpage.SetSecurityHeaders(c, linkpage.StrictCSP) }

// internal logs an error of the page, the path with its token hidden
// (LogPath), and answers 500 with words that say nothing of the cause.
func (h *Handler) internal(c *fiber.Ctx, what string, err error) error {
	h.log.Error("loan page", "op", what, "path", LogPath(c.Path()), "error", err)
	return c.Status(fiber.StatusInternalServerError).SendString("Something went wrong. Please try again.")
}

// LogPath is a path as logs may keep it: under /l/ the link's token, the
// key to the customer's loan, becomes "#" and the first twelve digits of
// its hash (hub.HashToken, what loans.token_hash keeps, so an operator
// still finds the loan); any other path is as it is.
func LogPath(path string) string {
	rest, ok := strings.CutPrefix(path, "/l/")
	if !ok {
		return path
	}
	token, tail, _ := strings.Cut(rest, "/")
	if token == "" {
		return path
	}
	if tail != "" {
		tail = "/" + tail
	}
	return "/l/#" + hub.HashToken(token)[:12] + tail
}

// render executes a view into a buffer first, so a template error never
// sends half a page.
func (h *Handler) render(c *fiber.Ctx, status int, view string, data any) error {
	return render.Page(c, h.views, status, view, data, h.internal)
}

// notFound is the page of an unknown or forged link, in the browser's
// language: it knows no loan, so it shows nothing of one.
func (h *Handler) notFound(c *fiber.Ctx) error {
	locale := neutralLocale(c.Get(fiber.HeaderAcceptLanguage))
	return h.render(c, fiber.StatusNotFound, "notfound.html", map[string]any{"T": texts[locale], "Locale": locale})
}

// withVisit resolves the link of the request and answers 404 for an
// unknown one before fn runs.
func (h *Handler) withVisit(c *fiber.Ctx, fn func(ctx context.Context, v visit) error) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
	defer cancel()
	v, err := h.resolve(ctx, c.Params("token"))
	if errors.Is(err, errNoAccess) {
		return h.notFound(c)
	}
	if err != nil {
		return h.internal(c, "resolve link", err)
	}
	return fn(ctx, v)
}

// publicBase is the hub's public address, else the request's own.
func (h *Handler) publicBase(c *fiber.Ctx) string {
	if h.publicURL != "" {
		return h.publicURL
	}
	return c.BaseURL()
}
