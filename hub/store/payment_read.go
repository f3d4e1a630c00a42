package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// What the pages and the payments integration read of payments. Writes
// that move a payment's state live in payment.go.

// BranchPayment returns a branch's payment provider settings, or
// ErrNotFound when the branch takes no online payments.
func (s *Store) BranchPayment(ctx context.Context, branchID int64) (hub.BranchPayment, error) {
	var b hub.BranchPayment
	err := s.db.WithContext(ctx).Where("branch_id = ?", branchID).Take(&b).Error
	return b, notFound(err, "payment settings of branch %d", branchID)
}

// BranchPaymentByWebhookKey finds the settings a webhook address names.
func (s *Store) BranchPaymentByWebhookKey(ctx context.Context, key string) (hub.BranchPayment, error) {
	var b hub.BranchPayment
	err := s.db.WithContext(ctx).Where("webhook_key = ?", key).Take(&b).Error
	return b, notFound(err, "payment settings with webhook key")
}

// SaveBranchPayment stores a branch's payment settings, replacing any
// before. The caller seals the secrets and picks the webhook key.
func (s *Store) SaveBranchPayment(ctx context.Context, b *hub.BranchPayment) error {
	b.UpdatedAt = now()
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.db.WithContext(ctx).Where("branch_id = ?", b.BranchID).Delete(&hub.BranchPayment{}).Error; err != nil {
			return fmt.Errorf("replace payment settings of branch %d: %w", b.BranchID, err)
		}
		if err := tx.db.WithContext(ctx).Create(b).Error; err != nil {
			return fmt.Errorf("save payment settings of branch %d: %w", b.BranchID, err)
		}
		return nil
	})
}

// DeleteBranchPayment turns a branch's online payments off; payments made
// before stay.
func (s *Store) DeleteBranchPayment(ctx context.Context, branchID int64) error {
	if err := s.db.WithContext(ctx).Where("branch_id = ?", branchID).Delete(&hub.BranchPayment{}).Error; err != nil {
		return fmt.Errorf("delete payment settings of branch %d: %w", branchID, err)
	}
	return nil
}

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
