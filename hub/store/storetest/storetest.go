// Package storetest gives tests a fresh, migrated database: SQLite in the
// test's temporary directory always, and a fresh PostgreSQL database too when
// NARYAD_TEST_POSTGRES_URL is set.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for creating test databases

	"naryad/hub/store"
	"naryad/migrations"
)

// EnvPostgresURL names the variable that points tests at a PostgreSQL server.
const EnvPostgresURL = "NARYAD_TEST_POSTGRES_URL"

// Backend is one database a test runs on.
type Backend struct {
	Name        string // "sqlite" or "postgres"
	DatabaseURL string // empty for SQLite
	DataDir     string
}

// Backends returns SQLite and, when configured, a fresh PostgreSQL database,
// each cleaned up with the test.
func Backends(t testing.TB) []Backend {
	t.Helper()
	out := []Backend{{Name: "sqlite", DataDir: t.TempDir()}}
	if os.Getenv(EnvPostgresURL) != "" {
		out = append(out, Backend{Name: "postgres", DatabaseURL: MigratedPostgres(t), DataDir: t.TempDir()})
	}
	return out
}

// SQLite is the embedded backend alone, for tests that run on one
// database: unlike Backends(t)[0] it makes no PostgreSQL database it would
// not use.
func SQLite(t testing.TB) Backend {
	t.Helper()
	return Backend{Name: "sqlite", DataDir: t.TempDir()}
}

// Each runs fn once per backend as a subtest with a fresh migrated store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store, b Backend)) {
	t.Helper()
	for _, b := range []string{"sqlite", "postgres"} {
		if b == "postgres" && os.Getenv(EnvPostgresURL) == "" {
			continue
		}
		t.Run(b, func(t *testing.T) {
			backend := Backend{Name: b, DataDir: t.TempDir()}
			if b == "postgres" {
				backend.DatabaseURL = MigratedPostgres(t)
			}
			fn(t, Open(t, backend), backend)
		})
	}
}

// Open opens and migrates the backend's database, closing it with the test.
func Open(t testing.TB, b Backend) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), b.DatabaseURL, b.DataDir)
	if err != nil {
		t.Fatalf("open %s store: %v", b.Name, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// FreshPostgres creates an empty database on the server named by
// NARYAD_TEST_POSTGRES_URL and drops it when the test ends.
func FreshPostgres(t testing.TB) string {
	t.Helper()
	return freshPostgres(t, false)
}

// MigratedPostgres is FreshPostgres with the current schema already in
// place: a clone of a template database migrated once (see
// migratedTemplate). Cloning takes a third of the time of running every
// migration again, and the suite makes hundreds of these.
func MigratedPostgres(t testing.TB) string {
	t.Helper()
	return freshPostgres(t, true)
}

func freshPostgres(t testing.TB, migrated bool) string {
	t.Helper()
	base := os.Getenv(EnvPostgresURL)
	if base == "" {
		t.Skip(EnvPostgresURL + " is not set")
	}
	template := ""
	if migrated {
		var err error
		if template, err = templates.get(base); err != nil {
			t.Fatalf("postgres: %v", err)
		}
	}
	name := "naryad_t_" + randomHex(6)
	if err := createDatabase(base, name, template); err != nil {
		t.Fatalf("postgres: %v", err)
	}
	t.Cleanup(func() { _ = dropDatabase(base, name) })
	return databaseURL(t, base, name)
}

// templates makes the migrated template database once per test process.
var templates templateOnce

type templateOnce struct {
	once sync.Once
	name string
	err  error
}

func (o *templateOnce) get(base string) (string, error) {
	o.once.Do(func() { o.name, o.err = migratedTemplate(base) })
	return o.name, o.err
}

// migratedTemplate returns the name of a database holding the current
// schema and nothing else, named by the migrations' fingerprint so every
// test process (packages run in parallel) shares it and a changed
// migration gets a new one. It is made under a temporary name, migrated,
// disconnected and then renamed: a database under the final name is always
// complete and has no sessions, so it can be cloned. Old templates stay on
// the test server (a few MB each) until someone drops them.
func migratedTemplate(base string) (string, error) {
	fp, err := migrations.Fingerprint(migrations.Postgres)
	if err != nil {
		return "", err
	}
	name := "naryad_tpl_" + fp[:16]
	if exists, err := databaseExists(base, name); err != nil || exists {
		return name, err
	}
	tmp := "naryad_tpl_tmp_" + randomHex(6)
	if err := createDatabase(base, tmp, ""); err != nil {
		return "", err
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + tmp
	s, err := store.Open(context.Background(), u.String(), os.TempDir())
	if err != nil {
		_ = dropDatabase(base, tmp)
		return "", fmt.Errorf("migrate template: %w", err)
	}
	s.Close()
	if err := execAdmin(base, "ALTER DATABASE "+tmp+" RENAME TO "+name); err != nil {
		// Another test process renamed its own first: use that one.
		_ = dropDatabase(base, tmp)
		if exists, err2 := databaseExists(base, name); err2 != nil || !exists {
			return "", fmt.Errorf("template %s: %w", name, err)
		}
	}
	return name, nil
}

func createDatabase(base, name, template string) error {
	q := "CREATE DATABASE " + name
	if template != "" {
		q += " TEMPLATE " + template
	}
	if err := execAdmin(base, q); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func dropDatabase(base, name string) error {
	return execAdmin(base, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
}

func databaseExists(base, name string) (bool, error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return false, err
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var n int
	if err := admin.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		return false, fmt.Errorf("look up database %s: %w", name, err)
	}
	return n > 0, nil
}

// execAdmin runs one statement on the server's own database (the one the
// URL names), where databases are created and dropped.
func execAdmin(base, statement string) error {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = admin.ExecContext(ctx, statement)
	return err
}

func databaseURL(t testing.TB, base, name string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgres: parse %s: %v", EnvPostgresURL, err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return hex.EncodeToString(b)
}
