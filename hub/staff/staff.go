// Package staff is how advisors, mechanics and admins get in: argon2id
// passwords, the login page, server-side sessions in an HttpOnly cookie,
// lockout after repeated failures, CSRF tokens for staff forms and the
// RequireStaff middleware every staff page sits behind.
package staff

import (
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"naryad/hub/store"
	"naryad/render"
)

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Session and lockout rules.
const (
	SessionIdle     = 12 * time.Hour     // a session unused this long ends
	SessionLifetime = 7 * 24 * time.Hour // and every session ends after this
	touchEvery      = time.Minute        // last_seen_at is written at most this often
	failureWindow   = 15 * time.Minute   // failures counted together
	maxFailures     = 5                  // failures in the window that lock a login
	lockFor         = 15 * time.Minute   // how long a locked login stays locked
)

// Options configure the staff pages.
type Options struct {
	Secret         string // the server secret (CSRF MACs)
	SecureCookies  bool   // the public URL is https
	LoginRateLimit int    // POST /login per minute per IP; default 20
	PasswordChecks int    // password checks at once (64 MiB each); default one per CPU, at least 2
	// PasswordWait is how long a sign-in waits for a free check before
	// the page says "busy, try again"; default 10 s.
	PasswordWait time.Duration
	Logger       *slog.Logger
	Now          func() time.Time // the clock; time.Now when nil (tests move it)
}

// Handler serves /login, /logout and the staff pages.
type Handler struct {
	store          *store.Store
	views          *template.Template
	assets         *render.Static // its CSS and scripts
	secret         []byte
	secureCookies  bool
	loginRateLimit int
	passwordSlots  passwordSlots
	passwordWait   time.Duration
	log            *slog.Logger
	now            func() time.Time
}

// New parses the views once; a broken view fails start-up.
func New(st *store.Store, o Options) (*Handler, error) {
	assets, err := render.NewStatic("/static/s", staticFiles, "static")
	if err != nil {
		return nil, fmt.Errorf("staff pages: %w", err)
	}
	views, err := template.New("").Funcs(assets.Funcs()).ParseFS(viewFiles, "views/*.html")
	if err != nil {
		return nil, fmt.Errorf("staff pages: parse views: %w", err)
	}
	if o.LoginRateLimit <= 0 {
		o.LoginRateLimit = 20
	}
	if o.PasswordWait <= 0 {
		o.PasswordWait = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Handler{store: st, views: views, assets: assets, secret: []byte(o.Secret), secureCookies: o.SecureCookies,
		loginRateLimit: o.LoginRateLimit, passwordSlots: newPasswordSlots(o.PasswordChecks),
		passwordWait: o.PasswordWait, log: o.Logger, now: o.Now}, nil
}

// Register adds the sign-in routes. The pages behind sign-in are built on
// hub/web/staffpage, whose route groups put RequireStaff before them.
func (h *Handler) Register(app fiber.Router) {
	perIP := limiter.New(limiter.Config{
		Max: h.loginRateLimit, Expiration: time.Minute,
		LimitReached: func(c *fiber.Ctx) error {
			return c.Status(fiber.StatusTooManyRequests).SendString("Too many sign-in attempts; try again in a minute.")
		},
	})
	h.assets.Register(app)
	app.Get("/login", SecurityHeaders, h.loginPage)
	app.Post("/login", SecurityHeaders, perIP, h.login)
	app.Post("/logout", SecurityHeaders, h.RequireStaff(), h.logout)
	app.Post("/branch", SecurityHeaders, h.RequireStaff(), h.chooseBranch)
}

// SecurityHeaders is the middleware of every staff page (sign-in, and
// through hub/web/staffpage's route groups every page behind sign-in): never cached, framed or given a referrer, and running only its
// own scripts and styles.
func SecurityHeaders(c *fiber.Ctx) error {
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cache-Control", "no-store")
	return c.Next()
}

// render executes a view into a buffer first, so a template error never
// sends half a page.
func (h *Handler) render(c *fiber.Ctx, status int, view string, data any) error {
	return render.Page(c, h.views, status, view, data, h.internal)
}

func (h *Handler) internal(c *fiber.Ctx, what string, err error) error {
	return render.Internal(c, h.log, "staff page", what, err, "Something went wrong. Please try again.")
}
