package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// A branch's online-payment settings (hub.BranchPayment): one row per
// branch, none when it takes no online payments.

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
