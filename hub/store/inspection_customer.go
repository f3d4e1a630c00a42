package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// MarkInspectionOpened records the first time the customer opened the
// report after it was sent; later visits (and an inspection not sent yet)
// change nothing, so the advisor sees when the customer first looked.
func (s *Store) MarkInspectionOpened(ctx context.Context, inspectionID int64) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE inspections SET customer_opened_at = ?
		WHERE id = ? AND customer_opened_at IS NULL AND sent_revision > 0`, now(), inspectionID).Error
	if err != nil {
		return fmt.Errorf("mark inspection %d opened: %w", inspectionID, err)
	}
	return nil
}

// CustomerInspectionMedia loads a photo or video the customer of thread
// threadID may see: one the advisor sent in that thread's inspection
// (its last send). Anything else is ErrNotFound, so a guessed id tells
// nothing.
func (s *Store) CustomerInspectionMedia(ctx context.Context, threadID, mediaID int64) (hub.InspectionMedia, error) {
	var out []hub.InspectionMedia
	err := s.db.WithContext(ctx).Raw(`SELECT m.* FROM inspection_media m
		JOIN inspection_sent_media s ON s.media_id = m.id
		JOIN inspections n ON n.id = s.inspection_id
		WHERE m.id = ? AND n.thread_id = ?`,
		mediaID, threadID).Scan(&out).Error
	if err != nil {
		return hub.InspectionMedia{}, fmt.Errorf("customer media %d of thread %d: %w", mediaID, threadID, err)
	}
	if len(out) == 0 {
		return hub.InspectionMedia{}, fmt.Errorf("customer media %d of thread %d: %w", mediaID, threadID, ErrNotFound)
	}
	return out[0], nil
}
