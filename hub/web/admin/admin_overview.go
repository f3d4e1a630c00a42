package admin

import "github.com/gofiber/fiber/v2"

// overview is GET /admin: the sections.
func (h *Handler) overview(c *fiber.Ctx) error {
	return h.Render(c, fiber.StatusOK, "overview.html", h.newPage(c, nil))
}
