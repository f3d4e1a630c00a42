package dms

import (
	"context"

	"naryad/hub"
	"naryad/hub/store"
)

// applyDocument attaches a printed form or invoice from the DMS to the work
// order's thread and tells the customer it is there.
func (a *applier) applyDocument(ctx context.Context, d *validDocument) (string, error) {
	n, err := a.noticeFor(ctx, d.WorkOrderNumber, "document.work_order_number")
	if err != nil {
		return "", err
	}
	return a.claimThen(ctx, func() error {
		if n.thread, err = a.linkOf(ctx, n.thread.thread); err != nil {
			return err
		}
		n.document = d.Name
		m, err := a.queueMessage(ctx, n, "document.ready", "")
		if err != nil {
			return err
		}
		hash, err := a.media.Put(d.Data) // already stored before the transaction: a cheap existence check
		if err != nil {
			return err
		}
		return a.tx.AddAttachment(ctx, &hub.Attachment{
			MessageID: m.ID, SHA256: hash, Name: d.Name, ContentType: d.ContentType, SizeBytes: int64(len(d.Data)), DocKind: d.Kind,
		})
	})
}

// applyMessage sends an advisor's words written in 1C to the customer.
func (a *applier) applyMessage(ctx context.Context, msg *validMessage) (string, error) {
	n, err := a.noticeFor(ctx, msg.WorkOrderNumber, "message.work_order_number")
	if err != nil {
		return "", err
	}
	return a.claimThen(ctx, func() error {
		if n.thread, err = a.linkOf(ctx, n.thread.thread); err != nil {
			return err
		}
		n.text = msg.Text
		_, err := a.queueMessage(ctx, n, "message.advisor", msg.Author)
		return err
	})
}

// noticeFor gathers what a message about an existing work order needs. It
// only reads, so an unknown work order rejects the event before anything is
// written; the link is resolved after the claim.
func (a *applier) noticeFor(ctx context.Context, number, path string) (notice, error) {
	w, err := a.workOrderOf(ctx, number, path)
	if err != nil {
		return notice{}, err
	}
	b, err := a.tx.Branch(ctx, w.BranchID)
	if err != nil {
		return notice{}, err
	}
	t, err := a.tx.ThreadByWorkOrder(ctx, w.ID)
	if err != nil {
		return notice{}, err
	}
	n := notice{order: w, branch: b, thread: threadLink{thread: t}, recipient: t.Phone}
	if w.VehicleID != nil {
		if n.vehicle, err = a.tx.Vehicle(ctx, *w.VehicleID); err != nil {
			return notice{}, err
		}
	}
	if w.CustomerID != nil {
		c, err := a.tx.Customer(ctx, *w.CustomerID)
		if err != nil {
			return notice{}, err
		}
		n.customer = &store.CustomerData{Name: c.Name, Locale: c.Locale}
	}
	return n, nil
}
