package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
	"naryad/lockerwire"
)

// What a kiosk's sync writes and reads: its events (each stored once), the
// alarms they raise and clear, the remote openings they finish, the mirror
// of its compartments, and the work orders it is told about.

// InsertLockerEvent stores a kiosk event unless the site already holds one
// with its EventUID; it reports whether the event is new, and fills ID and
// ReceivedAt when it is.
func (s *Store) InsertLockerEvent(ctx context.Context, e *hub.LockerEvent) (bool, error) {
	e.ReceivedAt = now()
	e.OccurredAt = e.OccurredAt.UTC().Truncate(time.Microsecond)
	var ids []int64
	err := s.db.WithContext(ctx).Raw(`INSERT INTO locker_events
		(site_id, event_uid, kind, occurred_at, received_at, compartment_id, work_order_id, loan_id, command_id, actor, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (site_id, event_uid) DO NOTHING RETURNING id`,
		e.SiteID, e.EventUID, e.Kind, e.OccurredAt, e.ReceivedAt, e.CompartmentID, e.WorkOrderID, e.LoanID, e.CommandID, e.Actor, e.Detail).
		Scan(&ids).Error
	if err != nil {
		return false, fmt.Errorf("store locker event %q of site %d: %w", e.EventUID, e.SiteID, err)
	}
	if len(ids) == 0 {
		return false, nil
	}
	e.ID = ids[0]
	return true, nil
}

// RaiseLockerAlarm opens an alarm for staff.
func (s *Store) RaiseLockerAlarm(ctx context.Context, a *hub.LockerAlarm) error {
	a.RaisedAt = a.RaisedAt.UTC().Truncate(time.Microsecond)
	if err := s.db.WithContext(ctx).Create(a).Error; err != nil {
		return fmt.Errorf("raise %s alarm at locker site %d: %w", a.Kind, a.SiteID, err)
	}
	return nil
}

// ResolveLockerAlarms clears the site's open alarms of a kind that an event
// showed to be over. compartmentIDs nil clears every one; otherwise those on
// the given compartments and those raised without a compartment (nothing
// better can tell them apart).
func (s *Store) ResolveLockerAlarms(ctx context.Context, siteID int64, kind string, compartmentIDs []int64, by string) (int64, error) {
	q := s.db.WithContext(ctx).Model(&hub.LockerAlarm{}).Where("site_id = ? AND kind = ? AND cleared_at IS NULL", siteID, kind)
	if compartmentIDs != nil {
		q = q.Where("compartment_id IN ? OR compartment_id IS NULL", append([]int64{0}, compartmentIDs...))
	}
	res := q.Updates(map[string]any{"cleared_at": now(), "cleared_by": by})
	if res.Error != nil {
		return 0, fmt.Errorf("clear %s alarms at locker site %d: %w", kind, siteID, res.Error)
	}
	return res.RowsAffected, nil
}

// MarkLockerCommandDone records that the kiosk carried out a remote
// opening; a command of another site, or one already done, is left alone.
func (s *Store) MarkLockerCommandDone(ctx context.Context, siteID, commandID int64, at time.Time) error {
	err := s.db.WithContext(ctx).Model(&hub.LockerCommand{}).
		Where("id = ? AND site_id = ? AND done_at IS NULL", commandID, siteID).
		Update("done_at", at.UTC().Truncate(time.Microsecond)).Error
	if err != nil {
		return fmt.Errorf("mark locker command %d done: %w", commandID, err)
	}
	return nil
}

// MirrorLockerCompartments records the kiosk's view of its compartments.
// Only rows that differ are written (a kiosk reports every few seconds and
// little changes between reports); ids of other sites are skipped. A box
// holding a courtesy car's key (lockerwire.LoanKeysID) gets its loan_id.
func (s *Store) MirrorLockerCompartments(ctx context.Context, siteID int64, states []lockerwire.CompartmentState) error {
	current, err := s.LockerCompartments(ctx, siteID)
	if err != nil {
		return err
	}
	byID := make(map[int64]hub.LockerCompartment, len(current))
	for _, c := range current {
		byID[c.ID] = c
	}
	t := now()
	db := s.db.WithContext(ctx)
	for _, st := range states {
		c, ok := byID[st.ID]
		if !ok {
			continue
		}
		var wo, loan *int64
		if id, ok := lockerwire.LoanOf(st.WorkOrderID); ok {
			loan = &id
		} else if st.WorkOrderID != 0 {
			wo = &st.WorkOrderID
		}
		since := st.Since.UTC().Truncate(time.Microsecond)
		if c.State == st.State && sameRef(c.WorkOrderID, wo) && sameRef(c.LoanID, loan) && c.StateSince.Equal(since) &&
			c.DoorClosed == st.DoorClosed && c.Item == st.Item {
			continue
		}
		err := db.Model(&hub.LockerCompartment{}).Where("id = ? AND site_id = ?", st.ID, siteID).Updates(map[string]any{
			"state": st.State, "work_order_id": wo, "loan_id": loan, "state_since": since,
			"door_closed": st.DoorClosed, "item": st.Item, "updated_at": t,
		}).Error
		if err != nil {
			return fmt.Errorf("mirror compartment %d of locker site %d: %w", st.ID, siteID, err)
		}
	}
	return nil
}

// TouchLockerSite records when the site's kiosk last synced.
func (s *Store) TouchLockerSite(ctx context.Context, siteID int64, at time.Time) error {
	err := s.db.WithContext(ctx).Model(&hub.LockerSite{}).Where("id = ?", siteID).
		Update("last_sync_at", at.UTC().Truncate(time.Microsecond)).Error
	if err != nil {
		return fmt.Errorf("touch locker site %d: %w", siteID, err)
	}
	return nil
}

// BranchWorkOrderIDs returns which of ids are work orders of the branch.
func (s *Store) BranchWorkOrderIDs(ctx context.Context, branchID int64, ids []int64) ([]int64, error) {
	var out []int64
	if len(ids) == 0 {
		return out, nil
	}
	err := s.db.WithContext(ctx).Model(&hub.WorkOrder{}).Where("branch_id = ? AND id IN ?", branchID, ids).Pluck("id", &out).Error
	if err != nil {
		return nil, fmt.Errorf("work orders of branch %d: %w", branchID, err)
	}
	return out, nil
}

// LockerOrder is a work order as a kiosk needs it: with the phone of its
// thread, whose last digits a customer may type instead of a code.
type LockerOrder struct {
	ID     int64
	Number string
	Status string
	Paid   bool
	Phone  string
}

// LockerOrders lists the branch's open work orders (neither delivered nor
// cancelled) and the work orders with the given ids, whatever their state
// (keys still in a compartment), by id.
func (s *Store) LockerOrders(ctx context.Context, branchID int64, alsoIDs []int64) ([]LockerOrder, error) {
	var out []LockerOrder
	q := s.db.WithContext(ctx).Table("work_orders AS w").
		Select("w.id, w.number, w.status, w.paid, COALESCE(t.phone, '') AS phone").
		Joins("LEFT JOIN threads t ON t.work_order_id = w.id")
	closed := []string{hub.StatusDelivered, hub.StatusCancelled}
	if len(alsoIDs) > 0 {
		q = q.Where("(w.branch_id = ? AND w.status NOT IN ?) OR w.id IN ?", branchID, closed, alsoIDs)
	} else {
		q = q.Where("w.branch_id = ? AND w.status NOT IN ?", branchID, closed)
	}
	if err := q.Order("w.id").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("work orders for the lockers of branch %d: %w", branchID, err)
	}
	return out, nil
}

// LockerKeysReady tells whether a compartment of a live locker of the work
// order's branch holds its keys ready for pickup, as its kiosk last
// reported.
func (s *Store) LockerKeysReady(ctx context.Context, workOrderID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("locker_compartments AS c").
		Joins("JOIN locker_sites s ON s.id = c.site_id AND s.revoked_at IS NULL").
		Joins("JOIN work_orders w ON w.id = c.work_order_id AND w.branch_id = s.branch_id").
		Where("c.work_order_id = ? AND c.state = ?", workOrderID, lockerwire.StateReady).
		Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("keys of work order %d in a locker: %w", workOrderID, err)
	}
	return n > 0, nil
}

// sameRef tells whether two optional ids are equal.
func sameRef(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
