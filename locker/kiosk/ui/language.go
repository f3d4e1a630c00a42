package ui

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/locker/kiosk"
	"naryad/lockerwire"
)

// langCookie keeps the language the person at the kiosk chose; the next
// person starts in the default one again.
const langCookie = "kiosk_lang"

// locale is the language of this request: the one chosen at the kiosk,
// else the configured one, else the site's as the hub sent it, else English.
func (h *Handler) locale(c *fiber.Ctx, site lockerwire.Site) string {
	if l := c.Cookies(langCookie); texts[l] != nil {
		return l
	}
	if h.fixedLocale != "" {
		return h.fixedLocale
	}
	if l := site.Locale; texts[l] != nil {
		return l
	}
	return "en"
}

// language is POST /lang/:code: the language switch.
func (h *Handler) language(c *fiber.Ctx) error {
	code := c.Params("code")
	if texts[code] == nil {
		return c.Status(fiber.StatusNotFound).SendString("unknown language")
	}
	c.Cookie(&fiber.Cookie{Name: langCookie, Value: code, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode})
	return back(c)
}

// resetLanguage forgets the chosen language once the kiosk is back at the
// start screen, so the next person is greeted in the default one.
func (h *Handler) resetLanguage(c *fiber.Ctx) {
	if h.engine.Screen().Kind == kiosk.ScreenStart && c.Cookies(langCookie) != "" {
		c.Cookie(&fiber.Cookie{Name: langCookie, Path: "/", MaxAge: -1, Expires: time.Unix(1, 0),
			HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode})
	}
}
