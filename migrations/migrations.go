// Package migrations holds naryad's schema as numbered goose migrations, one
// series per dialect with the same numbers, embedded in the binary.
//
// A shipped migration is never edited: add the next number in both folders.
package migrations

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed sqlite/*.sql postgres/*.sql kiosk/*.sql
var files embed.FS

// Dialect names the SQL flavour a database speaks.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// provider builds a goose provider for the dialect's migration folder.
func provider(db *sql.DB, dialect Dialect) (*goose.Provider, error) {
	var gooseDialect goose.Dialect
	switch dialect {
	case SQLite:
		gooseDialect = goose.DialectSQLite3
	case Postgres:
		gooseDialect = goose.DialectPostgres
	default:
		return nil, fmt.Errorf("migrations: unknown dialect %q", dialect)
	}
	dir, err := fs.Sub(files, string(dialect))
	if err != nil {
		return nil, fmt.Errorf("migrations: open %s folder: %w", dialect, err)
	}
	p, err := goose.NewProvider(gooseDialect, db, dir)
	if err != nil {
		return nil, fmt.Errorf("migrations: new provider: %w", err)
	}
	return p, nil
}

// Up applies every pending migration.
func Up(ctx context.Context, db *sql.DB, dialect Dialect) error {
	p, err := provider(db, dialect)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: up: %w", err)
	}
	return nil
}

// Down rolls back the most recent migration.
func Down(ctx context.Context, db *sql.DB, dialect Dialect) error {
	p, err := provider(db, dialect)
	if err != nil {
		return err
	}
	if _, err := p.Down(ctx); err != nil {
		return fmt.Errorf("migrations: down: %w", err)
	}
	return nil
}

// UpKiosk applies every pending migration of the locker kiosk's own SQLite
// database (kiosk.db), a series of its own in the kiosk folder: the kiosk PC
// keeps a small offline cache, not the hub's schema.
func UpKiosk(ctx context.Context, db *sql.DB) error {
	dir, err := fs.Sub(files, "kiosk")
	if err != nil {
		return fmt.Errorf("migrations: open kiosk folder: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, dir)
	if err != nil {
		return fmt.Errorf("migrations: new kiosk provider: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: kiosk up: %w", err)
	}
	return nil
}

// Status describes one migration and whether it is applied.
type Status struct {
	Version int64
	Name    string
	Applied bool
}

// List reports every known migration in order.
func List(ctx context.Context, db *sql.DB, dialect Dialect) ([]Status, error) {
	p, err := provider(db, dialect)
	if err != nil {
		return nil, err
	}
	got, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: status: %w", err)
	}
	out := make([]Status, 0, len(got))
	for _, s := range got {
		out = append(out, Status{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

// Fingerprint is a hash of the dialect's migration files, names and
// contents: two databases migrated from the same fingerprint have the same
// schema (tests clone a migrated template database by it).
func Fingerprint(dialect Dialect) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(files, string(dialect), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("migrations: fingerprint %s: %w", dialect, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
