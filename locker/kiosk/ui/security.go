package ui

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
)

// securityHeaders: only the page's own script and styles run (no inline
// script), nothing is fetched from elsewhere, and the page is never framed.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cache-Control", "no-store")
	return c.Next()
}

// sameOrigin refuses a POST another site made the browser send: any page
// open anywhere could otherwise post to localhost and open a door. Browsers
// say where a request comes from in Sec-Fetch-Site, older ones in Origin; a
// request with neither did not come from a web page (curl, tests), which no
// other site can make a browser send.
func sameOrigin(c *fiber.Ctx) error {
	if site := c.Get("Sec-Fetch-Site"); site != "" {
		if site == "same-origin" || site == "none" {
			return c.Next()
		}
		return crossSite(c)
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return c.Next()
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host != string(c.Request().Host()) || u.Scheme != c.Protocol() {
		return crossSite(c)
	}
	return c.Next()
}

func crossSite(c *fiber.Ctx) error {
	return c.Status(fiber.StatusForbidden).SendString("cross-site request refused")
}
