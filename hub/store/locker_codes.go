package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// Locker codes: what a customer types at the kiosk, kept only as a salted
// hash. A work order has at most one live code of each kind (not used, not
// revoked); issuing a new one revokes the one before.

// IssueLockerCode stores c as the work order's live code of its kind,
// revoking the previous live one, in one transaction.
func (s *Store) IssueLockerCode(ctx context.Context, c *hub.LockerCode) error {
	return s.Tx(ctx, func(tx *Store) error {
		t := now()
		if _, err := tx.RevokeLockerCodes(ctx, c.WorkOrderID, c.Kind); err != nil {
			return err
		}
		c.CreatedAt, c.UsedAt, c.RevokedAt = t, nil, nil
		if err := tx.db.WithContext(ctx).Create(c).Error; err != nil {
			return fmt.Errorf("issue %s code of work order %d: %w", c.Kind, c.WorkOrderID, err)
		}
		return nil
	})
}

// LiveLockerCode returns the work order's live code of a kind, or
// ErrNotFound.
func (s *Store) LiveLockerCode(ctx context.Context, workOrderID int64, kind string) (hub.LockerCode, error) {
	var c hub.LockerCode
	err := s.db.WithContext(ctx).
		Where("work_order_id = ? AND kind = ? AND used_at IS NULL AND revoked_at IS NULL", workOrderID, kind).
		Order("id DESC").Take(&c).Error
	return c, notFound(err, "live %s code of work order %d", kind, workOrderID)
}

// LiveLockerCodes lists the live codes of the given work orders.
func (s *Store) LiveLockerCodes(ctx context.Context, workOrderIDs []int64) ([]hub.LockerCode, error) {
	var out []hub.LockerCode
	// A branch may have thousands of open work orders: stay far below
	// either database's limit on bound parameters.
	const chunk = 1000
	for start := 0; start < len(workOrderIDs); start += chunk {
		var part []hub.LockerCode
		err := s.db.WithContext(ctx).
			Where("work_order_id IN ? AND used_at IS NULL AND revoked_at IS NULL", workOrderIDs[start:min(start+chunk, len(workOrderIDs))]).
			Order("id").Find(&part).Error
		if err != nil {
			return nil, fmt.Errorf("live locker codes of %d work orders: %w", len(workOrderIDs), err)
		}
		out = append(out, part...)
	}
	return out, nil
}

// UseLockerCode marks the work order's live code of a kind used at at: it
// has done its job and opens nothing any more. It reports whether there was
// one.
func (s *Store) UseLockerCode(ctx context.Context, workOrderID int64, kind string, at time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&hub.LockerCode{}).
		Where("work_order_id = ? AND kind = ? AND used_at IS NULL AND revoked_at IS NULL", workOrderID, kind).
		Update("used_at", at.UTC().Truncate(time.Microsecond))
	if res.Error != nil {
		return false, fmt.Errorf("use %s code of work order %d: %w", kind, workOrderID, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// RevokeLockerCodes kills the work order's live codes of a kind and reports
// how many there were.
func (s *Store) RevokeLockerCodes(ctx context.Context, workOrderID int64, kind string) (int64, error) {
	res := s.db.WithContext(ctx).Model(&hub.LockerCode{}).
		Where("work_order_id = ? AND kind = ? AND used_at IS NULL AND revoked_at IS NULL", workOrderID, kind).
		Update("revoked_at", now())
	if res.Error != nil {
		return 0, fmt.Errorf("revoke %s codes of work order %d: %w", kind, workOrderID, res.Error)
	}
	return res.RowsAffected, nil
}
