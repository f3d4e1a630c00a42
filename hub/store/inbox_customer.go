package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// CustomerPanel is what the thread page's side panel shows about the
// thread's customer: how to reach them, whether they may be written to,
// their cars, and their other work orders with those orders' threads and
// feedback scores.
type CustomerPanel struct {
	Customer hub.Customer
	Phones   []string // E.164
	Vehicles []hub.Vehicle
	Orders   []CustomerOrder // newest first, at most customerPanelOrders
}

// CustomerOrder is one work order of the customer, in the user's branches.
type CustomerOrder struct {
	WorkOrderID int64
	Number      string
	Status      string
	BranchCode  string
	OpenedAt    time.Time
	TotalMinor  int64
	Currency    string
	ThreadID    *int64 // its thread; nil when none was opened
	ThreadState string
	Score       *int // the customer's 0–10 feedback score, when they gave one
}

// customerPanelOrders caps the orders listed: a fleet customer may have
// hundreds, and the panel is a reminder, not a history page.
const customerPanelOrders = 20

// CustomerPanelFor loads the panel of a customer. Orders are scoped to
// branchIDs exactly like the list: another branch's order is never shown.
// A missing customer is ErrNotFound.
func (s *Store) CustomerPanelFor(ctx context.Context, branchIDs []int64, customerID int64) (CustomerPanel, error) {
	var p CustomerPanel
	var err error
	if p.Customer, err = s.Customer(ctx, customerID); err != nil {
		return p, err
	}
	if p.Phones, err = s.CustomerPhones(ctx, customerID); err != nil {
		return p, err
	}
	db := s.db.WithContext(ctx)
	if err := db.Where("customer_id = ?", customerID).Order("id").Limit(customerPanelOrders).Find(&p.Vehicles).Error; err != nil {
		return p, fmt.Errorf("vehicles of customer %d: %w", customerID, err)
	}
	if len(branchIDs) == 0 {
		return p, nil
	}
	err = db.Raw(`SELECT w.id AS work_order_id, w.number, w.status, b.code AS branch_code, w.opened_at,
	  w.total_minor, w.currency, t.id AS thread_id, COALESCE(t.state, '') AS thread_state, f.score
	FROM work_orders w
	JOIN branches b ON b.id = w.branch_id
	LEFT JOIN threads t ON t.work_order_id = w.id
	LEFT JOIN feedback_scores f ON f.work_order_id = w.id
	WHERE w.customer_id = ? AND w.branch_id IN ?
	ORDER BY w.opened_at DESC, w.id DESC LIMIT ?`, customerID, branchIDs, customerPanelOrders).Scan(&p.Orders).Error
	if err != nil {
		return p, fmt.Errorf("work orders of customer %d: %w", customerID, err)
	}
	return p, nil
}
