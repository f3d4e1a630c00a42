package store

import (
	"context"
	"errors"
	"fmt"

	"naryad/hub"
)

// ErrOpenPaymentExists means the work order already has an open payment
// of its amount due (index payments_one_open): the caller reuses that one.
var ErrOpenPaymentExists = errors.New("the work order already has an open payment")

// CreatePayment stores a new payment. A second open payment of a work
// order's amount due is refused with ErrOpenPaymentExists, so fifteen
// presses of the pay button at once make one payment.
func (s *Store) CreatePayment(ctx context.Context, p *hub.Payment) error {
	t := now()
	p.CreatedAt, p.UpdatedAt = t, t
	err := s.db.WithContext(ctx).Create(p).Error
	if err != nil && p.Kind == hub.PaymentForWorkOrder && isUniqueViolation(err) {
		return fmt.Errorf("payment of work order %d: %w", p.WorkOrderID, ErrOpenPaymentExists)
	}
	if err != nil {
		return fmt.Errorf("create payment of work order %d: %w", p.WorkOrderID, err)
	}
	return nil
}
