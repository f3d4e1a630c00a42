package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"naryad/hub"
)

// Refunds of online payments: the booking that keeps two refunds at once
// from returning more than was paid, the provider's answer recorded once,
// and the refunds whose answer never came, for the retries.

// ErrRefundRepeated means the same refund (payment and amount) was booked
// a moment ago: a double press of the refund button, refused so the
// customer gets the money back once.
var ErrRefundRepeated = errors.New("the same refund was just made")

// ReserveRefund books amountMinor of a succeeded payment for a refund
// before the provider is asked, and stores the refund (status pending):
// two admins refunding at once can never return more than was paid. It
// reports false, and stores nothing, when that much is no longer
// refundable, and ErrRefundRepeated when a refund of the same amount of
// the payment, not failed, was booked in the last repeatWithin (0: no
// such check). The
// payment's row is written first, so concurrent bookings queue on it and
// each sees the ones before.
func (s *Store) ReserveRefund(ctx context.Context, r *hub.PaymentRefund, repeatWithin time.Duration) (bool, error) {
	reserved := false
	err := s.Tx(ctx, func(tx *Store) error {
		res := tx.db.WithContext(ctx).Model(&hub.Payment{}).
			Where("id = ? AND status = ? AND paid_minor - refunded_minor >= ?", r.PaymentID, hub.PaymentSucceeded, r.AmountMinor).
			Updates(map[string]any{"refunded_minor": gorm.Expr("refunded_minor + ?", r.AmountMinor), "updated_at": now()})
		if res.Error != nil {
			return fmt.Errorf("reserve refund of payment %d: %w", r.PaymentID, res.Error)
		}
		if res.RowsAffected != 1 {
			return nil
		}
		if repeatWithin <= 0 {
			return tx.createRefund(ctx, r, &reserved)
		}
		var same int64
		err := tx.db.WithContext(ctx).Model(&hub.PaymentRefund{}).
			Where("payment_id = ? AND amount_minor = ? AND status NOT IN ? AND created_at >= ?", r.PaymentID, r.AmountMinor, hub.RefundStatusesNotMade(),
				now().Add(-repeatWithin)).Count(&same).Error
		if err != nil {
			return fmt.Errorf("recent refunds of payment %d: %w", r.PaymentID, err)
		}
		if same > 0 {
			return fmt.Errorf("refund of %d of payment %d: %w", r.AmountMinor, r.PaymentID, ErrRefundRepeated)
		}
		return tx.createRefund(ctx, r, &reserved)
	})
	return reserved && err == nil, err
}

func (s *Store) createRefund(ctx context.Context, r *hub.PaymentRefund, reserved *bool) error {
	r.CreatedAt = now()
	if err := s.db.WithContext(ctx).Create(r).Error; err != nil {
		return fmt.Errorf("store refund of payment %d: %w", r.PaymentID, err)
	}
	*reserved = true
	return nil
}

// ReleaseRefund gives back what ReserveRefund booked when the provider
// refused the refund, and marks the refund failed; once only, and only a
// refund whose outcome was not known (a refund the provider confirmed
// keeps its booking).
func (s *Store) ReleaseRefund(ctx context.Context, r hub.PaymentRefund) error {
	return s.Tx(ctx, func(tx *Store) error {
		res := tx.db.WithContext(ctx).Model(&hub.PaymentRefund{}).Where("id = ? AND provider_id = '' AND status = ?", r.ID, "pending").
			Update("status", "failed")
		if res.Error != nil {
			return fmt.Errorf("mark refund %d failed: %w", r.ID, res.Error)
		}
		if res.RowsAffected != 1 {
			return nil
		}
		err := tx.db.WithContext(ctx).Model(&hub.Payment{}).Where("id = ?", r.PaymentID).
			Updates(map[string]any{"refunded_minor": gorm.Expr("refunded_minor - ?", r.AmountMinor), "updated_at": now()}).Error
		if err != nil {
			return fmt.Errorf("release refund %d: %w", r.ID, err)
		}
		return nil
	})
}

// SetRefundResult records the provider's id and word for a refund whose
// outcome was not known yet. Only the first call writes: several retries
// of the same refund (same idempotency key, so the provider made one) get
// the same answer, and the one that wrote it records the refund's effects.
// It reports whether this call wrote.
func (s *Store) SetRefundResult(ctx context.Context, refundID int64, providerID, status string) (bool, error) {
	res := s.db.WithContext(ctx).Model(&hub.PaymentRefund{}).Where("id = ? AND provider_id = '' AND status = ?", refundID, "pending").
		Updates(map[string]any{"provider_id": providerID, "status": status})
	if res.Error != nil {
		return false, fmt.Errorf("record result of refund %d: %w", refundID, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// RefundNotMade records the provider's answer for a booked refund that it
// did not make (canceled, failed) and gives its booking back; once only,
// like SetRefundResult. It reports whether this call wrote.
func (s *Store) RefundNotMade(ctx context.Context, r hub.PaymentRefund, providerID, status string) (bool, error) {
	wrote := false
	err := s.Tx(ctx, func(tx *Store) error {
		res := tx.db.WithContext(ctx).Model(&hub.PaymentRefund{}).Where("id = ? AND provider_id = '' AND status = ?", r.ID, "pending").
			Updates(map[string]any{"provider_id": providerID, "status": status})
		if res.Error != nil {
			return fmt.Errorf("record refund %d not made: %w", r.ID, res.Error)
		}
		if res.RowsAffected != 1 {
			return nil
		}
		wrote = true
		err := tx.db.WithContext(ctx).Model(&hub.Payment{}).Where("id = ?", r.PaymentID).
			Updates(map[string]any{"refunded_minor": gorm.Expr("refunded_minor - ?", r.AmountMinor), "updated_at": now()}).Error
		if err != nil {
			return fmt.Errorf("release refund %d: %w", r.ID, err)
		}
		return nil
	})
	return wrote && err == nil, err
}

// UnconfirmedRefunds lists up to limit refunds booked before before whose
// outcome at the provider is still unknown, oldest first: the poller
// retries them with their keys when nobody presses refund again.
func (s *Store) UnconfirmedRefunds(ctx context.Context, before time.Time, limit int) ([]hub.PaymentRefund, error) {
	var out []hub.PaymentRefund
	err := s.db.WithContext(ctx).Where("provider_id = '' AND status = ? AND created_at < ?", "pending", before.UTC()).
		Order("id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("unconfirmed refunds: %w", err)
	}
	return out, nil
}

// UnconfirmedRefund returns a payment's oldest refund that was booked but
// whose outcome at the provider is unknown (no answer came), or
// ErrNotFound. It is retried with its own idempotency key before any new
// refund of the payment, so a timeout never returns the money twice.
func (s *Store) UnconfirmedRefund(ctx context.Context, paymentID int64) (hub.PaymentRefund, error) {
	var r hub.PaymentRefund
	err := s.db.WithContext(ctx).Where("payment_id = ? AND provider_id = '' AND status = ?", paymentID, "pending").
		Order("id").Take(&r).Error
	return r, notFound(err, "unconfirmed refund of payment %d", paymentID)
}
