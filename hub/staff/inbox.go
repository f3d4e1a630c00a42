package staff

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// inbox is a placeholder for GET /inbox: it shows who is signed in and
// where. The real shared inbox (threads of the user's branches) replaces
// it in the next step of the advisors' inbox issue.
func (h *Handler) inbox(c *fiber.Ctx) error {
	s, _ := Current(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	codes := make([]string, 0, len(s.BranchIDs))
	for _, id := range s.BranchIDs {
		b, err := h.store.Branch(ctx, id)
		if err != nil {
			return h.internal(c, "load branch", err)
		}
		codes = append(codes, b.Code)
	}
	locale := pickLocale(c.Get(fiber.HeaderAcceptLanguage))
	name := s.User.Name
	if name == "" {
		name = s.User.Login
	}
	return h.render(c, fiber.StatusOK, "inbox.html", map[string]any{
		"Locale": locale, "T": texts[locale], "Name": name, "Role": s.User.Role,
		"Branches": strings.Join(codes, ", "), "CSRF": s.CSRF,
	})
}
