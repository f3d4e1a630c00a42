package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// accountDocument limits a query on attachments a of messages m to the
// documents the account shows: files sent to the customer that the DMS
// marked as a document (an invoice, a printed form, the inspection report)
// or that came with a DMS document's message. A chat photo stays on the
// work-order page it was sent on.
const accountDocument = "m.direction = '" + hub.DirectionOut + "' AND (a.doc_kind <> '' OR m.template_key = 'document.ready')"

// AccountDocument loads a document for the account's file route, only
// when its work order is one the phones see in their garage (the scoping
// is in the store, so no handler can forget it); ErrNotFound otherwise.
func (s *Store) AccountDocument(ctx context.Context, phones []string, attachmentID int64) (hub.Attachment, error) {
	var row struct {
		WorkOrderID *int64
		VehicleID   *int64
		hub.Attachment
	}
	err := s.db.WithContext(ctx).Raw(
		`SELECT t.work_order_id, w.vehicle_id, a.* FROM attachments a JOIN messages m ON m.id = a.message_id
		 JOIN threads t ON t.id = m.thread_id JOIN work_orders w ON w.id = t.work_order_id
		 WHERE a.id = ? AND `+accountDocument, attachmentID).Scan(&row).Error
	if err != nil {
		return hub.Attachment{}, fmt.Errorf("account document %d: %w", attachmentID, err)
	}
	if row.ID == 0 || row.WorkOrderID == nil || row.VehicleID == nil {
		return hub.Attachment{}, fmt.Errorf("account document %d: %w", attachmentID, ErrNotFound)
	}
	g, err := s.scopeOf(ctx, phones)
	if err != nil {
		return hub.Attachment{}, err
	}
	if !g.sees(*row.VehicleID, *row.WorkOrderID) {
		return hub.Attachment{}, fmt.Errorf("account document %d: %w", attachmentID, ErrNotFound)
	}
	return row.Attachment, nil
}
