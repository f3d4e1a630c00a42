package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// What the DMS ingest needs to know and change of online payments when a
// work order event arrives: the amount due moved under a pending payment,
// or the DMS says "unpaid" of an order the customer paid online.

// SupersedePendingPayments marks the work order's pending payments of its
// amount due that ask for another amount than amountMinor superseded: the
// amount they ask is no longer due, so the payments service cancels them
// at the provider and the next press of the pay button makes a new one.
// Their next check is brought forward to now, so the poller gets to them
// at its next run. A negative amountMinor marks every one (the currency
// changed). It returns how many it marked; a payment already superseded,
// final, or of an advisor's request is left alone.
func (s *Store) SupersedePendingPayments(ctx context.Context, workOrderID, amountMinor int64) (int64, error) {
	t := now()
	res := s.db.WithContext(ctx).Model(&hub.Payment{}).
		Where("work_order_id = ? AND kind = ? AND status = ? AND superseded = ? AND amount_minor <> ?",
			workOrderID, hub.PaymentForWorkOrder, hub.PaymentPending, false, amountMinor).
		Updates(map[string]any{"superseded": true, "next_check_at": t, "updated_at": t})
	if res.Error != nil {
		return 0, fmt.Errorf("supersede pending payments of work order %d: %w", workOrderID, res.Error)
	}
	return res.RowsAffected, nil
}

// AmountDue is what the customer owes for a saved work order
// (hub.AmountDue): the amount the DMS sent, else the sum of its due lines,
// read only when needed.
func (s *Store) AmountDue(ctx context.Context, w hub.WorkOrder) (int64, error) {
	if w.AmountDueMinor != nil {
		return *w.AmountDueMinor, nil
	}
	lines, err := s.Lines(ctx, w.ID)
	if err != nil {
		return 0, err
	}
	return hub.AmountDue(nil, lines), nil
}

// SupersedePendingRequests marks the work order's pending advisor's
// requests (deposits) superseded, with their next check now, as
// SupersedePendingPayments does for the amount due: the work order was
// cancelled, and a deposit page still open at the provider must not take
// the money. It returns how many it marked.
func (s *Store) SupersedePendingRequests(ctx context.Context, workOrderID int64) (int64, error) {
	t := now()
	res := s.db.WithContext(ctx).Model(&hub.Payment{}).
		Where("work_order_id = ? AND kind = ? AND status = ? AND superseded = ?",
			workOrderID, hub.PaymentForRequest, hub.PaymentPending, false).
		Updates(map[string]any{"superseded": true, "next_check_at": t, "updated_at": t})
	if res.Error != nil {
		return 0, fmt.Errorf("supersede pending requests of work order %d: %w", workOrderID, res.Error)
	}
	return res.RowsAffected, nil
}

// OnlinePaidMinor is what the customer paid online for the work order's
// amount due and still has: the succeeded payments of kind work_order,
// paid less refunded, in minor units of the work order's currency. An
// advisor's requests (deposits) are not counted.
func (s *Store) OnlinePaidMinor(ctx context.Context, workOrderID int64) (int64, error) {
	var sum int64
	err := s.db.WithContext(ctx).Model(&hub.Payment{}).
		Where("work_order_id = ? AND kind = ? AND status = ?", workOrderID, hub.PaymentForWorkOrder, hub.PaymentSucceeded).
		Select("COALESCE(SUM(paid_minor - refunded_minor), 0)").Scan(&sum).Error
	if err != nil {
		return 0, fmt.Errorf("online payments of work order %d: %w", workOrderID, err)
	}
	return sum, nil
}
