package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// BranchEventsAfter lists the events of every thread of the given branches
// numbered above after, in order (an advisors' inbox stream). No branch
// means no events.
func (s *Store) BranchEventsAfter(ctx context.Context, branchIDs []int64, after int64, limit int) ([]hub.ThreadEvent, error) {
	if len(branchIDs) == 0 {
		return nil, nil
	}
	var out []hub.ThreadEvent
	err := s.db.WithContext(ctx).Where("branch_id IN ? AND id > ?", branchIDs, after).Order("id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("events of branches %v after %d: %w", branchIDs, after, err)
	}
	return out, nil
}
