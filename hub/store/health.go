package store

import (
	"context"
	"fmt"
)

// ProbeWrite rewrites the one row of health_probe and commits, so a
// database that still answers but cannot write (a full disk) fails here.
// Every instance writes the same row.
func (s *Store) ProbeWrite(ctx context.Context) error {
	err := s.db.WithContext(ctx).Exec(`INSERT INTO health_probe (id, probed_at) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at`, now()).Error
	if err != nil {
		return fmt.Errorf("probe database write: %w", err)
	}
	return nil
}
