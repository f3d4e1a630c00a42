package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// The poller's side of payments: which pending payments are due a check
// at the provider (a webhook may be lost), claimed by one instance at a
// time, and when each is checked next.

// DuePaymentChecks lists up to limit pending payments whose check is due
// at at (a lost webhook, a superseded payment to cancel), oldest due
// first. A caller claims each (ClaimPaymentCheck) before asking the
// provider, so several instances never ask twice.
func (s *Store) DuePaymentChecks(ctx context.Context, at time.Time, limit int) ([]hub.Payment, error) {
	var out []hub.Payment
	err := s.db.WithContext(ctx).Where("status = ? AND next_check_at IS NOT NULL AND next_check_at <= ?", hub.PaymentPending, at.UTC()).
		Order("next_check_at, id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("due payment checks: %w", err)
	}
	return out, nil
}

// ClaimPaymentCheck takes a due payment for one check by moving its
// next_check_at from the value the caller read to leaseUntil, in one
// conditional UPDATE: of several instances that read the same row, one
// wins. A check that dies half-way is retried after the lease.
func (s *Store) ClaimPaymentCheck(ctx context.Context, p hub.Payment, leaseUntil time.Time) (bool, error) {
	if p.NextCheckAt == nil {
		return false, nil
	}
	res := s.db.WithContext(ctx).Model(&hub.Payment{}).
		Where("id = ? AND status = ? AND next_check_at = ?", p.ID, hub.PaymentPending, p.NextCheckAt.UTC()).
		Updates(map[string]any{"next_check_at": leaseUntil.UTC().Truncate(time.Microsecond)})
	if res.Error != nil {
		return false, fmt.Errorf("claim check of payment %d: %w", p.ID, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// SchedulePaymentCheck counts a check done and sets when the next one is
// due (nil: none).
func (s *Store) SchedulePaymentCheck(ctx context.Context, id int64, checks int, next *time.Time) error {
	var at any
	if next != nil {
		at = next.UTC().Truncate(time.Microsecond)
	}
	err := s.db.WithContext(ctx).Model(&hub.Payment{}).Where("id = ? AND status = ?", id, hub.PaymentPending).
		Updates(map[string]any{"checks": checks, "next_check_at": at}).Error
	if err != nil {
		return fmt.Errorf("schedule check of payment %d: %w", id, err)
	}
	return nil
}
