package admin

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/hub/whatsapp"
)

// Pacing limits the page accepts: WhatsApp bans numbers that send fast or
// start many chats, so the floor and caps are deliberate.
const (
	waMinIntervalSec = 1
	waMaxIntervalSec = 3600
	waMaxNewChats    = 1000
	waMaxLeaveDays   = 90
)

// whatsappAccountAdd is POST /admin/whatsapp/accounts: branch code and
// account name; the account is linked afterwards.
func (h *Handler) whatsappAccountAdd(c *fiber.Ctx) error {
	if h.whatsapp == nil {
		return h.waOff(c)
	}
	ctx := c.UserContext()
	code, rawName := c.FormValue("branch"), c.FormValue("name")
	name, err := whatsapp.CheckAccountName(rawName)
	if err != nil {
		return h.refuseWhatsApp(c, err.Error(), code, rawName)
	}
	b, err := h.store.BranchByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return h.refuseWhatsApp(c, "unknown branch", code, rawName)
	} else if err != nil {
		return h.Internal(c, "branch by code", err)
	}
	a := hub.WAAccount{BranchID: b.ID, Name: name}
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateWAAccount(ctx, &a); err != nil {
			return err
		}
		return waAudit(c, tx, a, "whatsapp_account_add branch="+b.Code)
	})
	if errors.Is(err, store.ErrAccountExists) {
		return h.refuseWhatsApp(c, fmt.Sprintf("an account named %q exists already", name), code, rawName)
	}
	if err != nil {
		return h.Internal(c, "add WhatsApp account", err)
	}
	return waRedirect(c, "wa-account")
}

// whatsappPacing is POST /admin/whatsapp/accounts/:id/pacing: seconds
// between two messages and new chats a day.
func (h *Handler) whatsappPacing(c *fiber.Ctx) error {
	if h.whatsapp == nil {
		return h.waOff(c)
	}
	a, ok, err := h.waAccount(c)
	if !ok {
		return err
	}
	var problems []string
	sec, err := strconv.ParseFloat(strings.TrimSpace(strings.ReplaceAll(c.FormValue("min-interval"), ",", ".")), 64)
	if err != nil || math.IsNaN(sec) || sec < waMinIntervalSec || sec > waMaxIntervalSec {
		problems = append(problems, fmt.Sprintf("seconds between messages: a number from %d to %d", waMinIntervalSec, waMaxIntervalSec))
	}
	chats, err := strconv.Atoi(strings.TrimSpace(c.FormValue("new-chats")))
	if err != nil || chats < 0 || chats > waMaxNewChats {
		problems = append(problems, fmt.Sprintf("new chats a day: a whole number from 0 to %d", waMaxNewChats))
	}
	if len(problems) > 0 {
		return h.refuseWhatsApp(c, "pacing of "+a.Name+" not saved:\n"+strings.Join(problems, "\n"))
	}
	ms := int(math.Round(sec * 1000))
	ctx := c.UserContext()
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetWAPacing(ctx, a.ID, ms, chats); err != nil {
			return err
		}
		return waAudit(c, tx, a, fmt.Sprintf("whatsapp_pacing min_interval_ms=%d daily_new_chats=%d", ms, chats))
	})
	if err != nil {
		return h.Internal(c, "set WhatsApp pacing", err)
	}
	return waRedirect(c, "wa-pacing")
}

// whatsappBranch is POST /admin/whatsapp/branches/:code: a WhatsApp group
// per work order (off by default: ban risk) and the days after hand-over
// to leave it.
func (h *Handler) whatsappBranch(c *fiber.Ctx) error {
	if h.whatsapp == nil {
		return h.waOff(c)
	}
	ctx := c.UserContext()
	b, err := h.store.BranchByCode(ctx, c.Params("code"))
	if errors.Is(err, store.ErrNotFound) {
		return c.Status(fiber.StatusNotFound).SendString("No such branch.")
	} else if err != nil {
		return h.Internal(c, "branch by code", err)
	}
	days, err := strconv.Atoi(strings.TrimSpace(c.FormValue("leave-days")))
	if err != nil || days < 0 || days > waMaxLeaveDays {
		return h.refuseWhatsApp(c, fmt.Sprintf("days after hand-over to leave the group: a whole number from 0 to %d", waMaxLeaveDays))
	}
	w := store.WASettings{Groups: c.FormValue("groups") == "on", GroupLeaveDays: days}
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetBranchWASettings(ctx, b.ID, w); err != nil {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "branch "+b.Code,
			fmt.Sprintf("whatsapp_groups on=%t leave_days=%d", w.Groups, w.GroupLeaveDays))
	})
	if err != nil {
		return h.Internal(c, "set branch WhatsApp settings", err)
	}
	return waRedirect(c, "wa-branch")
}
