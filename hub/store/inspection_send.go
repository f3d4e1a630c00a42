package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"naryad/hub"
	"naryad/templates"
)

// ErrInspectionUnchanged: the DMS has the inspection's newest revision
// already, so a send would only repeat it (a second click, fifteen at once).
var ErrInspectionUnchanged = errors.New("inspection unchanged since it was sent")

// SendInspection hands the inspection's current revision to the DMS as an
// inspection change: its items that are not hidden and have a state, each
// with its photos and videos as files the DMS fetches by hash. In one
// transaction it marks the revision sent, writes a system line in the
// thread and tells open pages (the customer's too) that the order
// changed. ErrInspectionUnchanged when that revision was sent already:
// of fifteen sends at once, one appends the change.
func (s *Store) SendInspection(ctx context.Context, inspectionID int64, by string) (hub.InspectionData, error) {
	var data hub.InspectionData
	err := s.Tx(ctx, func(tx *Store) error {
		// The counter before the thread row the system line touches (see
		// LockChangeFeed).
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		db := tx.db.WithContext(ctx)
		t := now()
		// The feed lock above already lets one send run at a time; the
		// condition makes a send of an unchanged revision change nothing.
		res := db.Exec(`UPDATE inspections SET sent_revision = revision, sent_at = ?, sent_by = ?
			WHERE id = ? AND revision > sent_revision`, t, by, inspectionID)
		if res.Error != nil {
			return fmt.Errorf("mark inspection %d sent: %w", inspectionID, res.Error)
		}
		var insp hub.Inspection
		if err := db.Where("id = ?", inspectionID).Take(&insp).Error; err != nil {
			return notFound(err, "inspection %d", inspectionID)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("inspection %d revision %d: %w", inspectionID, insp.Revision, ErrInspectionUnchanged)
		}
		var err error
		if data, err = tx.inspectionData(ctx, insp); err != nil {
			return err
		}
		if err := tx.keepSentInspection(ctx, insp.ID); err != nil {
			return err
		}
		w, err := tx.WorkOrder(ctx, insp.WorkOrderID)
		if err != nil {
			return err
		}
		c := hub.Change{BranchID: insp.BranchID, WorkOrderID: &w.ID, WorkOrderNumber: w.Number, OccurredAt: t}
		if err := tx.AppendChange(ctx, &c, data); err != nil {
			return err
		}
		th, err := tx.Thread(ctx, insp.ThreadID)
		if err != nil {
			return err
		}
		line := hub.SystemLine(th.ID, "naryad", templates.SysInspectionSent,
			map[string]string{"revision": strconv.FormatInt(insp.Revision, 10), "by": by})
		if err := tx.AddMessage(ctx, &line); err != nil {
			return err
		}
		// The customer's open page re-renders its order section, as after a
		// DMS update: the report appears there now.
		return tx.AppendOrderEvent(ctx, th)
	})
	return data, err
}

// inspectionData is what the DMS gets of insp: the items that are not
// hidden and were looked at, in order, with their media.
func (s *Store) inspectionData(ctx context.Context, insp hub.Inspection) (hub.InspectionData, error) {
	d := hub.InspectionData{InspectionID: insp.ID, Revision: insp.Revision, Mechanic: insp.StartedBy,
		SentBy: insp.SentBy, Items: []hub.InspectionItemData{}}
	if insp.SentAt != nil {
		d.SentAt = *insp.SentAt
	}
	items, err := s.InspectionItems(ctx, insp.ID)
	if err != nil {
		return d, err
	}
	media, err := s.InspectionMediaOf(ctx, insp.ID)
	if err != nil {
		return d, err
	}
	files := map[int64][]hub.InspectionFileData{}
	for _, m := range media {
		files[m.ItemID] = append(files[m.ItemID], hub.InspectionFileData{Name: m.Name, ContentType: m.ContentType,
			SizeBytes: m.SizeBytes, SHA256: m.SHA256, URL: hub.DMSFileURL(m.SHA256)})
	}
	for _, it := range items {
		if !it.Reported() {
			continue
		}
		d.Items = append(d.Items, hub.InspectionItemData{Code: it.Code, Name: it.Name, State: it.State,
			Value: it.Value, Unit: it.Unit, Note: it.Note, Files: files[it.ID]})
	}
	return d, nil
}
