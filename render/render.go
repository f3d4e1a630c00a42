// Package render writes the server-rendered pages of every web surface
// (inbox, admin, reports, lockers, customer page, kiosk) the same way: a
// view is executed into a buffer first, so a template error never sends
// half a page, and an internal error is logged once, in one shape, and
// answered with a plain 500.
package render

import (
	"bytes"
	"html/template"
	"log/slog"

	"github.com/gofiber/fiber/v2"
)

// Page executes view with data and sends it as HTML with status; a
// template error goes to fail instead (the surface's own internal-error
// answer).
func Page(c *fiber.Ctx, views *template.Template, status int, view string, data any,
	fail func(c *fiber.Ctx, what string, err error) error) error {
	var buf bytes.Buffer
	if err := views.ExecuteTemplate(&buf, view, data); err != nil {
		return fail(c, "render "+view, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// Internal logs an error of surface ("inbox", "admin", …) with the request
// path and answers 500 with text, which must say nothing about the cause.
func Internal(c *fiber.Ctx, log *slog.Logger, surface, what string, err error, text string) error {
	log.Error(surface, "op", what, "path", c.Path(), "error", err)
	return c.Status(fiber.StatusInternalServerError).SendString(text)
}
