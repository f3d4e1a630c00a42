package adminpage

import (
	"context"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/reminders"
)

// channelRow is one customer rule's channels at the branch, as the form
// shows them.
type channelRow struct {
	Rule          string
	Thread, Email bool
}

// channelRows are the branch's channel rules, the thread-only default
// for a rule never set.
func (h *Handler) channelRows(ctx context.Context, branchID int64) ([]channelRow, error) {
	saved, err := h.store.ReminderChannels(ctx, branchID)
	if err != nil {
		return nil, err
	}
	var out []channelRow
	for _, rule := range reminders.CustomerRules() {
		row := channelRow{Rule: rule, Thread: true}
		if c, ok := saved[rule]; ok {
			row.Thread, row.Email = c.Thread, c.Email
		}
		out = append(out, row)
	}
	return out, nil
}

// channelsSave is POST /admin/reminders/channels: the branch code and, per
// customer rule, the checkboxes thread.<rule> and email.<rule>. Every rule
// needs one channel at least; otherwise nothing is stored (400). Saved
// with one audit row naming what changed.
func (h *Handler) channelsSave(c *fiber.Ctx) error {
	ctx := c.UserContext()
	code := c.FormValue("branch")
	v, err := h.remindersView(ctx, code)
	if err != nil {
		return h.Internal(c, "reminders page", err)
	}
	if v.Branch.ID == 0 || v.Branch.Code != code {
		return h.refuse(c, v, settingsWords(c)["no_branch"])
	}
	var want []store.ReminderChannel
	for _, rule := range reminders.CustomerRules() {
		ch := store.ReminderChannel{BranchID: v.Branch.ID, Rule: rule,
			Thread: c.FormValue("thread."+rule) == "on", Email: c.FormValue("email."+rule) == "on"}
		if !ch.Thread && !ch.Email {
			return h.refuse(c, v, fmt.Sprintf(settingsWords(c)["ch_none"], ruleName(c, rule)))
		}
		want = append(want, ch)
	}
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		rows, err := tx.ReminderChannels(ctx, v.Branch.ID)
		if err != nil {
			return err
		}
		var changed []string
		for _, ch := range want {
			old, ok := rows[ch.Rule]
			if !ok {
				old = store.ReminderChannel{Thread: true}
			}
			if old.Thread == ch.Thread && old.Email == ch.Email {
				continue
			}
			if err := tx.SetReminderChannel(ctx, ch); err != nil {
				return err
			}
			changed = append(changed, fmt.Sprintf("%s=thread:%t,email:%t", ch.Rule, ch.Thread, ch.Email))
		}
		if len(changed) == 0 {
			return nil
		}
		return staffpage.Audit(ctx, c, tx, store.AuditAdminChanged, "branch "+v.Branch.Code,
			"reminder_channels "+strings.Join(changed, " "))
	})
	if err != nil {
		return h.Internal(c, "save reminder channels", err)
	}
	return c.Redirect("/admin/reminders?branch="+v.Branch.Code+"&done=channels", fiber.StatusSeeOther)
}

// ruleName is a rule as the staff member reads it.
func ruleName(c *fiber.Ctx, rule string) string {
	if s, ok := settingsWords(c)["rule."+rule]; ok {
		return s
	}
	return rule
}
