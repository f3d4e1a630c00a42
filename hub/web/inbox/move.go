package inbox

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// move is POST /inbox/threads/:id/messages/:mid/move with
// work_order=<number>: a customer's message that landed in the wrong work
// order's thread (one phone, several cars) goes to the thread of that work
// order at the same branch. The store moves it, with its files and a note
// in both threads, and the audit entry is written in the same
// transaction; a refusal changes nothing and comes back with an error key.
// The advisor stays on this thread, where more may need sorting.
func (h *Handler) move(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	mid, err := c.ParamsInt("mid")
	if err != nil || mid <= 0 {
		return notFound(c)
	}
	ctx := c.UserContext()
	var done store.MessageMove
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if done, err = tx.MoveCustomerMessage(ctx, s.BranchIDs, th.ID, int64(mid), c.FormValue("work_order")); err != nil {
			return err
		}
		detail := fmt.Sprintf("message %d into thread %d, work order %s", mid, done.Target.ID, done.WorkOrder.Number)
		return tx.Audit(ctx, h.auditEntry(c, s, store.AuditMoveMessage, th, detail))
	})
	switch {
	case errors.Is(err, store.ErrNotCustomerMessage):
		return back(c, th, "not_customer_message")
	case errors.Is(err, store.ErrSameThread):
		return back(c, th, "same_order")
	case errors.Is(err, store.ErrUnknownWorkOrder):
		return back(c, th, "unknown_order")
	case errors.Is(err, store.ErrNotFound):
		return notFound(c)
	case err != nil:
		return h.Internal(c, "move message", err)
	}
	h.Log.Info("inbox message moved", "thread_id", th.ID, "message_id", mid, "target_thread_id", done.Target.ID,
		"work_order", done.WorkOrder.Number, "user_id", s.User.ID)
	return back(c, th, "")
}
