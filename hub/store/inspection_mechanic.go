package store

import (
	"context"
	"errors"
	"fmt"

	"naryad/hub"
)

// What the mechanic's inspection page needs besides the foundation's
// reads and edits (inspection.go): one file for staff, branch-checked, and
// a free item that a double tap does not add twice.

// StaffInspectionMedia loads photo or video mediaID of an inspection of one
// of branchIDs; ErrNotFound for any other (another branch's, a made-up id).
func (s *Store) StaffInspectionMedia(ctx context.Context, branchIDs []int64, mediaID int64) (hub.InspectionMedia, error) {
	var m hub.InspectionMedia
	if len(branchIDs) == 0 {
		return m, fmt.Errorf("inspection media %d: %w", mediaID, ErrNotFound)
	}
	err := s.db.WithContext(ctx).Raw(`SELECT m.* FROM inspection_media m
		JOIN inspection_items i ON i.id = m.item_id JOIN inspections n ON n.id = i.inspection_id
		WHERE m.id = ? AND n.branch_id IN ?`, mediaID, branchIDs).Scan(&m).Error
	if err != nil {
		return m, fmt.Errorf("inspection media %d: %w", mediaID, err)
	}
	if m.ID == 0 {
		return m, fmt.Errorf("inspection media %d: %w", mediaID, ErrNotFound)
	}
	return m, nil
}

// errSameFreeItem rolls back a free item's transaction when the item is
// there already.
var errSameFreeItem = errors.New("free item exists")

// AddFreeItemOnce adds a free item like AddFreeItem unless the inspection
// has a free item of that name already (a double tap, a form posted again
// over a weak Wi-Fi): then it returns that one with added false. The
// inspection row's lock orders concurrent adds, so fifteen at once add one.
func (s *Store) AddFreeItemOnce(ctx context.Context, inspectionID int64, name, unit, by string) (item hub.InspectionItem, added bool, err error) {
	err = s.Tx(ctx, func(tx *Store) error {
		if err := tx.touchInspection(ctx, inspectionID, by); err != nil {
			return err
		}
		res := tx.db.WithContext(ctx).Where("inspection_id = ? AND code LIKE ? AND name = ?",
			inspectionID, hub.FreeItemPrefix+"%", name).Limit(1).Find(&item)
		if res.Error != nil {
			return fmt.Errorf("free items of inspection %d: %w", inspectionID, res.Error)
		}
		if res.RowsAffected > 0 {
			return errSameFreeItem // undoes the touch: nothing changed
		}
		item, err = tx.AddFreeItem(ctx, inspectionID, name, unit, by)
		added = err == nil
		return err
	})
	if errors.Is(err, errSameFreeItem) {
		return item, false, nil
	}
	return item, added, err
}
