package store

import (
	"context"
	"fmt"
	"time"
)

// SLABreach is a running clock past its due time: a wait someone has to
// see to now.
type SLABreach struct {
	ThreadID        int64
	BranchID        int64
	BranchCode      string
	Kind            string // SLAFirst, SLANext, SLAResolution
	StartedAt       time.Time
	DueAt           time.Time
	AssigneeName    string // the thread's advisor now; "" when unassigned
	CustomerName    string
	Phone           string
	WorkOrderNumber string
}

// SLABreaches lists the running clocks of branchIDs due before now, the
// longest overdue first, at most limit (default 200). Read through the
// partial index of running clocks by branch and due time.
func (s *Store) SLABreaches(ctx context.Context, branchIDs []int64, now time.Time, limit int) ([]SLABreach, error) {
	if len(branchIDs) == 0 {
		return nil, nil
	}
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	var out []SLABreach
	err := s.db.WithContext(ctx).Raw(`SELECT c.thread_id, c.branch_id, b.code AS branch_code, c.kind, c.started_at, c.due_at,
	  COALESCE(NULLIF(u.name, ''), u.login, '') AS assignee_name, COALESCE(cu.name, '') AS customer_name, t.phone,
	  COALESCE(w.number, '') AS work_order_number
	FROM sla_clocks c
	JOIN threads t ON t.id = c.thread_id
	JOIN branches b ON b.id = c.branch_id
	LEFT JOIN users u ON u.id = t.assignee_id
	LEFT JOIN customers cu ON cu.id = t.customer_id
	LEFT JOIN work_orders w ON w.id = t.work_order_id
	WHERE c.branch_id IN ? AND c.stopped_at IS NULL AND c.due_at < ?
	ORDER BY c.due_at, c.id LIMIT ?`, branchIDs, now.UTC(), limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("SLA breaches: %w", err)
	}
	return out, nil
}
