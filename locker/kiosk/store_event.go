package kiosk

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"naryad/lockerwire"
)

// eventRow is one event waiting for (or already accepted by) the hub.
type eventRow struct {
	N             int64 `gorm:"primaryKey"`
	UID           string
	Kind          string
	OccurredAt    time.Time
	CompartmentID *int64
	WorkOrderID   *int64
	CommandID     *int64
	Actor         string
	Detail        string
	SentAt        *time.Time
}

func (eventRow) TableName() string { return "events" }

func (r eventRow) wire() lockerwire.Event {
	return lockerwire.Event{ID: r.UID, Kind: r.Kind, OccurredAt: r.OccurredAt, CompartmentID: deref(r.CompartmentID),
		WorkOrderID: deref(r.WorkOrderID), CommandID: deref(r.CommandID), Actor: r.Actor, Detail: r.Detail}
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// Actors of events made by the kiosk itself or by a customer.
const (
	actorKiosk    = "kiosk"
	actorCustomer = "customer"
)

// addEvent queues e for the hub under a fresh random id. Call it inside the
// transaction that makes the change e records, so both or neither are kept.
func (s *store) addEvent(ctx context.Context, e lockerwire.Event) (lockerwire.Event, error) {
	e.ID = rand.Text()
	row := eventRow{UID: e.ID, Kind: e.Kind, OccurredAt: e.OccurredAt.UTC(), CompartmentID: idOrNil(e.CompartmentID),
		WorkOrderID: idOrNil(e.WorkOrderID), CommandID: idOrNil(e.CommandID), Actor: e.Actor, Detail: e.Detail}
	if err := s.q(ctx).Create(&row).Error; err != nil {
		return e, fmt.Errorf("queue event %s: %w", e.Kind, err)
	}
	return e, nil
}

// unsentEvents lists up to limit events the hub has not accepted, oldest first.
func (s *store) unsentEvents(ctx context.Context, limit int) ([]lockerwire.Event, error) {
	var rows []eventRow
	if err := s.q(ctx).Where("sent_at IS NULL").Order("n").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("unsent events: %w", err)
	}
	out := make([]lockerwire.Event, len(rows))
	for i, r := range rows {
		out[i] = r.wire()
	}
	return out, nil
}

// markSent records that the hub holds these events; ids it never had, or
// already marked, change nothing.
func (s *store) markSent(ctx context.Context, ids []string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.q(ctx).Model(&eventRow{}).Where("uid IN ? AND sent_at IS NULL", ids).Update("sent_at", at).Error
	if err != nil {
		return fmt.Errorf("mark events sent: %w", err)
	}
	return nil
}

// pruneSent forgets events the hub has held for a while; the kiosk keeps a
// short local log only for someone looking at kiosk.db on site.
func (s *store) pruneSent(ctx context.Context, before time.Time) error {
	if err := s.q(ctx).Where("sent_at < ?", before).Delete(&eventRow{}).Error; err != nil {
		return fmt.Errorf("prune sent events: %w", err)
	}
	return nil
}
