package migrations_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "github.com/glebarez/go-sqlite"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"naryad/hub/store/storetest"
	"naryad/migrations"
)

// columns lists "table.column" for every naryad table (goose's own and
// whatsmeow's tables excluded). SQLite's FTS5 search indexes (virtual
// tables and their shadow tables, migration 00019) are indexes, not
// tables: PostgreSQL has GIN indexes in their place.
func columns(t *testing.T, db *sql.DB, dialect migrations.Dialect) []string {
	t.Helper()
	q := `SELECT m.name || '.' || p.name FROM pragma_table_list m JOIN pragma_table_info(m.name) p
	      WHERE m.type = 'table' AND m.schema = 'main' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'`
	if dialect == migrations.Postgres {
		q = `SELECT table_name || '.' || column_name FROM information_schema.columns
		     WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

func openSQLite(t *testing.T) *sql.DB {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "m.db")+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openPostgres(t *testing.T) *sql.DB {
	db, err := sql.Open("pgx", storetest.FreshPostgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestBothDialectsHaveTheSameMigrationsAndColumns(t *testing.T) {
	sqliteFiles, _ := filepath.Glob("sqlite/*.sql")
	pgFiles, _ := filepath.Glob("postgres/*.sql")
	for i := range sqliteFiles {
		sqliteFiles[i] = filepath.Base(sqliteFiles[i])
	}
	for i := range pgFiles {
		pgFiles[i] = filepath.Base(pgFiles[i])
	}
	if !slices.Equal(sqliteFiles, pgFiles) || len(sqliteFiles) == 0 {
		t.Fatalf("migration files differ: sqlite %v, postgres %v", sqliteFiles, pgFiles)
	}
	if os.Getenv(storetest.EnvPostgresURL) == "" {
		t.Skip(storetest.EnvPostgresURL + " is not set: cannot compare with PostgreSQL")
	}
	ctx := context.Background()
	lite, pg := openSQLite(t), openPostgres(t)
	if err := migrations.Up(ctx, lite, migrations.SQLite); err != nil {
		t.Fatal(err)
	}
	if err := migrations.Up(ctx, pg, migrations.Postgres); err != nil {
		t.Fatal(err)
	}
	a, b := columns(t, lite, migrations.SQLite), columns(t, pg, migrations.Postgres)
	if !slices.Equal(a, b) {
		t.Fatalf("schemas differ:\nonly sqlite:   %v\nonly postgres: %v", minus(a, b), minus(b, a))
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// Every migration goes down and up again cleanly on both databases.
func TestMigrationsAreReversible(t *testing.T) {
	dbs := map[migrations.Dialect]func(*testing.T) *sql.DB{migrations.SQLite: openSQLite}
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		dbs[migrations.Postgres] = openPostgres
	}
	for dialect, open := range dbs {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			db := open(t)
			if err := migrations.Up(ctx, db, dialect); err != nil {
				t.Fatal(err)
			}
			up := columns(t, db, dialect)
			list, err := migrations.List(ctx, db, dialect)
			if err != nil {
				t.Fatal(err)
			}
			for range list {
				if err := migrations.Down(ctx, db, dialect); err != nil {
					t.Fatal(err)
				}
			}
			if left := columns(t, db, dialect); len(left) != 0 {
				t.Fatalf("after every down, tables remain: %v", left)
			}
			if err := migrations.Up(ctx, db, dialect); err != nil {
				t.Fatal(err)
			}
			if again := columns(t, db, dialect); strings.Join(again, ",") != strings.Join(up, ",") {
				t.Fatal("up after down gives a different schema")
			}
		})
	}
}

// The kiosk's series goes up through UpKiosk, then down and up again cleanly.
func TestKioskMigrationsAreReversible(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)
	if err := migrations.UpKiosk(ctx, db); err != nil {
		t.Fatal(err)
	}
	up := columns(t, db, migrations.SQLite)
	if !slices.Contains(up, "events.uid") || !slices.Contains(up, "compartments.opening_purpose") {
		t.Fatalf("kiosk schema lacks its tables: %v", up)
	}
	// Down is not part of the kiosk's API (a kiosk only moves forward), so
	// the test drives goose over the same files.
	p, err := goose.NewProvider(goose.DialectSQLite3, db, os.DirFS("kiosk"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if left := columns(t, db, migrations.SQLite); len(left) != 0 {
		t.Fatalf("after every down, tables remain: %v", left)
	}
	if err := migrations.UpKiosk(ctx, db); err != nil {
		t.Fatal(err)
	}
	if again := columns(t, db, migrations.SQLite); !slices.Equal(again, up) {
		t.Fatal("up after down gives a different schema")
	}
}
