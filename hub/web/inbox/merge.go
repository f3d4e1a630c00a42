package inbox

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// merge is POST /inbox/threads/:id/merge with work_order=<number>: a lead
// (an unknown number wrote in) joins the thread of that work order at the
// lead's own branch, so one customer never has two threads. The store does
// it all in one transaction, the audit entry included; a refusal changes
// nothing and comes back with an error key.
func (h *Handler) merge(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	if th.WorkOrderID != nil {
		return back(c, th, "not_lead")
	}
	ctx := c.UserContext()
	number := c.FormValue("work_order")
	var done store.LeadMerge
	err := h.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if done, err = tx.MergeLead(ctx, s.BranchIDs, th.ID, number); err != nil {
			return err
		}
		detail := fmt.Sprintf("into thread %d, work order %s; messages=%d phone_added=%t",
			done.Target.ID, done.WorkOrder.Number, done.Moved, done.PhoneAdded)
		return tx.Audit(ctx, h.auditEntry(c, s, store.AuditMergeLead, th, detail))
	})
	switch {
	case errors.Is(err, store.ErrNotLead):
		return back(c, th, "not_lead")
	case errors.Is(err, store.ErrUnknownWorkOrder):
		return back(c, th, "unknown_order")
	case errors.Is(err, store.ErrNotFound):
		return notFound(c)
	case err != nil:
		return h.Internal(c, "merge lead", err)
	}
	h.Log.Info("inbox lead merged", "thread_id", th.ID, "target_thread_id", done.Target.ID,
		"work_order", done.WorkOrder.Number, "messages", done.Moved, "user_id", s.User.ID)
	return c.Redirect(threadURL(done.Target.ID), fiber.StatusSeeOther)
}
