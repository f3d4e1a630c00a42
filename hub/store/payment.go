package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"naryad/hub"
	"naryad/migrations"
)

// The writes that move a payment along (package payments calls them): its
// provider id once created, the provider's state with the guard that keeps
// a final state final, the work order paid, the webhook ledger, the
// poller's claims and refunds. Reads are in payment_read.go.

// PaymentState is what a provider reported of a payment, as the store
// keeps it.
type PaymentState struct {
	Status     string // hub.Payment…
	PaidMinor  int64
	Method     string
	ReceiptURL string
	Reason     string // why it failed or was cancelled
	PaidAt     *time.Time
}

// SetPaymentCreated records the provider's id and hosted page of a payment
// made there. Only the first call writes: every retry of a create sends
// the same idempotency key, so the provider answers with the same payment,
// and a racing second caller keeps the first one's. A payment closed
// meanwhile (given up) is not written: its page is not offered. It
// reports whether this call wrote them.
func (s *Store) SetPaymentCreated(ctx context.Context, id int64, providerID, url string) (bool, error) {
	res := s.db.WithContext(ctx).Model(&hub.Payment{}).Where("id = ? AND provider_id = '' AND status = ?", id, hub.PaymentPending).
		Updates(map[string]any{"provider_id": providerID, "payment_url": url, "updated_at": now()})
	if res.Error != nil {
		return false, fmt.Errorf("record provider id of payment %d: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ApplyPaymentState moves a pending payment to the state a provider
// reported. A final state is never left: an event that comes late (an
// "expired" after a "paid") changes nothing, and neither does a pending
// state. It reports whether the payment changed; the caller acts (the
// change, the messages) only then, so every effect happens once.
func (s *Store) ApplyPaymentState(ctx context.Context, id int64, st PaymentState) (bool, error) {
	switch st.Status {
	case hub.PaymentSucceeded, hub.PaymentFailed, hub.PaymentCancelled:
	case hub.PaymentPending:
		return false, nil
	default:
		return false, fmt.Errorf("apply state to payment %d: unknown status %q", id, st.Status)
	}
	t := now()
	set := map[string]any{
		"status": st.Status, "failure_reason": truncateRunes(st.Reason, 500), "next_check_at": nil, "updated_at": t,
	}
	if st.Status == hub.PaymentSucceeded {
		paidAt := t
		if st.PaidAt != nil && !st.PaidAt.IsZero() {
			paidAt = st.PaidAt.UTC().Truncate(time.Microsecond)
		}
		set["paid_minor"], set["method"], set["receipt_url"], set["paid_at"] = st.PaidMinor, truncateRunes(st.Method, 64), st.ReceiptURL, paidAt
	}
	res := s.db.WithContext(ctx).Model(&hub.Payment{}).Where("id = ? AND status = ?", id, hub.PaymentPending).Updates(set)
	if res.Error != nil {
		return false, fmt.Errorf("apply %s to payment %d: %w", st.Status, id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// SupersedePayment marks one pending payment as no longer due (its amount
// changed) and makes it due for the poller at checkAt (now, in the
// caller's clock), which cancels it at the provider. It reports whether it
// changed.
func (s *Store) SupersedePayment(ctx context.Context, id int64, checkAt time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&hub.Payment{}).
		Where("id = ? AND status = ? AND superseded = ?", id, hub.PaymentPending, false).
		Updates(map[string]any{"superseded": true, "next_check_at": checkAt.UTC().Truncate(time.Microsecond), "updated_at": now()})
	if res.Error != nil {
		return false, fmt.Errorf("supersede payment %d: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
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

// WorkOrderForPayment loads a work order and, on PostgreSQL, locks its row
// to the end of the transaction. A payment's success takes it first, as
// the DMS ingest does when it saves the work order, so the two queue on
// that row instead of deadlocking on each other's later writes.
func (s *Store) WorkOrderForPayment(ctx context.Context, id int64) (hub.WorkOrder, error) {
	var w hub.WorkOrder
	q := s.db.WithContext(ctx)
	if s.dialect == migrations.Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Take(&w, id).Error
	return w, notFound(err, "work order %d", id)
}

// MarkWorkOrderPaid sets a work order paid without touching its DMS
// version, so the DMS's next push still applies (its own paid: true
// then changes nothing). It reports whether the work order was unpaid.
func (s *Store) MarkWorkOrderPaid(ctx context.Context, id int64) (bool, error) {
	res := s.db.WithContext(ctx).Model(&hub.WorkOrder{}).Where("id = ? AND paid = ?", id, false).
		Updates(map[string]any{"paid": true, "updated_at": now()})
	if res.Error != nil {
		return false, fmt.Errorf("mark work order %d paid: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// RecordPaymentWebhook stores a provider's event id once; false when it
// was stored before (a repeated or replayed webhook), and the caller then
// changes nothing.
func (s *Store) RecordPaymentWebhook(ctx context.Context, provider, eventID string) (bool, error) {
	var got []string
	err := s.db.WithContext(ctx).Raw(
		`INSERT INTO payment_webhooks (provider, event_id, received_at) VALUES (?, ?, ?)
		 ON CONFLICT DO NOTHING RETURNING event_id`, provider, eventID, now()).Scan(&got).Error
	if err != nil {
		return false, fmt.Errorf("record %s webhook %q: %w", provider, eventID, err)
	}
	return len(got) == 1, nil
}

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

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
