package inbox

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// withInspection is withThread for the inspection's changes (the
// mechanic's and the advisor's): fn gets the thread's inspection; a thread
// without a work order or without an inspection is 404. Only the
// mechanic's page starts an inspection, so it uses withThread.
func (h *Handler) withInspection(fn func(c *fiber.Ctx, s staff.Staff, th hub.Thread, insp hub.Inspection) error) fiber.Handler {
	return h.withThread(func(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
		insp, ok, err := h.threadInspection(c, th)
		if err != nil || !ok {
			return err
		}
		return fn(c, s, th, insp)
	})
}

// threadInspection is the inspection of the thread's work order; false
// after answering 404 when there is none. withThread checked the thread's
// branch; the inspection's is checked too, so an order moved to another
// branch does not carry its old branch's inspection along.
func (h *Handler) threadInspection(c *fiber.Ctx, th hub.Thread) (hub.Inspection, bool, error) {
	if th.WorkOrderID == nil {
		return hub.Inspection{}, false, notFound(c)
	}
	insp, err := h.store.InspectionOf(c.UserContext(), *th.WorkOrderID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && insp.BranchID != th.BranchID) {
		return hub.Inspection{}, false, notFound(c)
	}
	if err != nil {
		return hub.Inspection{}, false, h.Internal(c, "load inspection", err)
	}
	return insp, true, nil
}
