package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// What the pages and the payments integration read of payments and their
// refunds. Writes that move a payment's state live in payment.go.

// Payment returns one payment, or ErrNotFound.
func (s *Store) Payment(ctx context.Context, id int64) (hub.Payment, error) {
	var p hub.Payment
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&p).Error
	return p, notFound(err, "payment %d", id)
}

// PaymentsOfThread lists a thread's payments, newest first.
func (s *Store) PaymentsOfThread(ctx context.Context, threadID int64) ([]hub.Payment, error) {
	var out []hub.Payment
	if err := s.db.WithContext(ctx).Where("thread_id = ?", threadID).Order("id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("payments of thread %d: %w", threadID, err)
	}
	return out, nil
}

// PaymentsOfWorkOrder lists a work order's payments, newest first.
func (s *Store) PaymentsOfWorkOrder(ctx context.Context, workOrderID int64) ([]hub.Payment, error) {
	var out []hub.Payment
	if err := s.db.WithContext(ctx).Where("work_order_id = ?", workOrderID).Order("id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("payments of work order %d: %w", workOrderID, err)
	}
	return out, nil
}

// RefundsOfPayment lists a payment's refunds, oldest first.
func (s *Store) RefundsOfPayment(ctx context.Context, paymentID int64) ([]hub.PaymentRefund, error) {
	var out []hub.PaymentRefund
	if err := s.db.WithContext(ctx).Where("payment_id = ?", paymentID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("refunds of payment %d: %w", paymentID, err)
	}
	return out, nil
}

// OpenPaymentOfWorkOrder returns the work order's open payment of its
// amount due (pending, not superseded), or ErrNotFound.
func (s *Store) OpenPaymentOfWorkOrder(ctx context.Context, workOrderID int64) (hub.Payment, error) {
	var p hub.Payment
	err := s.db.WithContext(ctx).Where("work_order_id = ? AND kind = ? AND status = ? AND superseded = ?",
		workOrderID, hub.PaymentForWorkOrder, hub.PaymentPending, false).Take(&p).Error
	return p, notFound(err, "open payment of work order %d", workOrderID)
}

// OpenPaymentsOfBranch lists a branch's pending payments made at provider
// (with the provider's id): the pages a customer may still pay on.
func (s *Store) OpenPaymentsOfBranch(ctx context.Context, branchID int64, provider string) ([]hub.Payment, error) {
	var out []hub.Payment
	err := s.db.WithContext(ctx).Where("branch_id = ? AND provider = ? AND status = ? AND provider_id <> ''", branchID, provider, hub.PaymentPending).
		Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("open payments of branch %d: %w", branchID, err)
	}
	return out, nil
}

// PaymentByProviderID finds a payment by the provider's id of it, or
// ErrNotFound.
func (s *Store) PaymentByProviderID(ctx context.Context, provider, providerID string) (hub.Payment, error) {
	var p hub.Payment
	if providerID == "" {
		return p, fmt.Errorf("payment at %s without an id: %w", provider, ErrNotFound)
	}
	err := s.db.WithContext(ctx).Where("provider = ? AND provider_id = ?", provider, providerID).Take(&p).Error
	return p, notFound(err, "payment %s at %s", providerID, provider)
}
