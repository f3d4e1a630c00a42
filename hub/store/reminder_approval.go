package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// UndecidedEstimate is a work order whose latest estimate request still
// waits for the customer's decision on some lines.
type UndecidedEstimate struct {
	MessageID       int64 // the estimate.request message
	SentAt          time.Time
	ThreadID        int64
	WorkOrderID     int64
	WorkOrderNumber string
	Currency        string
	CustomerID      *int64
	Lines           []hub.WorkOrderLine `gorm:"-"` // the undecided lines, in document order
}

// UndecidedEstimates lists a branch's open work orders whose latest
// estimate.request message was queued in (sentFrom, sentTo] and that still
// have undecided lines needing approval. The window keeps the scan on the
// threads active since sentFrom (the threads_branch_activity index), and
// keeps a new hub from nudging about estimates left undecided long ago.
func (s *Store) UndecidedEstimates(ctx context.Context, branchID int64, sentFrom, sentTo time.Time) ([]UndecidedEstimate, error) {
	var out []UndecidedEstimate
	err := s.db.WithContext(ctx).Raw(
		`SELECT m.id AS message_id, m.created_at AS sent_at, t.id AS thread_id, w.id AS work_order_id,
		   w.number AS work_order_number, w.currency, w.customer_id
		 FROM threads t
		 JOIN work_orders w ON w.id = t.work_order_id
		 JOIN messages m ON m.id = (SELECT MAX(m2.id) FROM messages m2
		   WHERE m2.thread_id = t.id AND m2.direction = ? AND m2.template_key = ?)
		 WHERE t.branch_id = ? AND t.last_activity_at > ?
		   AND m.created_at > ? AND m.created_at <= ?
		   AND w.status NOT IN (?, ?)
		   AND EXISTS (SELECT 1 FROM work_order_lines l WHERE l.work_order_id = w.id AND l.needs_approval AND l.decision = '')
		 ORDER BY m.id`,
		hub.DirectionOut, "estimate.request", branchID, sentFrom.UTC(), sentFrom.UTC(), sentTo.UTC(),
		hub.StatusDelivered, hub.StatusCancelled).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("undecided estimates of branch %d: %w", branchID, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(out))
	for i, e := range out {
		ids[i] = e.WorkOrderID
	}
	var lines []hub.WorkOrderLine
	err = s.db.WithContext(ctx).Where("work_order_id IN ? AND needs_approval AND decision = ''", ids).
		Order("work_order_id, position, id").Find(&lines).Error
	if err != nil {
		return nil, fmt.Errorf("undecided lines of branch %d: %w", branchID, err)
	}
	byOrder := map[int64][]hub.WorkOrderLine{}
	for _, l := range lines {
		byOrder[l.WorkOrderID] = append(byOrder[l.WorkOrderID], l)
	}
	for i := range out {
		out[i].Lines = byOrder[out[i].WorkOrderID]
	}
	return out, nil
}
