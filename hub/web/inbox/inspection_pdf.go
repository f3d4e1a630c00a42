package inbox

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/inspectionpdf"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/attachment"
	"naryad/hub/web/staffpage"
)

// InspectionPDFPath is the staff download of a thread's inspection report.
const InspectionPDFPath = "/inbox/threads/:id/inspection.pdf"

// inspectionPDF is GET /inbox/threads/:id/inspection.pdf: the work order's
// inspection as the customer's report shows it (hidden and unchecked items
// left out), with the decisions so far, in the staff member's language.
// Staff may print it before it is sent; a thread of another branch, a
// lead's thread or an order without an inspection is 404.
func (h *Handler) inspectionPDF(c *fiber.Ctx, _ staff.Staff, th hub.Thread) error {
	if th.WorkOrderID == nil {
		return notFound(c)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 20*time.Second)
	defer cancel()
	branch, err := h.store.Branch(ctx, th.BranchID)
	if err != nil {
		return h.Internal(c, "load branch", err)
	}
	d, err := inspectionpdf.Load(ctx, h.store, h.media, *th.WorkOrderID, staffpage.Locale(c, texts), branch.Location(), time.Now())
	if errors.Is(err, store.ErrNotFound) {
		return notFound(c)
	}
	if err != nil {
		return h.Internal(c, "load inspection report", err)
	}
	pdf, err := inspectionpdf.Render(d.Report)
	if err != nil {
		return h.Internal(c, "render inspection report", err)
	}
	return attachment.SendBytes(c, "application/pdf", inspectionpdf.FileName(d.WorkOrder.Number), pdf)
}
