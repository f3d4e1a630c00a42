package kiosk

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"naryad/migrations"
)

// store is kiosk.db: the hub's last answer, the compartments' states and the
// events waiting for the hub. Inside tx it is bound to the transaction, so
// the same methods serve both.
type store struct {
	db *gorm.DB
}

// openStore opens (creating it if need be) and migrates kiosk.db in dataDir.
func openStore(ctx context.Context, dataDir string) (*store, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("kiosk store: create data dir: %w", err)
	}
	cfg := &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true}
	db, err := gorm.Open(sqlite.Open(sqliteDSN(filepath.Join(dataDir, "kiosk.db"))), cfg)
	if err != nil {
		return nil, fmt.Errorf("kiosk store: open: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("kiosk store: sql handle: %w", err)
	}
	// One kiosk, a handful of goroutines: a single connection keeps SQLite's
	// writers in line without ever meeting SQLITE_BUSY.
	sqlDB.SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := migrations.UpKiosk(ctx, sqlDB); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("kiosk store: %w", err)
	}
	return &store{db: db}, nil
}

// sqliteDSN matches the hub's (hub/store/open.go): foreign keys, WAL, a
// generous busy timeout, IMMEDIATE transactions; synchronous FULL because a
// kiosk loses power more often than a server and an event must not vanish.
func sqliteDSN(path string) string {
	params := []string{
		"_pragma=foreign_keys(1)",
		"_pragma=busy_timeout(10000)",
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(FULL)",
		"_txlock=immediate",
	}
	return "file:" + filepath.ToSlash(path) + "?" + strings.Join(params, "&")
}

func (s *store) close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("kiosk store: sql handle: %w", err)
	}
	return sqlDB.Close()
}

// tx runs fn in one transaction, committed when fn returns nil.
func (s *store) tx(ctx context.Context, fn func(tx *store) error) error {
	return s.db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
		return fn(&store{db: gtx})
	})
}

func (s *store) q(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// errNotFound wraps gorm's not-found with what was looked for.
var errNotFound = errors.New("not found")

func notFound(err error, what string, args ...any) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s: %w", fmt.Sprintf(what, args...), errNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", fmt.Sprintf(what, args...), err)
	}
	return nil
}
