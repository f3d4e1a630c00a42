package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync"
	"time"

	"naryad/migrations"
)

// scanLocks are the in-process locks WithScanLock takes on SQLite, where
// one process owns the database.
type scanLocks struct {
	mu   sync.Mutex
	held map[int64]bool
}

func newScanLocks() *scanLocks { return &scanLocks{held: map[int64]bool{}} }

// WithScanLock runs fn unless another scan holds key, and reports whether
// it ran. On PostgreSQL the lock is a session advisory lock on a connection
// of its own (pg_try_advisory_lock), so of several hub instances one scans
// and the others skip; it is released when fn returns, and dies with the
// connection if the instance does. On SQLite, which one process owns, it is
// an in-process lock.
func (s *Store) WithScanLock(ctx context.Context, key int64, fn func(ctx context.Context) error) (bool, error) {
	if s.dialect != migrations.Postgres {
		return s.withLocalLock(ctx, key, fn)
	}
	sqlDB, err := s.SQL()
	if err != nil {
		return false, err
	}
	lockCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := sqlDB.Conn(lockCtx)
	if err != nil {
		return false, fmt.Errorf("scan lock %d: connection: %w", key, err)
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(lockCtx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		return false, fmt.Errorf("scan lock %d: %w", key, err)
	}
	if !got {
		return false, nil
	}
	defer func() {
		// Unlock even when ctx has ended; if that fails, drop the
		// connection so the session, and its lock, end with it instead
		// of going back to the pool still holding the lock.
		unlockCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(unlockCtx, "SELECT pg_advisory_unlock($1)", key); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return true, fn(ctx)
}

func (s *Store) withLocalLock(ctx context.Context, key int64, fn func(ctx context.Context) error) (bool, error) {
	l := s.scans
	l.mu.Lock()
	if l.held[key] {
		l.mu.Unlock()
		return false, nil
	}
	l.held[key] = true
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.held, key)
		l.mu.Unlock()
	}()
	return true, fn(ctx)
}
