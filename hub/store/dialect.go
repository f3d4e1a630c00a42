package store

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"naryad/migrations"
)

// isUniqueViolation recognises a unique-constraint error from either
// database without importing both drivers' error types everywhere.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// insertIgnoring builds a multi-row INSERT that skips rows conflicting with
// a unique key: `INSERT … VALUES (?, ?), (?, ?) ON CONFLICT DO NOTHING`,
// which both databases understand.
func insertIgnoring(table, columns string, rows, cols int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + columns + ") VALUES ")
	group := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(group)
	}
	b.WriteString(" ON CONFLICT DO NOTHING")
	return b.String()
}

// unixSeconds is SQL reading the timestamp column col as whole Unix
// seconds. Hot reads that only compare instants select this: SQLite's
// driver would parse each stored time's text (trying several layouts),
// which costs more than the query.
func (s *Store) unixSeconds(col string) string {
	if s.dialect == migrations.Postgres {
		return "CAST(FLOOR(EXTRACT(EPOCH FROM " + col + ")) AS BIGINT)" // FLOOR: truncate like strftime, not round
	}
	return "CAST(strftime('%s', " + col + ") AS INTEGER)"
}
