package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// LoanOut is a loan whose car is with the customer, with what its
// reminders say (the due-back message, the overdue task).
type LoanOut struct {
	ID              int64
	ThreadID        int64
	CustomerID      *int64 // the thread's customer; nil for a thread without one
	DueBackAt       time.Time
	Locale          string // the customer's language, chosen at the offer
	CustomerName    string
	CustomerPhone   string
	Plate           string
	Model           string
	WorkOrderNumber string // "" for a loan on no work order
}

// LoansOut lists a branch's loans in state out whose due_back_at is in
// [from, until), earliest due first; a zero from has no lower bound.
// Loans offered but not taken yet, and loans already returned, are not
// listed: nothing is due back from them.
func (s *Store) LoansOut(ctx context.Context, branchID int64, from, until time.Time) ([]LoanOut, error) {
	q := s.db.WithContext(ctx).Table("loans l").
		Select(`l.id, l.thread_id, t.customer_id, l.due_back_at, l.locale, l.customer_name, l.customer_phone,
			c.plate, c.model, COALESCE(w.number, '') AS work_order_number`).
		Joins("JOIN threads t ON t.id = l.thread_id").
		Joins("JOIN courtesy_cars c ON c.id = l.car_id").
		Joins("LEFT JOIN work_orders w ON w.id = l.work_order_id").
		Where("l.branch_id = ? AND l.state = ? AND l.due_back_at < ?", branchID, hub.LoanOut, until.UTC())
	if !from.IsZero() {
		q = q.Where("l.due_back_at >= ?", from.UTC())
	}
	var out []LoanOut
	if err := q.Order("l.due_back_at, l.id").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("loans out at branch %d due before %s: %w", branchID, until.UTC().Format(time.RFC3339), err)
	}
	return out, nil
}
