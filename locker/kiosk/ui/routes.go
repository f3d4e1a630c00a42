package ui

import (
	"io/fs"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
)

// staticPath is where the page's script and styles are served.
const staticPath = "/static/k"

// Register adds every route of the kiosk page.
func (h *Handler) Register(app *fiber.App) {
	static, _ := fs.Sub(staticFiles, "static")
	app.Use(staticPath, filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 3600}))

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
	post("/staff/open/:id", h.staffOpen)
	post("/lang/:code", h.language)
}
