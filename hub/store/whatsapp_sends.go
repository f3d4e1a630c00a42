package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// WhatsApp ids of outgoing messages (table wa_sends, migration 00012). The
// sender stores each part's id before it sends the part, so a retry after a
// timeout or a crash re-sends under the same id (the customer's phone shows
// it once) and a receipt finds its message whenever it arrives.

// WASend is one part of an outgoing message: its WhatsApp id and whether
// WhatsApp acknowledged it.
type WASend struct {
	WAID      string `gorm:"column:wa_id"`
	MessageID int64
	Part      int
	AccountID int64
	SentAt    *time.Time
	CreatedAt time.Time
}

// TableName pins the table name.
func (WASend) TableName() string { return "wa_sends" }

// PlanWASend returns the WhatsApp id of a message's part: the one stored by
// an earlier attempt, else candidate, stored now. The unique (message_id,
// part) index makes two attempts agree on one id.
func (s *Store) PlanWASend(ctx context.Context, messageID int64, part int, accountID int64, candidate string) (WASend, error) {
	if candidate == "" {
		return WASend{}, fmt.Errorf("plan WhatsApp send of message %d part %d: empty id", messageID, part)
	}
	db := s.db.WithContext(ctx)
	err := db.Exec(insertIgnoring("wa_sends", "wa_id, message_id, part, account_id, created_at", 1, 5),
		candidate, messageID, part, accountID, now()).Error
	if err != nil {
		return WASend{}, fmt.Errorf("plan WhatsApp send of message %d part %d: %w", messageID, part, err)
	}
	var w WASend
	if err := db.Where("message_id = ? AND part = ?", messageID, part).Take(&w).Error; err != nil {
		return WASend{}, fmt.Errorf("plan WhatsApp send of message %d part %d: %w", messageID, part, err)
	}
	return w, nil
}

// MarkWASent records that WhatsApp acknowledged a part, sent through the
// account (which may differ from the one planned, after a move); the
// account's daily send cap counts it from then on. Marking twice keeps the
// first time.
func (s *Store) MarkWASent(ctx context.Context, waID string, accountID int64, at time.Time) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE wa_sends SET sent_at = ?, account_id = ? WHERE wa_id = ? AND sent_at IS NULL`,
		at.UTC().Truncate(time.Microsecond), accountID, waID).Error
	if err != nil {
		return fmt.Errorf("mark WhatsApp message %s sent: %w", waID, err)
	}
	return nil
}

// WASentSince counts the WhatsApp messages (parts) the account sent since a
// time, for its daily send cap.
func (s *Store) WASentSince(ctx context.Context, accountID int64, since time.Time) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&WASend{}).
		Where("account_id = ? AND sent_at >= ?", accountID, since.UTC().Truncate(time.Microsecond)).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("WhatsApp messages sent by account %d: %w", accountID, err)
	}
	return int(n), nil
}

// UpdateDeliveryByWAID applies a WhatsApp receipt (delivered or read) to the
// message one of whose parts has the id; states only move forward, from
// queued too (a receipt may beat the end of the send that caused it). An id
// that is in no wa_sends row is looked up as a provider id, for messages
// sent before ids were stored. found is false when no message has the id.
func (s *Store) UpdateDeliveryByWAID(ctx context.Context, waID, state string) (found bool, err error) {
	from, ok := deliveryFrom(state)
	if !ok || state == hub.DeliveryFailed {
		return false, fmt.Errorf("update delivery of WhatsApp message %s: state %q is not a receipt's", waID, state)
	}
	var ids []int64
	if err := s.db.WithContext(ctx).Model(&WASend{}).Where("wa_id = ?", waID).Pluck("message_id", &ids).Error; err != nil {
		return false, fmt.Errorf("update delivery of WhatsApp message %s: %w", waID, err)
	}
	if len(ids) == 0 {
		return s.UpdateDeliveryByProviderID(ctx, waID, state, "")
	}
	err = s.Tx(ctx, func(tx *Store) error {
		var updated []int64
		err := tx.db.WithContext(ctx).Raw(`UPDATE messages SET delivery = ?, error = '', updated_at = ?
			WHERE id = ? AND direction = ? AND delivery IN ? RETURNING id`,
			state, now(), ids[0], hub.DirectionOut, from).Scan(&updated).Error
		if err != nil {
			return err
		}
		for _, id := range updated {
			if err := tx.appendMessageEvent(ctx, hub.EventDelivery, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("update delivery of WhatsApp message %s to %s: %w", waID, state, err)
	}
	return true, nil
}
