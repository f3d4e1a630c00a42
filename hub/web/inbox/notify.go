package inbox

import (
	"cmp"
	"errors"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// peek is GET /inbox/threads/:id/peek: what the desktop notification
// (static/inbox_notify.js) needs after a live event, as JSON — whether the
// thread is in the user's queue (assigned to them or followed), the id and time of its
// last customer message (0 when none) and a title and text to show. It
// changes nothing: opening the thread still marks it read. Like every staff
// route it is never cached (staff.SecurityHeaders).
func (h *Handler) peek(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	ctx := c.UserContext() // bounded by withThread, like every thread route
	following, err := h.store.Follows(ctx, th.ID, s.User.ID)
	if err != nil {
		return h.Internal(c, "follows", err)
	}
	out := fiber.Map{"mine": following || (th.AssigneeID != nil && *th.AssigneeID == s.User.ID), "in_id": 0, "at": 0,
		"title": hub.DisplayPhone(th.Phone), "body": ""}
	m, err := h.store.LastCustomerMessage(ctx, th.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return c.JSON(out)
	case err != nil:
		return h.Internal(c, "last customer message", err)
	}
	out["in_id"], out["at"], out["body"] = m.ID, m.CreatedAt.UnixMilli(), snippet(m.Body)
	if th.CustomerID != nil {
		cu, err := h.store.Customer(ctx, *th.CustomerID)
		if err != nil {
			return h.Internal(c, "load customer", err)
		}
		out["title"] = cmp.Or(cu.Name, out["title"].(string))
	}
	return c.JSON(out)
}
