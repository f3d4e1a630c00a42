package store

import (
	"context"

	"naryad/hub"
)

// LastCustomerMessage is the thread's newest message from the customer
// (direction in), read on messages_thread (thread_id, id); ErrNotFound
// when the customer has written nothing. The inbox's desktop notification
// asks for it after a live event to tell a new customer message from a
// delivery update.
func (s *Store) LastCustomerMessage(ctx context.Context, threadID int64) (hub.Message, error) {
	var m hub.Message
	err := s.db.WithContext(ctx).Where("thread_id = ? AND direction = ?", threadID, hub.DirectionIn).Order("id DESC").Take(&m).Error
	return m, notFound(err, "last customer message of thread %d", threadID)
}
