// Package unsubscribe serves the one-click unsubscribe address of naryad's
// e-mails (RFC 8058), /unsubscribe/<token>: the token (hub.Unsubscribes)
// names a customer and a purpose. GET shows a confirmation page in the
// customer's language with one button; POST with the body
// "List-Unsubscribe=One-Click" — what a mail client sends for the
// List-Unsubscribe-Post header, and what the button sends — records the
// refusal of that purpose on every phone of the customer, so it stops on
// every channel. The POST takes no cookie and no CSRF token: the token in
// the address is the proof, and a mail client posting it has neither. It
// is idempotent: a repeat changes nothing.
package unsubscribe

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/render"
	"naryad/templates"
)

//go:embed views/*.html
var viewFiles embed.FS

// Path is the route of the page; the token follows it.
const Path = hub.UnsubscribePath + ":token"

// oneClick is the body RFC 8058 has a mail client POST.
const oneClickField, oneClickValue = "List-Unsubscribe", "One-Click"

// Options configure the page. Now is its clock; nil means time.Now.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time
}

// Handler serves /unsubscribe/<token>.
type Handler struct {
	store  *store.Store
	tokens *hub.Unsubscribes
	log    *slog.Logger
	now    func() time.Time
	views  *template.Template
}

// New parses the page once; a broken view fails start-up.
func New(st *store.Store, tokens *hub.Unsubscribes, o Options) (*Handler, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	views, err := template.ParseFS(viewFiles, "views/*.html")
	if err != nil {
		return nil, fmt.Errorf("unsubscribe page: parse views: %w", err)
	}
	return &Handler{store: st, tokens: tokens, log: o.Logger, now: o.Now, views: views}, nil
}

// Register adds the page's routes.
func (h *Handler) Register(app fiber.Router) {
	app.Get(Path, securityHeaders, h.show)
	app.Post(Path, securityHeaders, h.unsubscribe)
}

// view is what unsubscribe.html shows.
type view struct {
	Lang, Action, Field, Value string
	T                          map[string]string
	Ask, Done                  string // one of them
	Problem                    string
}

// show is GET: the question and the button.
func (h *Handler) show(c *fiber.Ctx) error {
	_, purpose, locale, err := h.target(c)
	if err != nil {
		return h.fail(c, err)
	}
	t := texts[locale]
	v := view{Lang: locale, Action: c.Path(), Field: oneClickField, Value: oneClickValue, T: t, Ask: fmt.Sprintf(t["ask"], t["what_"+purpose])}
	return render.Page(c, h.views, fiber.StatusOK, "unsubscribe.html", v, h.internal)
}

// unsubscribe is POST: the refusal on every phone of the customer.
func (h *Handler) unsubscribe(c *fiber.Ctx) error {
	id, purpose, locale, err := h.target(c)
	if err != nil {
		return h.fail(c, err)
	}
	t := texts[locale]
	if c.FormValue(oneClickField) != oneClickValue {
		v := view{Lang: locale, Action: c.Path(), Field: oneClickField, Value: oneClickValue, T: t,
			Ask: fmt.Sprintf(t["ask"], t["what_"+purpose]), Problem: t["bad_request"]}
		return render.Page(c, h.views, fiber.StatusBadRequest, "unsubscribe.html", v, h.internal)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	changed, err := h.store.RefuseForCustomer(ctx, id, purpose, store.ConsentFromEmail, h.now())
	if err != nil {
		return h.internal(c, "refuse "+purpose, err)
	}
	if changed > 0 {
		h.log.Info("unsubscribed by e-mail link", "customer_id", id, "purpose", purpose, "phones_changed", changed)
	}
	v := view{Lang: locale, T: t, Done: fmt.Sprintf(t["done"], t["what_"+purpose])}
	return render.Page(c, h.views, fiber.StatusOK, "unsubscribe.html", v, h.internal)
}

// errUnknown is a token that names nobody: forged, cut, or of a
// customer since deleted.
var errUnknown = errors.New("unknown unsubscribe address")

// target reads the token: the customer, the purpose and the customer's
// language (the DMS's; else the browser's; else English).
func (h *Handler) target(c *fiber.Ctx) (int64, string, string, error) {
	id, purpose, ok := h.tokens.Parse(c.Params("token"))
	if !ok || !slices.Contains(store.ConsentPurposes, purpose) {
		return 0, "", "", errUnknown
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	cust, err := h.store.Customer(ctx, id)
	if err != nil {
		return 0, "", "", err
	}
	locale := cust.Locale
	if locale == "" { // the DMS never sent one: the browser's, else English
		locale = render.AcceptLanguage(c.Get(fiber.HeaderAcceptLanguage), func(l string) bool { return texts[l] != nil })
	}
	return id, purpose, templates.NormalizeLocale(locale), nil
}

// fail answers an unknown token 404 and anything else 500.
func (h *Handler) fail(c *fiber.Ctx, err error) error {
	if errors.Is(err, errUnknown) || errors.Is(err, store.ErrNotFound) {
		return c.Status(fiber.StatusNotFound).SendString("Not found")
	}
	return h.internal(c, "unsubscribe target", err)
}

// internal logs err without the path (the token in it would let anyone
// reading the log unsubscribe that customer) and answers a plain 500.
func (h *Handler) internal(c *fiber.Ctx, what string, err error) error {
	h.log.Error("unsubscribe page", "op", what, "error", err)
	return c.Status(fiber.StatusInternalServerError).SendString("Internal error")
}

// securityHeaders: no script, styles inline only, no framing, nothing
// cached and no Referer carrying the token anywhere.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cache-Control", "no-store")
	return c.Next()
}
