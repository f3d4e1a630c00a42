// Package ui is the kiosk's touch-screen web page: it runs on localhost on
// the kiosk PC and is shown full-screen in Chromium's kiosk mode.
//
// The page is server-rendered from the engine's one current Screen (one
// person uses the kiosk at a time). Every button is a small form that POSTs
// to a route calling one Engine method and redirects back to / (post,
// redirect, get), so a reload never repeats an action. A little script
// (static/kiosk.js, no build step) adds the on-screen keypad, polls
// /screen to follow changes the engine makes by itself (a door closing),
// and goes back to the start screen when nobody touches the kiosk.
package ui

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/locker/kiosk"
	"naryad/lockerwire"
	"naryad/render"
)

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Engine is what the page needs from the kiosk engine; *kiosk.Engine
// satisfies it.
type Engine interface {
	Screen() kiosk.Screen
	Begin(mode kiosk.Mode)
	Submit(ctx context.Context, in kiosk.Entry) error
	Reopen(ctx context.Context) error
	Finish(ctx context.Context) error
	Home()
	StaffTake(ctx context.Context, compartmentID int64) error
	StaffReturn(ctx context.Context, orderNumber string) error
	StaffPutLoanKey(ctx context.Context, loanID int64) error
	StaffOpen(ctx context.Context, compartmentID int64) error
	// Site is the locker as the hub last described it: its name on the
	// start screen, the branch phone when something is broken.
	Site(ctx context.Context) (lockerwire.Site, error)
}

// Options configure the page.
type Options struct {
	Logger *slog.Logger
	// IdleAfter without a touch, any screen but the start screen (and one
	// with a door open) goes back to the start; default 60 s.
	IdleAfter time.Duration
	// DefaultLocale is the language the start screen shows (ru, pl, en);
	// empty means the site's language from the hub, else English.
	DefaultLocale string
	// Now is the clock deciding whether Reopen is still offered; nil is
	// time.Now.
	Now func() time.Time
}

// siteTimeout bounds reading the site from the engine's local database.
const siteTimeout = 2 * time.Second

// engineTimeout bounds one engine call made for a tap: a door opening
// waits for the board, which retries and confirms within a few seconds.
const engineTimeout = 20 * time.Second

// Handler serves the kiosk page.
type Handler struct {
	engine      Engine
	views       *template.Template
	assets      *render.Static // its CSS and scripts
	log         *slog.Logger
	idleAfter   time.Duration
	fixedLocale string
	now         func() time.Time
}

// New parses the views once and checks there is one for every screen; a
// missing or broken view fails start-up.
func New(engine Engine, o Options) (*Handler, error) {
	if engine == nil {
		return nil, fmt.Errorf("kiosk page: no engine")
	}
	assets, err := render.NewStatic(staticPath, staticFiles, "static")
	if err != nil {
		return nil, fmt.Errorf("kiosk page: %w", err)
	}
	views, err := template.New("").Funcs(viewFuncs).Funcs(assets.Funcs()).ParseFS(viewFiles, "views/*.html")
	if err != nil {
		return nil, fmt.Errorf("kiosk page: parse views: %w", err)
	}
	for _, kind := range screenKinds {
		if views.Lookup(kind+".html") == nil {
			return nil, fmt.Errorf("kiosk page: no view for screen %q", kind)
		}
	}
	if o.DefaultLocale != "" && texts[o.DefaultLocale] == nil {
		return nil, fmt.Errorf("kiosk page: default locale %q: want one of ru, pl, en", o.DefaultLocale)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.IdleAfter <= 0 {
		o.IdleAfter = 60 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Handler{engine: engine, views: views, assets: assets, log: o.Logger, idleAfter: o.IdleAfter,
		fixedLocale: o.DefaultLocale, now: o.Now}, nil
}

// screenKinds are the screens the engine can show; each has a view.
var screenKinds = []string{
	kiosk.ScreenStart, kiosk.ScreenEntry, kiosk.ScreenDoorOpen, kiosk.ScreenNoItem, kiosk.ScreenItemLeft,
	kiosk.ScreenDone, kiosk.ScreenStaffMenu, kiosk.ScreenLockedOut, kiosk.ScreenOutOfOrder,
}

// render executes a view into a buffer first, so a template error never
// sends half a page.
func (h *Handler) render(c *fiber.Ctx, view string, data any) error {
	return render.Page(c, h.views, fiber.StatusOK, view, data, h.internal)
}

func (h *Handler) internal(c *fiber.Ctx, what string, err error) error {
	return render.Internal(c, h.log, "kiosk page", what, err, "internal error")
}

// site is the locker as the engine knows it; a failure to read it costs
// only the name in the header, so it is logged, not shown.
func (h *Handler) site(c *fiber.Ctx) lockerwire.Site {
	ctx, cancel := context.WithTimeout(c.UserContext(), siteTimeout)
	defer cancel()
	s, err := h.engine.Site(ctx)
	if err != nil {
		h.log.Warn("kiosk page", "op", "read site", "error", err)
	}
	return s
}
