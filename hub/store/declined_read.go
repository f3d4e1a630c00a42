package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// OpenDeclinedWork lists the vehicle's declined work not done since
// (closed_at unset), newest first, leaving out what was declined on
// exceptWorkOrderID (the order the advisor is looking at: its own
// decisions show on its lines).
func (s *Store) OpenDeclinedWork(ctx context.Context, vehicleID, exceptWorkOrderID int64) ([]hub.DeclinedWork, error) {
	var out []hub.DeclinedWork
	err := s.db.WithContext(ctx).Where("vehicle_id = ? AND work_order_id <> ? AND closed_at IS NULL", vehicleID, exceptWorkOrderID).
		Order("declined_at DESC, id DESC").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("open declined work of vehicle %d: %w", vehicleID, err)
	}
	return out, nil
}
