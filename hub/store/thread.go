package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// CreateThread opens a conversation and, in the same transaction, gives
// it a responsible advisor and its branch's observers (assign.go).
func (s *Store) CreateThread(ctx context.Context, t *hub.Thread) error {
	ts := now()
	t.CreatedAt, t.LastActivityAt = ts, ts
	if t.State == "" {
		t.State = hub.ThreadOpen
	}
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.db.WithContext(ctx).Create(t).Error; err != nil {
			return fmt.Errorf("create thread: %w", err)
		}
		tx.rememberBranch(*t)
		return tx.assignNewThread(ctx, t)
	})
}

// rememberBranch notes a thread's branch for the rest of the transaction,
// so its events need no lookup.
func (s *Store) rememberBranch(t hub.Thread) {
	if s.buf != nil {
		s.buf.branchOf[t.ID] = t.BranchID
	}
}

// ThreadByWorkOrder finds a work order's thread.
func (s *Store) ThreadByWorkOrder(ctx context.Context, workOrderID int64) (hub.Thread, error) {
	var t hub.Thread
	err := s.db.WithContext(ctx).Where("work_order_id = ?", workOrderID).Take(&t).Error
	if err == nil {
		s.rememberBranch(t)
	}
	return t, notFound(err, "thread of work order %d", workOrderID)
}

// Thread loads a thread by id.
func (s *Store) Thread(ctx context.Context, id int64) (hub.Thread, error) {
	var t hub.Thread
	err := s.db.WithContext(ctx).Take(&t, id).Error
	return t, notFound(err, "thread %d", id)
}

// UpdateThreadContact points the thread at the work order's current customer
// and number (the DMS may correct either).
func (s *Store) UpdateThreadContact(ctx context.Context, threadID int64, customerID *int64, phone string) error {
	err := s.db.WithContext(ctx).Model(&hub.Thread{}).Where("id = ?", threadID).
		Updates(map[string]any{"customer_id": customerID, "phone": phone}).Error
	if err != nil {
		return fmt.Errorf("update contact of thread %d: %w", threadID, err)
	}
	return nil
}

// touchThread moves the thread to the top of the inbox.
func (s *Store) touchThread(ctx context.Context, threadID int64, at time.Time) error {
	if s.buf != nil {
		if at.After(s.buf.touched[threadID]) {
			s.buf.touched[threadID] = at
		}
		return nil
	}
	err := s.db.WithContext(ctx).Exec(
		"UPDATE threads SET last_activity_at = ? WHERE id = ? AND last_activity_at < ?", at, threadID, at).Error
	if err != nil {
		return fmt.Errorf("touch thread %d: %w", threadID, err)
	}
	return nil
}

// markAwaiting keeps threads.awaiting_since (the inbox's "waiting for us"
// and first-response clock): a customer message starts the clock unless it
// runs already; a reply stops it. An automatic notification (a template
// sent with no author) is not a reply; notes and system lines change nothing.
func (s *Store) markAwaiting(ctx context.Context, m hub.Message) error {
	var q string
	var args []any
	switch {
	case m.Direction == hub.DirectionIn:
		q, args = "UPDATE threads SET awaiting_since = ? WHERE id = ? AND awaiting_since IS NULL", []any{m.CreatedAt, m.ThreadID}
	case m.Direction == hub.DirectionOut && (m.TemplateKey == "" || m.Author != ""):
		q, args = "UPDATE threads SET awaiting_since = NULL WHERE id = ? AND awaiting_since IS NOT NULL", []any{m.ThreadID}
	default:
		return nil
	}
	if err := s.db.WithContext(ctx).Exec(q, args...).Error; err != nil {
		return fmt.Errorf("mark thread %d awaiting: %w", m.ThreadID, err)
	}
	return nil
}
