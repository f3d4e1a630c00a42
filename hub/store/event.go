package store

import (
	"context"
	"fmt"
)

// Results of an inbound DMS event.
const (
	EventApplied   = "applied"
	EventDuplicate = "duplicate"
	EventStale     = "stale"
	EventRejected  = "rejected"
)

// ClaimEvent records that the node's event id is being applied. It must be
// the first write of the event's transaction: false means the id was taken
// before, and the event must have no other effect.
func (s *Store) ClaimEvent(ctx context.Context, nodeID int64, eventID, eventType string) (bool, error) {
	res := s.db.WithContext(ctx).Exec(
		`INSERT INTO inbound_events (node_id, event_id, type, result, received_at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (node_id, event_id) DO NOTHING`,
		nodeID, eventID, eventType, EventApplied, now())
	if res.Error != nil {
		return false, fmt.Errorf("claim event %q: %w", eventID, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// MarkEventStale keeps the claim of an event that changed nothing because a
// newer version was already stored; re-sending it answers duplicate.
func (s *Store) MarkEventStale(ctx context.Context, nodeID int64, eventID string) error {
	err := s.db.WithContext(ctx).Exec(
		"UPDATE inbound_events SET result = ? WHERE node_id = ? AND event_id = ?", EventStale, nodeID, eventID).Error
	if err != nil {
		return fmt.Errorf("mark event %q stale: %w", eventID, err)
	}
	return nil
}
