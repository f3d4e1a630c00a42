package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// MechanicOrderByNumber finds the open work order of branchIDs whose number
// is number exactly, in any spelling keyVariants knows ("зн-1" is ЗН-1), for
// the QR code on the job card. It is a lookup, not MechanicOrders' prefix
// search: ЗН-1 is found even when dozens of newer ЗН-1x orders are open.
// ok is false when no order or more than one (two branches of the user
// with the same number) matches; the caller then lists them.
func (s *Store) MechanicOrderByNumber(ctx context.Context, branchIDs []int64, number string) (MechanicOrder, bool, error) {
	keys := keyVariants(number)
	if len(branchIDs) == 0 || len(keys) == 0 {
		return MechanicOrder{}, false, nil
	}
	var out []MechanicOrder
	err := s.db.WithContext(ctx).Raw(`SELECT t.id AS thread_id, w.number, w.status,
	  COALESCE(v.plate, '') AS plate, COALESCE(v.make, '') AS make, COALESCE(v.model, '') AS model
	FROM work_orders w
	JOIN threads t ON t.work_order_id = w.id
	LEFT JOIN vehicles v ON v.id = w.vehicle_id
	WHERE t.branch_id IN ? AND w.status NOT IN ? AND w.number IN ?
	ORDER BY w.id LIMIT 2`, branchIDs, []string{hub.StatusDelivered, hub.StatusCancelled}, keys).Scan(&out).Error
	if err != nil {
		return MechanicOrder{}, false, fmt.Errorf("mechanic order %q: %w", number, err)
	}
	if len(out) != 1 {
		return MechanicOrder{}, false, nil
	}
	return out[0], true, nil
}
