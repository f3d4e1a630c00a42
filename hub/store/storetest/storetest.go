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
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for creating test databases

	"naryad/hub/store"
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
		out = append(out, Backend{Name: "postgres", DatabaseURL: FreshPostgres(t), DataDir: t.TempDir()})
	}
	return out
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
				backend.DatabaseURL = FreshPostgres(t)
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
	base := os.Getenv(EnvPostgresURL)
	if base == "" {
		t.Skip(EnvPostgresURL + " is not set")
	}
	name := "naryad_t_" + randomHex(6)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("postgres: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
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
