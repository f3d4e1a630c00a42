package app

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// favicon is a key on the customer page's dark blue, 16×16 and 32×32 PNGs
// in one .ico: browsers ask for /favicon.ico on every site whether a page
// links an icon or not, and a 404 there fills logs and dev tools.
//
//go:embed favicon.ico
var favicon []byte

// serveFavicon is GET /favicon.ico.
func serveFavicon(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "image/x-icon")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(favicon)
}
