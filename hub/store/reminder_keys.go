package store

import (
	"context"
	"fmt"
	"time"

	"naryad/lockerwire"
)

// UncollectedKeys is a locker compartment holding a work order's keys,
// put back by staff for pickup and not collected yet.
type UncollectedKeys struct {
	CompartmentID   int64
	Label           string
	SiteName        string
	ReadySince      time.Time
	WorkOrderID     int64
	WorkOrderNumber string
	CustomerID      *int64
	ThreadID        int64 // 0 when the work order has no thread
}

// KeysWaiting lists a branch's compartments in state "ready" with a work
// order's keys since readyBefore or earlier, longest waiting first.
func (s *Store) KeysWaiting(ctx context.Context, branchID int64, readyBefore time.Time) ([]UncollectedKeys, error) {
	var out []UncollectedKeys
	err := s.db.WithContext(ctx).Raw(
		`SELECT c.id AS compartment_id, c.label, s.name AS site_name, c.state_since AS ready_since,
		   w.id AS work_order_id, w.number AS work_order_number, w.customer_id, COALESCE(t.id, 0) AS thread_id
		 FROM locker_compartments c
		 JOIN locker_sites s ON s.id = c.site_id
		 JOIN work_orders w ON w.id = c.work_order_id
		 LEFT JOIN threads t ON t.work_order_id = w.id
		 WHERE s.branch_id = ? AND c.state = ? AND c.state_since <= ?
		 ORDER BY c.state_since, c.id`,
		branchID, lockerwire.StateReady, readyBefore.UTC()).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("keys waiting at branch %d: %w", branchID, err)
	}
	return out, nil
}
