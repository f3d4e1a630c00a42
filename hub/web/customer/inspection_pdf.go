package customer

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/inspectionpdf"
	"naryad/hub/store"
	"naryad/hub/web/attachment"
)

// InspectionPDFPath is the customer's download of the inspection report.
const InspectionPDFPath = "/:token/inspection.pdf"

// inspectionPDF is GET /c/<token>/inspection.pdf: the inspection as the
// customer's report shows it, with the decisions so far, in the page's
// language. Only once the advisor sent it: before, the mechanic's draft
// is not the customer's to read (404, like any page that is not there).
func (h *Handler) inspectionPDF(c *fiber.Ctx) error {
	return h.withVisit(c, false, func(v visit) error {
		if v.thread.WorkOrderID == nil {
			return h.notFound(c)
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), 20*time.Second)
		defer cancel()
		l, err := h.loader(ctx, v, c.Get(fiber.HeaderAcceptLanguage))
		if err != nil {
			return h.internal(c, "load", err)
		}
		d, err := inspectionpdf.Load(ctx, h.store, h.media, *v.thread.WorkOrderID, l.locale, l.loc, time.Now())
		if errors.Is(err, store.ErrNotFound) || (err == nil && !d.Inspection.Sent()) {
			return h.notFound(c)
		}
		if err != nil {
			return h.internal(c, "load inspection report", err)
		}
		pdf, err := inspectionpdf.Render(d.Report)
		if err != nil {
			return h.internal(c, "render inspection report", err)
		}
		return attachment.SendBytes(c, "application/pdf", inspectionpdf.FileName(d.WorkOrder.Number), pdf)
	})
}

// keepInspectionReport runs after the customer's decisions on version w
// were stored: the PDF of the inspection with those decisions goes to the
// thread as a staff note and to the DMS as an inspection_report change,
// once per inspection and version (store.AddInspectionReport). A work
// order without a sent inspection has no report. The decisions are stored
// already whatever happens here, so a failure is logged, not shown to the
// customer: they did nothing wrong.
func (h *Handler) keepInspectionReport(c *fiber.Ctx, v visit, w hub.WorkOrder) {
	ctx, cancel := context.WithTimeout(c.UserContext(), 20*time.Second)
	defer cancel()
	if err := h.keepReport(ctx, c.Get(fiber.HeaderAcceptLanguage), v, w); err != nil && h.log != nil {
		h.log.Error("customer page: keep the inspection report", "thread", v.thread.ID, "work_order", w.ID, "err", err)
	}
}

func (h *Handler) keepReport(ctx context.Context, acceptLanguage string, v visit, w hub.WorkOrder) error {
	i, err := h.store.InspectionOf(ctx, w.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !i.Sent()) {
		return nil
	}
	if err != nil {
		return err
	}
	if kept, err := h.store.InspectionReportKept(ctx, v.thread.ID, i.ID, w.Version); err != nil || kept {
		return err
	}
	l, err := h.loader(ctx, v, acceptLanguage)
	if err != nil {
		return err
	}
	d, err := inspectionpdf.Load(ctx, h.store, h.media, w.ID, l.locale, l.loc, time.Now())
	if err != nil {
		return err
	}
	pdf, err := inspectionpdf.Render(d.Report)
	if err != nil {
		return err
	}
	sha, err := h.media.Put(pdf)
	if err != nil {
		return err
	}
	err = h.store.AddInspectionReport(ctx, v.thread.ID, w.ID, i.ID, w.Version, store.InboundFile{
		SHA256: sha, Name: inspectionpdf.FileName(w.Number), ContentType: "application/pdf", SizeBytes: int64(len(pdf))})
	if errors.Is(err, store.ErrInspectionNotSent) {
		return nil
	}
	return err
}
