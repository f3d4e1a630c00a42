package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"naryad/hub"
	"naryad/migrations"
)

// The writes that move a payment along (package payments calls them): its
// provider id once created, the provider's state with the guard that keeps
// a final state final, the work order paid, the webhook ledger. The
// others: payment_create.go (a new payment), payment_read.go,
// payment_settings.go (a branch's provider and credentials), the
// poller's claims in payment_check.go, refunds in payment_refund.go, what
// the DMS ingest needs in payment_dms.go, the report in payment_report.go.

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
		"status": st.Status, "failure_reason": hub.TruncateRunes(st.Reason, 500), "next_check_at": nil, "updated_at": t,
	}
	if st.Status == hub.PaymentSucceeded {
		paidAt := t
		if st.PaidAt != nil && !st.PaidAt.IsZero() {
			paidAt = st.PaidAt.UTC().Truncate(time.Microsecond)
		}
		set["paid_minor"], set["method"], set["receipt_url"], set["paid_at"] = st.PaidMinor, hub.TruncateRunes(st.Method, 64), st.ReceiptURL, paidAt
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
