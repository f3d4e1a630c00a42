package server

import (
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"naryad/dms"
	"naryad/hub/config"
	"naryad/hub/lockers"
	"naryad/hub/staff"
	"naryad/hub/web/admin"
	"naryad/hub/web/customer"
	"naryad/hub/web/forminput"
	"naryad/hub/web/inbox"
	"naryad/hub/web/lockerpanel"
	"naryad/hub/web/report"
)

// routeDeps are the handlers the routes dispatch to.
type routeDeps struct {
	dms      *dms.Handler
	lockers  *lockers.Handler // the kiosks' sync
	twilio   *twilioStatus    // nil unless the SMS provider is Twilio
	customer *customer.Handler
	staff    *staff.Handler
	inbox    *inbox.Handler
	report   *report.Handler
	admin    *admin.Handler
	panel    *lockerpanel.Handler // the staff's locker panel
	health   *healthCheck
}

// routes lists every HTTP route of the hub in one place.
func (s *Server) routes(d routeDeps) {
	s.app.Get("/healthz", d.health.handle)
	// Query and form text of every web page follows one rule: a NUL or
	// broken UTF-8 is a 400, other control characters are dropped. The DMS
	// exchange, the kiosks and the SMS provider's hooks keep their own.
	s.app.Use(forminput.New("/api/", "/hooks/"))
	d.dms.Register(s.app)
	d.lockers.Register(s.app)
	d.customer.Register(s.app)
	d.staff.Register(s.app)
	d.inbox.Register(s.app)
	d.report.Register(s.app)
	d.admin.Register(s.app)
	d.panel.Register(s.app)
	if d.twilio != nil {
		s.app.Post(twilioStatusPath, d.twilio.handle)
	}
}

// newApp builds the fiber app with the hub's limits and error shape.
func newApp(cfg *config.Config, log *slog.Logger) *fiber.App {
	app := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		// The exchange and the customer upload check their own limits and
		// answer in their own shape; the slack lets a slightly-too-large
		// request reach those checks instead of a connection reset.
		BodyLimit:    max(cfg.DMSMaxBodyBytes, cfg.UploadMaxBytes, inbox.MaxUploadBytes) + 1<<20,
		ReadTimeout:  60 * time.Second,
		WriteTimeout: 60 * time.Second,
		IdleTimeout:  120 * time.Second,
		// Behind a reverse proxy the client is in X-Forwarded-For, believed
		// only from the proxies named in NARYAD_TRUSTED_PROXIES: it keys the
		// customer pages' rate limit and is kept as decision evidence.
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
				log.Error("http", "method", c.Method(), "path", c.Path(), "error", err)
			}
			if code == fiber.StatusRequestEntityTooLarge && strings.HasPrefix(c.Path(), "/c/") && strings.HasSuffix(c.Path(), "/messages") {
				// A customer's file over every limit: back to their page
				// with the same words as a file over the upload limit.
				customer.SecurityHeaders(c)
				return c.Redirect(strings.TrimSuffix(c.Path(), "/messages")+"?err=file_too_big", fiber.StatusSeeOther)
			}
			msg := statusText(code)
			if strings.HasPrefix(c.Path(), "/api/") {
				return c.Status(code).JSON(fiber.Map{"error": msg})
			}
			return c.Status(code).SendString(msg)
		},
	})
	// After a burst (every open page reconnecting at once) the server's
	// idle request workers, with the stacks they grew, go back to the
	// runtime within seconds instead of the default ten.
	app.Server().MaxIdleWorkerDuration = 2 * time.Second
	return app
}

// statusText is the error text for a status code, with the one limit a
// DMS integrator most often hits spelled out.
func statusText(code int) string {
	if code == fiber.StatusRequestEntityTooLarge {
		return "request body is over the configured limit (NARYAD_DMS_MAX_BODY_BYTES)"
	}
	return strings.ToLower(utils.StatusMessage(code))
}

func proxyHeader(cfg *config.Config) string {
	if len(cfg.Proxies()) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}
