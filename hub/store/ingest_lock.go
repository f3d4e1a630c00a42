package store

import (
	"context"
	"fmt"

	"naryad/migrations"
)

// ingestLockBase keeps the ingest locks' keys ("NRDING" + node id) apart
// from other advisory locks.
const ingestLockBase int64 = 0x4e52_4449_4e47 << 16

// LockNodeIngest serialises, until the transaction ends, the batches of
// one DMS node. Two batches of a node that upsert the same customers,
// vehicles and work orders in different orders would otherwise deadlock
// on PostgreSQL, and the one it aborts would fail with a 500 the DMS can
// only answer by sending it again. Take it first in the batch's
// transaction.
func (s *Store) LockNodeIngest(ctx context.Context, nodeID int64) error {
	if err := s.xactLock(ctx, ingestLockBase+nodeID); err != nil {
		return fmt.Errorf("lock ingest of dms node %d: %w", nodeID, err)
	}
	return nil
}

// xactLock takes a PostgreSQL advisory lock held until the transaction
// ends. On SQLite it does nothing: every write transaction already runs
// alone.
func (s *Store) xactLock(ctx context.Context, key int64) error {
	if s.dialect != migrations.Postgres {
		return nil
	}
	return s.db.WithContext(ctx).Exec("SELECT pg_advisory_xact_lock(?)", key).Error
}
