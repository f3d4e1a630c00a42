package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// reportedItem is hub.InspectionItem.Reported in SQL, for an
// inspection_items row named i.
const reportedItem = "NOT i.hidden AND i.state <> ''"

// keepSentInspection replaces the inspection's sent copy with its reported
// items as they read now and their photos, inside SendInspection's
// transaction: the customer sees what the advisor sent, not what was
// edited since.
func (s *Store) keepSentInspection(ctx context.Context, inspectionID int64) error {
	db := s.db.WithContext(ctx)
	for _, q := range []string{
		`DELETE FROM inspection_sent_media WHERE inspection_id = ?`,
		`DELETE FROM inspection_sent_items WHERE inspection_id = ?`,
		`INSERT INTO inspection_sent_items (inspection_id, item_id, code, position, name, state, value, unit, note)
		 SELECT i.inspection_id, i.id, i.code, i.position, i.name, i.state, i.value, i.unit, i.note
		 FROM inspection_items i WHERE i.inspection_id = ? AND ` + reportedItem,
		`INSERT INTO inspection_sent_media (inspection_id, media_id)
		 SELECT i.inspection_id, m.id FROM inspection_media m JOIN inspection_items i ON i.id = m.item_id
		 WHERE i.inspection_id = ? AND ` + reportedItem,
	} {
		if err := db.Exec(q, inspectionID).Error; err != nil {
			return fmt.Errorf("keep the sent copy of inspection %d: %w", inspectionID, err)
		}
	}
	return nil
}

// SentInspection is what the customer's report shows of an inspection:
// the items and photos of its last send, in order (none before the first
// send). The items carry their ids, so a photo finds its item.
func (s *Store) SentInspection(ctx context.Context, inspectionID int64) ([]hub.InspectionItem, []hub.InspectionMedia, error) {
	var items []hub.InspectionItem
	db := s.db.WithContext(ctx)
	err := db.Raw(`SELECT item_id AS id, inspection_id, code, position, name, state, value, unit, note
		FROM inspection_sent_items WHERE inspection_id = ? ORDER BY position, item_id`, inspectionID).Scan(&items).Error
	if err != nil {
		return nil, nil, fmt.Errorf("sent items of inspection %d: %w", inspectionID, err)
	}
	var media []hub.InspectionMedia
	err = db.Raw(`SELECT m.* FROM inspection_media m JOIN inspection_sent_media s ON s.media_id = m.id
		WHERE s.inspection_id = ? ORDER BY m.id`, inspectionID).Scan(&media).Error
	if err != nil {
		return nil, nil, fmt.Errorf("sent media of inspection %d: %w", inspectionID, err)
	}
	return items, media, nil
}
