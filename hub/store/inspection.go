package store

import (
	"context"
	"errors"
	"fmt"

	"naryad/hub"
)

// Checklist is the branch's inspection checklist in order: its admin's own
// copy, or hub.DefaultChecklist when the branch has none.
func (s *Store) Checklist(ctx context.Context, branchID int64) ([]hub.ChecklistItem, error) {
	var out []hub.ChecklistItem
	err := s.db.WithContext(ctx).Where("branch_id = ?", branchID).Order("position, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("checklist of branch %d: %w", branchID, err)
	}
	if len(out) == 0 {
		out = hub.DefaultChecklist()
		for i := range out {
			out[i].BranchID = branchID
		}
	}
	return out, nil
}

// InspectionOf loads the inspection of a work order; ErrNotFound when the
// mechanic has not started one.
func (s *Store) InspectionOf(ctx context.Context, workOrderID int64) (hub.Inspection, error) {
	var i hub.Inspection
	err := s.db.WithContext(ctx).Where("work_order_id = ?", workOrderID).Take(&i).Error
	return i, notFound(err, "inspection of work order %d", workOrderID)
}

// StartInspection returns the work order's inspection, creating it with
// one item per checklist row (named in the branch's language) when there
// is none: fifteen mechanics opening it at once make one. Opening it names
// no one: the inspection's mechanic (StartedBy) is whoever first records
// something in it, not an advisor who only looked.
func (s *Store) StartInspection(ctx context.Context, th hub.Thread, by string) (hub.Inspection, error) {
	if th.WorkOrderID == nil {
		return hub.Inspection{}, fmt.Errorf("start inspection: thread %d has no work order", th.ID)
	}
	if i, err := s.InspectionOf(ctx, *th.WorkOrderID); !errors.Is(err, ErrNotFound) {
		return i, err
	}
	err := s.Tx(ctx, func(tx *Store) error {
		branch, err := tx.Branch(ctx, th.BranchID)
		if err != nil {
			return err
		}
		list, err := tx.Checklist(ctx, th.BranchID)
		if err != nil {
			return err
		}
		t := now()
		i := hub.Inspection{WorkOrderID: *th.WorkOrderID, BranchID: th.BranchID, ThreadID: th.ID, StartedBy: by, CreatedAt: t, UpdatedAt: t}
		res := tx.db.WithContext(ctx).Exec(`INSERT INTO inspections (work_order_id, branch_id, thread_id, started_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (work_order_id) DO NOTHING`, i.WorkOrderID, i.BranchID, i.ThreadID, "", t, t)
		if res.Error != nil {
			return fmt.Errorf("start inspection of work order %d: %w", i.WorkOrderID, res.Error)
		}
		if res.RowsAffected == 0 {
			return nil // another request made it first
		}
		if i, err = tx.InspectionOf(ctx, *th.WorkOrderID); err != nil {
			return err
		}
		items := make([]hub.InspectionItem, len(list))
		for n, c := range list {
			items[n] = hub.InspectionItem{InspectionID: i.ID, Code: c.Code, Position: n + 1, Name: c.Name(branch.Locale),
				Unit: c.Unit, UpdatedAt: t, UpdatedBy: by}
		}
		if len(items) > 0 {
			if err := tx.db.WithContext(ctx).Create(&items).Error; err != nil {
				return fmt.Errorf("checklist items of inspection %d: %w", i.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return hub.Inspection{}, err
	}
	return s.InspectionOf(ctx, *th.WorkOrderID)
}

// InspectionItems lists an inspection's items in order, hidden ones too.
func (s *Store) InspectionItems(ctx context.Context, inspectionID int64) ([]hub.InspectionItem, error) {
	var out []hub.InspectionItem
	err := s.db.WithContext(ctx).Where("inspection_id = ?", inspectionID).Order("position, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("items of inspection %d: %w", inspectionID, err)
	}
	return out, nil
}

// InspectionMediaOf lists the photos and videos of an inspection's items,
// oldest first.
func (s *Store) InspectionMediaOf(ctx context.Context, inspectionID int64) ([]hub.InspectionMedia, error) {
	var out []hub.InspectionMedia
	err := s.db.WithContext(ctx).Raw(`SELECT m.* FROM inspection_media m JOIN inspection_items i ON i.id = m.item_id
		WHERE i.inspection_id = ? ORDER BY m.id`, inspectionID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("media of inspection %d: %w", inspectionID, err)
	}
	return out, nil
}

// ItemEdit is a change to one item; a nil field is left as it is. Values
// are checked already (hub.CleanItemText, hub.ParseMeasurement,
// hub.ValidItemState).
type ItemEdit struct {
	State  *string
	Value  *string
	Note   *string
	Hidden *bool
	By     string
}

// EditInspectionItem applies e to item itemID of inspection inspectionID
// and moves the inspection's revision on. ErrNotFound when the item is
// not that inspection's (another branch's order, a made-up id). An edit
// that changes nothing changes no revision.
func (s *Store) EditInspectionItem(ctx context.Context, inspectionID, itemID int64, e ItemEdit) (hub.InspectionItem, error) {
	var item hub.InspectionItem
	err := s.Tx(ctx, func(tx *Store) error {
		db := tx.db.WithContext(ctx)
		if err := db.Where("id = ? AND inspection_id = ?", itemID, inspectionID).Take(&item).Error; err != nil {
			return notFound(err, "item %d of inspection %d", itemID, inspectionID)
		}
		before := item
		if e.State != nil {
			item.State = *e.State
		}
		if e.Value != nil {
			item.Value = *e.Value
		}
		if e.Note != nil {
			item.Note = *e.Note
		}
		if e.Hidden != nil {
			item.Hidden = *e.Hidden
		}
		if item.State == before.State && item.Value == before.Value && item.Note == before.Note && item.Hidden == before.Hidden {
			return nil
		}
		item.UpdatedAt, item.UpdatedBy = now(), e.By
		if err := db.Model(&hub.InspectionItem{}).Where("id = ?", item.ID).Updates(map[string]any{
			"state": item.State, "value": item.Value, "note": item.Note, "hidden": item.Hidden,
			"updated_at": item.UpdatedAt, "updated_by": item.UpdatedBy}).Error; err != nil {
			return fmt.Errorf("save item %d: %w", item.ID, err)
		}
		return tx.touchInspection(ctx, inspectionID, e.By)
	})
	return item, err
}

// AddFreeItem adds an item outside the checklist, named by the mechanic,
// at the end of the inspection.
func (s *Store) AddFreeItem(ctx context.Context, inspectionID int64, name, unit, by string) (hub.InspectionItem, error) {
	var item hub.InspectionItem
	err := s.Tx(ctx, func(tx *Store) error {
		db := tx.db.WithContext(ctx)
		// The inspection row's lock orders concurrent adds, so two never
		// take the same free-<n>.
		if err := tx.touchInspection(ctx, inspectionID, by); err != nil {
			return err
		}
		var last struct {
			Pos  int
			Free int
		}
		if err := db.Raw(`SELECT COALESCE(MAX(position), 0) AS pos,
			COUNT(CASE WHEN code LIKE ? THEN 1 END) AS free FROM inspection_items WHERE inspection_id = ?`,
			hub.FreeItemPrefix+"%", inspectionID).Scan(&last).Error; err != nil {
			return fmt.Errorf("free items of inspection %d: %w", inspectionID, err)
		}
		item = hub.InspectionItem{InspectionID: inspectionID, Code: fmt.Sprintf("%s%d", hub.FreeItemPrefix, last.Free+1),
			Position: last.Pos + 1, Name: name, Unit: unit, UpdatedAt: now(), UpdatedBy: by}
		if err := db.Create(&item).Error; err != nil {
			return fmt.Errorf("add item %q to inspection %d: %w", name, inspectionID, err)
		}
		return nil
	})
	return item, err
}

// AddInspectionMedia stores a photo or video of item m.ItemID of
// inspection inspectionID, once per upload key: a retried upload returns
// the stored row with added false. ErrNotFound when the item is not that
// inspection's.
func (s *Store) AddInspectionMedia(ctx context.Context, inspectionID int64, m *hub.InspectionMedia) (added bool, err error) {
	err = s.Tx(ctx, func(tx *Store) error {
		db := tx.db.WithContext(ctx)
		var n int64
		if err := db.Model(&hub.InspectionItem{}).Where("id = ? AND inspection_id = ?", m.ItemID, inspectionID).Count(&n).Error; err != nil {
			return fmt.Errorf("item %d of inspection %d: %w", m.ItemID, inspectionID, err)
		}
		if n == 0 {
			return fmt.Errorf("item %d of inspection %d: %w", m.ItemID, inspectionID, ErrNotFound)
		}
		m.CreatedAt = now()
		res := db.Exec(`INSERT INTO inspection_media (item_id, upload_key, sha256, name, content_type, size_bytes, thumb_sha256, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item_id, upload_key) DO NOTHING`,
			m.ItemID, m.UploadKey, m.SHA256, m.Name, m.ContentType, m.SizeBytes, m.ThumbSHA256, m.CreatedAt, m.CreatedBy)
		if res.Error != nil {
			return fmt.Errorf("add media to item %d: %w", m.ItemID, res.Error)
		}
		added = res.RowsAffected == 1
		if err := db.Where("item_id = ? AND upload_key = ?", m.ItemID, m.UploadKey).Take(m).Error; err != nil {
			return fmt.Errorf("read media of item %d: %w", m.ItemID, err)
		}
		if !added {
			return nil
		}
		return tx.touchInspection(ctx, inspectionID, m.CreatedBy)
	})
	return added, err
}

// DeleteInspectionMedia removes one photo or video of inspection
// inspectionID (the file stays in the media store: another row may use
// it). ErrNotFound when it is not that inspection's.
func (s *Store) DeleteInspectionMedia(ctx context.Context, inspectionID, mediaID int64) error {
	return s.Tx(ctx, func(tx *Store) error {
		res := tx.db.WithContext(ctx).Exec(`DELETE FROM inspection_media WHERE id = ? AND item_id IN
			(SELECT id FROM inspection_items WHERE inspection_id = ?)`, mediaID, inspectionID)
		if res.Error != nil {
			return fmt.Errorf("delete media %d: %w", mediaID, res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("media %d of inspection %d: %w", mediaID, inspectionID, ErrNotFound)
		}
		return tx.touchInspection(ctx, inspectionID, "")
	})
}

// touchInspection moves the revision on after an edit by (and takes the
// inspection row's lock to the commit); the first one to record something
// becomes its mechanic.
func (s *Store) touchInspection(ctx context.Context, inspectionID int64, by string) error {
	res := s.db.WithContext(ctx).Exec(`UPDATE inspections SET revision = revision + 1, updated_at = ?,
		started_by = CASE WHEN started_by = '' THEN ? ELSE started_by END WHERE id = ?`, now(), by, inspectionID)
	if res.Error != nil {
		return fmt.Errorf("touch inspection %d: %w", inspectionID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("inspection %d: %w", inspectionID, ErrNotFound)
	}
	return nil
}

// StoredUpload is asked before an upload's bytes are read: ErrNotFound
// when itemID is not an item of inspection inspectionID (nothing is
// written for a made-up id), and the row already stored under uploadKey
// when the upload is a retry (its file need not be decoded again); nil
// for a new upload.
func (s *Store) StoredUpload(ctx context.Context, inspectionID, itemID int64, uploadKey string) (*hub.InspectionMedia, error) {
	db := s.db.WithContext(ctx)
	var n int64
	if err := db.Model(&hub.InspectionItem{}).Where("id = ? AND inspection_id = ?", itemID, inspectionID).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("item %d of inspection %d: %w", itemID, inspectionID, err)
	}
	if n == 0 {
		return nil, fmt.Errorf("item %d of inspection %d: %w", itemID, inspectionID, ErrNotFound)
	}
	var found []hub.InspectionMedia
	if err := db.Where("item_id = ? AND upload_key = ?", itemID, uploadKey).Limit(1).Find(&found).Error; err != nil {
		return nil, fmt.Errorf("upload %q of item %d: %w", uploadKey, itemID, err)
	}
	if len(found) == 0 {
		return nil, nil
	}
	return &found[0], nil
}
