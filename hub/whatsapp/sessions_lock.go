package whatsapp

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"
)

// accountLockBase keeps the account locks' keys ("NRD-WA" + account id)
// apart from any other advisory lock on the database.
const accountLockBase int64 = 0x4e52_442d_5741 << 16

// lockAccount claims the right to run an account's connection. Two hub
// instances connecting the same device would take the connection from each
// other over and over (StreamReplaced), so on PostgreSQL the claim is a
// session advisory lock on a connection of its own: held until release,
// and gone with the connection if the instance dies. On SQLite one process
// owns the database and the manager runs each account once: always granted.
func (s *Sessions) lockAccount(ctx context.Context, accountID int64) (release func(), ok bool, err error) {
	if !s.postgres {
		return func() {}, true, nil
	}
	key := accountLockBase + accountID
	lockCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := s.db.Conn(lockCtx)
	if err != nil {
		return nil, false, fmt.Errorf("lock WhatsApp account %d: connection: %w", accountID, err)
	}
	var got bool
	if err := conn.QueryRowContext(lockCtx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		_ = conn.Close()
		return nil, false, fmt.Errorf("lock WhatsApp account %d: %w", accountID, err)
	}
	if !got {
		_ = conn.Close()
		return nil, false, nil
	}
	release = func() {
		// Unlock even after ctx ended; if that fails, drop the connection
		// so the lock ends with it instead of going back to the pool held.
		unlockCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(unlockCtx, "SELECT pg_advisory_unlock($1)", key); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}
	return release, true, nil
}
