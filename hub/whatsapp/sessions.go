package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/glebarez/go-sqlite"  // database/sql driver "sqlite" (the one hub/store uses; never modernc's as well)
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
)

// Sessions is whatsmeow's own store of linked devices (keys, signal
// sessions, contacts): tables whatsmeow_* in the hub's PostgreSQL database,
// or, on embedded SQLite, a separate file whatsapp.db in the data directory,
// so whatsmeow's writes never queue behind the hub's.
type Sessions struct {
	db        *sql.DB
	container *sqlstore.Container
	postgres  bool
}

// sessionsFile is the embedded session store inside the data directory.
const sessionsFile = "whatsapp.db"

// OpenSessions opens the session store and runs whatsmeow's own migrations.
// databaseURL is the hub's (empty for embedded SQLite in dataDir).
func OpenSessions(ctx context.Context, databaseURL, dataDir string) (*Sessions, error) {
	return openSessions(ctx, databaseURL, dataDir, nil)
}

func openSessions(ctx context.Context, databaseURL, dataDir string, log *slog.Logger) (*Sessions, error) {
	driver, dialect, dsn := "pgx", "pgx", databaseURL
	if databaseURL == "" {
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("whatsapp sessions: create data dir: %w", err)
		}
		driver, dialect, dsn = "sqlite", "sqlite", sessionsDSN(filepath.Join(dataDir, sessionsFile))
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("whatsapp sessions: open %s: %w", dialect, err)
	}
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Sessions{db: db, container: sqlstore.NewWithDB(db, dialect, newWALogger(log, "Database")), postgres: databaseURL != ""}
	upCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := s.container.Upgrade(upCtx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("whatsapp sessions: whatsmeow migrations: %w", err)
	}
	return s, nil
}

// sessionsDSN is the embedded store's DSN: foreign keys on (whatsmeow
// refuses to run without them), WAL, a generous busy timeout and, as in
// hub/store, IMMEDIATE transactions so concurrent writers queue on the
// busy timeout instead of failing with SQLITE_BUSY on a lock upgrade.
func sessionsDSN(path string) string {
	params := []string{
		"_pragma=foreign_keys(1)",
		"_pragma=busy_timeout(10000)",
		"_pragma=journal_mode(WAL)",
		"_txlock=immediate",
	}
	return "file:" + filepath.ToSlash(path) + "?" + strings.Join(params, "&")
}

// Device loads a linked device by its JID (wa_accounts.jid); nil, nil when
// the session is gone (the phone unlinked it, or it was deleted).
func (s *Sessions) Device(ctx context.Context, jid string) (*wastore.Device, error) {
	id, err := types.ParseJID(jid)
	if err != nil || id.User == "" {
		return nil, fmt.Errorf("whatsapp sessions: %q is not a device JID", jid)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	d, err := s.container.GetDevice(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("whatsapp sessions: load device %s: %w", jid, err)
	}
	return d, nil
}

// NewDevice makes a device to link a phone with; nothing is stored until
// the pairing succeeds.
func (s *Sessions) NewDevice() *wastore.Device { return s.container.NewDevice() }

// Delete removes a device's session (its keys and everything whatsmeow
// kept for it); a device already gone is no error.
func (s *Sessions) Delete(ctx context.Context, jid string) error {
	d, err := s.Device(ctx, jid)
	if err != nil || d == nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.Delete(ctx); err != nil && !errors.Is(err, sqlstore.ErrDeviceIDMustBeSet) {
		return fmt.Errorf("whatsapp sessions: delete device %s: %w", jid, err)
	}
	return nil
}

// Close releases the connections.
func (s *Sessions) Close() error { return s.container.Close() }
