package app

import (
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"naryad/cli"
	"naryad/dms"
	emailadmin "naryad/email/adminpage"
	"naryad/hub/staff"
	"naryad/hub/web/account"
	"naryad/hub/web/admin"
	"naryad/hub/web/bodylimit"
	"naryad/hub/web/customer"
	"naryad/hub/web/forminput"
	"naryad/hub/web/inbox"
	"naryad/hub/web/loan"
	"naryad/hub/web/profile"
	"naryad/hub/web/report"
	"naryad/hub/web/unsubscribe"
	"naryad/identity"
	"naryad/lockerhub"
	lockerpanel "naryad/lockerhub/panel"
	"naryad/lockerwire"
	"naryad/payments"
	remindersadmin "naryad/reminders/adminpage"
)

// routeDeps are the handlers the routes dispatch to.
type routeDeps struct {
	bodies    *bodylimit.Gate
	dms       *dms.Handler
	lockers   *lockerhub.Handler // the kiosks' sync
	twilio    *twilioStatus      // nil unless the SMS provider is Twilio
	customer  *customer.Handler
	loan      *loan.Handler    // /l/<token>: the courtesy car
	account   *account.Handler // /account: the customer's own account
	staff     *staff.Handler
	inbox     *inbox.Handler
	report    *report.Handler
	profile   *profile.Handler // /profile
	admin     *admin.Handler
	reminders *remindersadmin.Handler // /admin/reminders
	email     *emailadmin.Handler     // /admin/email: a branch's e-mail sender
	panel     *lockerpanel.Handler    // the staff's locker panel
	payments  *payments.Service       // the payment providers' webhooks
	identity  *identity.Service       // the identity providers' webhooks
	unsub     *unsubscribe.Handler    // /unsubscribe/<token>: one-click unsubscribe of e-mails (#21)
	health    *healthCheck
}

// routes mounts every part of the hub's HTTP surface, in the order that
// matters: the body gate before anything reads a body, the form-input rule
// before the pages. Each part lists its own routes in its Register (the DMS
// exchange, the kiosks' sync, the customer page, the staff pages); the few
// that belong to no part are here.
func (s *Server) routes(d routeDeps) {
	d.bodies.Install(s.app, s.uploads(d)...) // first: no route reads a body before it
	s.app.Get("/healthz", d.health.handle)
	// Query and form text of every web page follows one rule: a NUL or
	// broken UTF-8 is a 400, other control characters are dropped. The DMS
	// exchange, the kiosks and the SMS provider's hooks keep their own.
	s.app.Use(forminput.New("/api/", "/hooks/"))
	s.app.Get("/", staff.SecurityHeaders, d.staff.Home)
	s.app.Get("/favicon.ico", serveFavicon)
	d.dms.Register(s.app)
	d.lockers.Register(s.app)
	d.customer.Register(s.app)
	d.loan.Register(s.app)
	d.account.Register(s.app)
	d.staff.Register(s.app)
	d.inbox.Register(s.app)
	d.report.Register(s.app)
	d.profile.Register(s.app)
	d.admin.Register(s.app)
	d.reminders.Register(s.app)
	d.email.Register(s.app)
	d.panel.Register(s.app)
	d.payments.Register(s.app)
	d.identity.Register(s.app)
	d.unsub.Register(s.app)
	if d.twilio != nil {
		s.app.Post(twilioStatusPath, d.twilio.handle)
	}
}

// Request bodies: anyone may send smallBodyBytes (every form but a file
// upload); more only on the routes below, to callers they recognise.
const smallBodyBytes = 64 << 10

// uploadSlack is what a multipart form adds to its file (boundaries, the
// text, the CSRF field), and lets a file slightly over its limit reach the
// page that says so in the user's words.
const uploadSlack = 1 << 20

// The pools of large bodies, one per kind of caller, each with a budget of
// its own: the DMS exchange and the kiosks never wait for people, and
// staff never wait for whoever holds a customer link.
const (
	machinesPool  = "machines"  // the DMS exchange, the kiosks' sync
	staffPool     = "staff"     // signed-in advisors and mechanics
	customersPool = "customers" // anyone with a customer link
)

// uploads are the routes that take bodies over smallBodyBytes, with their
// limits and the check, made on the headers alone, of who may send one.
func (s *Server) uploads(d routeDeps) []bodylimit.Upload {
	post := fiber.MethodPost
	staffMax := inbox.MaxUploadBytes + uploadSlack
	return []bodylimit.Upload{
		{Method: post, Path: dms.EventsPath, MaxBytes: s.cfg.DMSMaxBodyBytes, Allowed: d.dms.Authorized, Pool: machinesPool},
		{Method: post, Path: lockerwire.SyncPath, MaxBytes: lockerhub.MaxBodyBytes, Allowed: d.lockers.Authorized, Pool: machinesPool},
		// One file at a time per link: a visitor with one SMS link holds
		// at most one upload's worth of the customers' pool.
		{Method: post, Path: customer.MessagesPath, MaxBytes: s.cfg.UploadMaxBytes + uploadSlack, Allowed: d.customer.MayUpload,
			Pool: customersPool, OneAt: func(c *fiber.Ctx) string { return c.Params("token") }},
		// The courtesy car's identity photos and drawn signature: as a
		// customer's message, one at a time per loan link.
		{Method: post, Path: loan.PhotoPath, MaxBytes: s.cfg.UploadMaxBytes + uploadSlack, Allowed: d.loan.MayUpload,
			Pool: customersPool, OneAt: func(c *fiber.Ctx) string { return c.Params("token") }},
		{Method: post, Path: loan.SignPath, MaxBytes: loan.SignMaxBytes, Allowed: d.loan.MayUpload,
			Pool: customersPool, OneAt: func(c *fiber.Ctx) string { return c.Params("token") }},
		// The courtesy car's photos at pickup and return: as the identity
		// photos, one at a time per loan link.
		{Method: post, Path: loan.CarPhotoPath, MaxBytes: s.cfg.UploadMaxBytes + uploadSlack, Allowed: d.loan.MayUpload,
			Pool: customersPool, OneAt: func(c *fiber.Ctx) string { return c.Params("token") }},
		{Method: post, Path: inbox.ReplyPath, MaxBytes: staffMax, Allowed: d.staff.SignedIn, Pool: staffPool},
		{Method: post, Path: inbox.MechanicUploadPath, MaxBytes: staffMax, Allowed: d.staff.SignedIn, Pool: staffPool},
		{Method: post, Path: inbox.InspectionUploadPath, MaxBytes: staffMax, Allowed: d.staff.SignedIn, Pool: staffPool},
		{Method: post, Path: inbox.LoanCarPhotoUploadPath, MaxBytes: staffMax, Allowed: d.staff.SignedIn, Pool: staffPool},
	}
}

// newBodyGate holds at most a pool's budget of its large bodies at once (or
// its largest single one, if larger): past it an upload is answered 503.
// In all at most 64 + 2×32 MiB with the default limits (staff: 51 MiB).
func newBodyGate(cfg *cli.Config) *bodylimit.Gate {
	return bodylimit.New(smallBodyBytes, map[string]int{
		machinesPool:  max(64<<20, cfg.DMSMaxBodyBytes, lockerhub.MaxBodyBytes),
		staffPool:     max(32<<20, inbox.MaxUploadBytes+uploadSlack),
		customersPool: max(32<<20, cfg.UploadMaxBytes+uploadSlack),
	})
}

// newApp builds the fiber app with the hub's limits and error shape.
func newApp(cfg *cli.Config, log *slog.Logger, bodies *bodylimit.Gate) *fiber.App {
	fc := fiber.Config{
		DisableStartupMessage: true,
		ReadTimeout:           60 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Behind a reverse proxy the client is in X-Forwarded-For, believed
		// only from the proxies named in NARYAD_TRUSTED_PROXIES: it keys the
		// customer pages' rate limit and is kept as decision evidence.
		// clientAddress reads it from the right into clientIPHeader.
		ProxyHeader:             proxyHeader(cfg),
		EnableTrustedProxyCheck: len(cfg.Proxies()) > 0,
		TrustedProxies:          cfg.Proxies(),
		EnableIPValidation:      true,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			code := fiber.StatusInternalServerError
			var fe *fiber.Error
			if errors.As(err, &fe) {
				code = fe.Code
			} else {
				log.Error("http", "method", c.Method(), "path", loan.LogPath(c.Path()), "error", err) // no loan link's token
			}
			if code == fiber.StatusRequestEntityTooLarge && strings.HasPrefix(c.Path(), "/c/") && strings.HasSuffix(c.Path(), "/messages") {
				// A customer's file over every limit: back to their page
				// with the same words as a file over the upload limit.
				customer.SecurityHeaders(c)
				return c.Redirect(strings.TrimSuffix(c.Path(), "/messages")+"?err=file_too_big", fiber.StatusSeeOther)
			}
			if code == fiber.StatusRequestEntityTooLarge && loan.PageOf(c.Path()) != "" {
				// An identity photo or a signature over every limit: back
				// to the loan page, which says so in the customer's words.
				loan.SecurityHeaders(c)
				return c.Redirect(loan.PageOf(c.Path())+"?err=file_too_big", fiber.StatusSeeOther)
			}
			msg := statusText(code, fe, c.Path())
			if strings.HasPrefix(c.Path(), "/api/") {
				return c.Status(code).JSON(fiber.Map{"error": msg})
			}
			return c.Status(code).SendString(msg)
		},
	}
	bodies.Configure(&fc)
	app := fiber.New(fc)
	// After a burst (every open page reconnecting at once) the server's
	// idle request workers, with the stacks they grew, go back to the
	// runtime within seconds instead of the default ten.
	app.Server().MaxIdleWorkerDuration = 2 * time.Second
	if proxies := cfg.Proxies(); len(proxies) > 0 {
		app.Use(clientAddress(trustedProxies(proxies))) // first: before anything asks c.IP()
	}
	return app
}

// statusText is the error text for a status code: the body gate's own
// reason for refusing a body, with the one limit a DMS integrator most
// often hits named.
func statusText(code int, fe *fiber.Error, path string) string {
	switch code {
	case fiber.StatusRequestEntityTooLarge, fiber.StatusUnsupportedMediaType, fiber.StatusServiceUnavailable:
		if fe == nil {
			break
		}
		if code == fiber.StatusRequestEntityTooLarge && path == dms.EventsPath {
			return fe.Message + " (NARYAD_DMS_MAX_BODY_BYTES)"
		}
		return fe.Message
	}
	return strings.ToLower(utils.StatusMessage(code))
}

func proxyHeader(cfg *cli.Config) string {
	if len(cfg.Proxies()) == 0 {
		return ""
	}
	return clientIPHeader
}
