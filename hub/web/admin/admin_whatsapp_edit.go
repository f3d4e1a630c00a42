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
	waMaxDailySends  = 5000
	waMaxLeaveDays   = 90
	waMaxSMSAfterH   = 168 // a week: later than that an SMS no longer helps
)

// whatsappAccountAdd is POST /admin/whatsapp/accounts: branch code and
// account name; the account is linked afterwards.
func (h *Handler) whatsappAccountAdd(c *fiber.Ctx) error {
	if h.whatsapp == nil {
		return h.waOff(c)
	}
	ctx := c.UserContext()
	code, rawName := c.FormValue("branch"), c.FormValue("name")
	r := refusals(c)
	name, err := whatsapp.CheckAccountName(rawName)
	if err != nil {
		return h.refuseWhatsApp(c, r[accountNameProblem(err)], code, rawName)
	}
	b, err := h.store.BranchByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return h.refuseWhatsApp(c, fmt.Sprintf(r["wa_unknown_branch"], strconv.Quote(code)), code, rawName)
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
		return h.refuseWhatsApp(c, fmt.Sprintf(r["wa_exists"], strconv.Quote(name)), code, rawName)
	}
	if err != nil {
		return h.Internal(c, "add WhatsApp account", err)
	}
	return waRedirect(c, "wa-account")
}

// accountNameProblem is the refusal key of CheckAccountName's error.
func accountNameProblem(err error) string {
	switch {
	case errors.Is(err, whatsapp.ErrAccountNameEmpty):
		return "wa_name_empty"
	case errors.Is(err, whatsapp.ErrAccountNameLong):
		return "wa_name_long"
	}
	return "wa_name_chars"
}

// whatsappPacing is POST /admin/whatsapp/accounts/:id/pacing: seconds
// between two messages, new chats a day and messages a day (0: no cap).
func (h *Handler) whatsappPacing(c *fiber.Ctx) error {
	if h.whatsapp == nil {
		return h.waOff(c)
	}
	a, ok, err := h.waAccount(c)
	if !ok {
		return err
	}
	r := refusals(c)
	var problems []string
	sec, err := strconv.ParseFloat(strings.TrimSpace(strings.ReplaceAll(c.FormValue("min-interval"), ",", ".")), 64)
	if err != nil || math.IsNaN(sec) || sec < waMinIntervalSec || sec > waMaxIntervalSec {
		problems = append(problems, fmt.Sprintf(r["wa_interval"], strconv.Itoa(waMinIntervalSec), strconv.Itoa(waMaxIntervalSec)))
	}
	chats, err := strconv.Atoi(strings.TrimSpace(c.FormValue("new-chats")))
	if err != nil || chats < 0 || chats > waMaxNewChats {
		problems = append(problems, fmt.Sprintf(r["wa_new_chats"], strconv.Itoa(waMaxNewChats)))
	}
	sends, err := strconv.Atoi(strings.TrimSpace(c.FormValue("daily-sends")))
	if err != nil || sends < 0 || sends > waMaxDailySends {
		problems = append(problems, fmt.Sprintf(r["wa_daily"], strconv.Itoa(waMaxDailySends)))
	}
	if len(problems) > 0 {
		return h.refuseWhatsApp(c, fmt.Sprintf(r["wa_pacing_not_saved"], a.Name)+"\n"+strings.Join(problems, "\n"))
	}
	ms := int(math.Round(sec * 1000))
	ctx := c.UserContext()
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetWAPacing(ctx, a.ID, ms, chats); err != nil {
			return err
		}
		if err := tx.SetWADailySends(ctx, a.ID, sends); err != nil {
			return err
		}
		return waAudit(c, tx, a, fmt.Sprintf("whatsapp_pacing min_interval_ms=%d daily_new_chats=%d daily_sends=%d", ms, chats, sends))
	})
	if err != nil {
		return h.Internal(c, "set WhatsApp pacing", err)
	}
	return waRedirect(c, "wa-pacing")
}

// whatsappBranch is POST /admin/whatsapp/branches/:code: a WhatsApp group
// per work order (off by default: ban risk), the days after hand-over to
// leave it, whether a customer who blocks group adds gets an invite link,
// the hours after which a status or estimate message WhatsApp has not
// delivered also goes by SMS, and whether opening a thread marks the
// customer's messages read in WhatsApp (the blue ticks).
func (h *Handler) whatsappBranch(c *fiber.Ctx) error {
	if h.whatsapp == nil {
		return h.waOff(c)
	}
	ctx := c.UserContext()
	b, err := h.store.BranchByCode(ctx, c.Params("code"))
	if errors.Is(err, store.ErrNotFound) {
		return c.Status(fiber.StatusNotFound).SendString(words(c)["err_no_branch"])
	} else if err != nil {
		return h.Internal(c, "branch by code", err)
	}
	r := refusals(c)
	var problems []string
	days, err := strconv.Atoi(strings.TrimSpace(c.FormValue("leave-days")))
	if err != nil || days < 0 || days > waMaxLeaveDays {
		problems = append(problems, fmt.Sprintf(r["wa_leave"], strconv.Itoa(waMaxLeaveDays)))
	}
	hours, err := strconv.Atoi(strings.TrimSpace(c.FormValue("sms-after-hours")))
	if err != nil || hours < 0 || hours > waMaxSMSAfterH {
		problems = append(problems, fmt.Sprintf(r["wa_sms_after"], strconv.Itoa(waMaxSMSAfterH)))
	}
	if len(problems) > 0 {
		return h.refuseWhatsApp(c, strings.Join(problems, "\n"))
	}
	w := store.WASettings{Groups: c.FormValue("groups") == "on", GroupLeaveDays: days,
		GroupInvites: c.FormValue("invites") == "on", UndeliveredSMSHours: hours, MarkRead: c.FormValue("mark-read") == "on"}
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetBranchWASettings(ctx, b.ID, w); err != nil {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "branch "+b.Code,
			fmt.Sprintf("whatsapp_groups on=%t leave_days=%d invites=%t sms_after_hours=%d mark_read=%t",
				w.Groups, w.GroupLeaveDays, w.GroupInvites, w.UndeliveredSMSHours, w.MarkRead))
	})
	if err != nil {
		return h.Internal(c, "set branch WhatsApp settings", err)
	}
	return waRedirect(c, "wa-branch")
}
