package staff

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Home is GET /, the address the demo prints first and the one people
// type: the inbox for someone signed in, the sign-in form for anyone else.
func (h *Handler) Home(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	if _, err := h.load(ctx, c); err == nil {
		return c.Redirect("/inbox", fiber.StatusSeeOther)
	}
	return c.Redirect("/login", fiber.StatusSeeOther)
}
