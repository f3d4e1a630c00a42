package store

import (
	"context"
	"fmt"
)

// markOldSystemLines names KeyOldSystemLines' mark in store_marks.
const markOldSystemLines = "old_system_lines"

// markThrough reads how far the start-up pass name got: the highest id it
// has looked at, 0 when it never ran.
func (s *Store) markThrough(ctx context.Context, name string) (int64, error) {
	var ids []int64
	if err := s.db.WithContext(ctx).Raw("SELECT through_id FROM store_marks WHERE name = ?", name).Scan(&ids).Error; err != nil {
		return 0, fmt.Errorf("read mark %s: %w", name, err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}

// setMarkThrough records that the pass name has looked at every row up to id.
func (s *Store) setMarkThrough(ctx context.Context, name string, id int64) error {
	err := s.db.WithContext(ctx).Exec(`INSERT INTO store_marks (name, through_id) VALUES (?, ?)
	  ON CONFLICT (name) DO UPDATE SET through_id = excluded.through_id`, name, id).Error
	if err != nil {
		return fmt.Errorf("set mark %s to %d: %w", name, id, err)
	}
	return nil
}
