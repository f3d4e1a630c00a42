package ui

import (
	"github.com/gofiber/fiber/v2"
)

// staticPath is where the page's script and styles are served.
const staticPath = "/static/k"

// Register adds every route of the kiosk page.
func (h *Handler) Register(app *fiber.App) {
	h.assets.Register(app)

	app.Get("/", securityHeaders, h.page)
	app.Get("/screen", securityHeaders, h.screenSeq)

	post := func(path string, handler fiber.Handler) {
		app.Post(path, securityHeaders, sameOrigin, handler)
	}
	post("/begin/:mode", h.begin)
	post("/entry", h.entry)
	post("/reopen", h.reopen)
	post("/finish", h.finish)
	post("/home", h.home)
	post("/staff/take/:id", h.staffTake)
	post("/staff/return", h.staffReturn)
	post("/staff/loan/:id", h.staffPutLoanKey)
	post("/staff/open/:id", h.staffOpen)
	post("/lang/:code", h.language)
}
