// Package store is the hub's storage: every SQL statement of branches,
// customers, work orders, threads, messages, the change feed and the outbox
// lives here, over gorm, on embedded SQLite or on PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"naryad/hub"
	"naryad/migrations"
)

// Store is a handle on the database. Inside Tx it is bound to the
// transaction, so the same methods serve both.
type Store struct {
	db      *gorm.DB
	dialect migrations.Dialect
	events  *eventHook // called after commits that appended thread events
	// appended is set inside a transaction (nil outside one) and records
	// that the transaction appended thread events.
	appended *bool
	buf      *txBuffer
	scans    *scanLocks // WithScanLock's in-process locks (SQLite)
	// zones loads each branch's time zone once per process: the booking
	// calendar reads one per call, and time.LoadLocation parses the zone
	// file every time. Shared with the store's transactions.
	zones *hub.Zones
}

// Connect opens the database named by databaseURL, or the embedded SQLite
// file in dataDir when the URL is empty. It does not migrate.
func Connect(ctx context.Context, databaseURL, dataDir string) (*Store, error) {
	cfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true, // every write here is explicit about its transaction
		NowFunc:                now,  // UTC, microseconds: reads back equal from both databases
	}
	if databaseURL != "" {
		db, err := gorm.Open(postgres.Open(databaseURL), cfg)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		s := &Store{db: db, dialect: migrations.Postgres, events: &eventHook{}, scans: newScanLocks(), zones: &hub.Zones{}}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, fmt.Errorf("store: postgres handle: %w", err)
		}
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(10)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		if err := s.Ping(ctx); err != nil {
			s.Close()
			return nil, err
		}
		return s, nil
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("store: create data dir: %w", err)
	}
	db, err := gorm.Open(sqlite.Open(sqliteDSN(filepath.Join(dataDir, "naryad.db"))), cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: sqlite handle: %w", err)
	}
	// Readers run in parallel under WAL; every transaction begins IMMEDIATE
	// (see sqliteDSN), so writers queue on busy_timeout instead of failing
	// with SQLITE_BUSY when a read lock cannot be upgraded.
	sqlDB.SetMaxOpenConns(4)
	s := &Store{db: db, dialect: migrations.SQLite, events: &eventHook{}, scans: newScanLocks(), zones: &hub.Zones{}}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// sqliteDSN turns on what naryad relies on: foreign keys, WAL, a generous
// busy timeout and IMMEDIATE transactions.
//
// Times are written in the driver's default "2006-01-02 15:04:05.999999999-07:00"
// format and compared as text in SQL; the store writes only UTC, so text order
// is time order. Do not add `_time_format` here: glebarez/go-sqlite v1.21
// stops reading the DSN after it and would silently drop `_txlock`, bringing
// back SQLITE_BUSY on concurrent writes.
func sqliteDSN(path string) string {
	params := []string{
		"_pragma=foreign_keys(1)",
		"_pragma=busy_timeout(10000)",
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(NORMAL)",
		"_txlock=immediate",
	}
	// Escape what a file: URI reads as its query, its fragment or an
	// escape, so a data directory named "data #1" holds the database
	// instead of a file cut at the '#'.
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	return "file:" + escaped + "?" + strings.Join(params, "&")
}

// Open connects and brings the schema up to date.
func Open(ctx context.Context, databaseURL, dataDir string) (*Store, error) {
	s, err := Connect(ctx, databaseURL, dataDir)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Migrate applies pending migrations.
func (s *Store) Migrate(ctx context.Context) error {
	sqlDB, err := s.SQL()
	if err != nil {
		return err
	}
	return migrations.Up(ctx, sqlDB, s.dialect)
}

// SQL is the underlying database/sql handle (migrations, benchmarks).
func (s *Store) SQL() (*sql.DB, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: sql handle: %w", err)
	}
	return sqlDB, nil
}

// Dialect tells which database the store runs on.
func (s *Store) Dialect() migrations.Dialect { return s.dialect }

// Ping checks the database answers within five seconds.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.SQL()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.dialect, err)
	}
	return nil
}

// Close releases the connections.
func (s *Store) Close() error {
	sqlDB, err := s.SQL()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Tx runs fn in one transaction: committed when fn returns nil, rolled back
// otherwise (and on panic). Inside a transaction, Tx runs fn in the same one.
// After a commit that appended thread events, live pages are woken.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	if s.appended != nil {
		return fn(s)
	}
	appended := false
	err := s.db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
		tx := &Store{db: gtx, dialect: s.dialect, events: s.events, appended: &appended, buf: newTxBuffer(), scans: s.scans, zones: s.zones}
		if err := fn(tx); err != nil {
			return err
		}
		if err := tx.flush(ctx); err != nil {
			return err
		}
		if appended {
			return tx.notifyOtherInstances(ctx)
		}
		return nil
	})
	if err == nil && appended {
		s.events.fire()
	}
	return err
}

// Gorm exposes the handle for packages that keep their own SQL in their own
// store file (dms ingest); bound to the transaction inside Tx.
func (s *Store) Gorm(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// now is the one clock of the store, in UTC with microsecond precision so a
// value reads back equal from both databases.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
