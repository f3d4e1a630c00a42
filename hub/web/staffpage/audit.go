package staffpage

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/staff"
	"naryad/hub/store"
)

// Audit appends a change made by the signed-in user of c to the log,
// through st (the change's transaction), with the address it came from.
func Audit(ctx context.Context, c *fiber.Ctx, st *store.Store, action, subject, detail string) error {
	s, _ := staff.Current(c)
	if err := st.Audit(ctx, store.AuditEntry{UserID: &s.User.ID, Action: action, Subject: subject, Detail: detail, IP: c.IP()}); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}
