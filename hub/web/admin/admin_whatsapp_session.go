package admin

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
)

// whatsappLogout is POST /admin/whatsapp/accounts/:id/logout.
func (h *Handler) whatsappLogout(c *fiber.Ctx) error {
	return h.waAction(c, "wa-logout", "whatsapp_logout", func(ctx context.Context, a hub.WAAccount) error {
		return h.whatsapp.Logout(ctx, a.ID)
	})
}

// whatsappReconnect is POST /admin/whatsapp/accounts/:id/reconnect, for an
// account another session replaced.
func (h *Handler) whatsappReconnect(c *fiber.Ctx) error {
	return h.waAction(c, "wa-reconnect", "whatsapp_reconnect", func(ctx context.Context, a hub.WAAccount) error {
		return h.whatsapp.Reconnect(ctx, a.ID)
	})
}

// waAction runs a manager action on :id's account, audits it and shows
// the page with done; the manager's refusal is shown as the problem.
func (h *Handler) waAction(c *fiber.Ctx, done, action string, fn func(context.Context, hub.WAAccount) error) error {
	if h.whatsapp == nil {
		return h.waOff(c)
	}
	a, ok, err := h.waAccount(c)
	if !ok {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), waActionTimeout)
	defer cancel()
	if err := fn(ctx, a); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return c.Status(fiber.StatusNotFound).SendString(refusals(c)["wa_no_account"])
		}
		h.Log.Warn("whatsapp action refused", "action", action, "account", a.Name, "error", err)
		return h.refuseWhatsApp(c, h.waRefusal(c, action, err))
	}
	if err := waAudit(c, h.store, a, action); err != nil {
		return h.Internal(c, "audit", err)
	}
	return waRedirect(c, done)
}
