package bench

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"naryad/hub/store"
	"naryad/migrations"
)

// The query plans of a benchmarked call: the statements the store runs
// are recorded, then EXPLAINed with the same arguments on the seeded
// data, so a plan that reads a whole big table fails the benchmark
// instead of only making its figure worse on a quiet day.

// statementLog records the store's statements while on.
type statementLog struct {
	mu    sync.Mutex
	on    bool
	stmts []recorded
}

type recorded struct {
	sql  string
	vars []any
}

// recordStatements hooks a statement log into the store's gorm instance
// (once per store).
func recordStatements(b *testing.B, s *store.Store) *statementLog {
	b.Helper()
	l := &statementLog{}
	keep := func(db *gorm.DB) {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.on && db.Statement.SQL.Len() > 0 {
			l.stmts = append(l.stmts, recorded{sql: db.Statement.SQL.String(), vars: append([]any(nil), db.Statement.Vars...)})
		}
	}
	cbs := s.Gorm(context.Background()).Callback()
	for _, err := range []error{
		cbs.Query().After("*").Register("bench:plan", keep),
		cbs.Row().After("*").Register("bench:plan", keep),
		cbs.Raw().After("*").Register("bench:plan", keep),
	} {
		if err != nil {
			b.Fatal(err)
		}
	}
	return l
}

// during returns the statements fn ran.
func (l *statementLog) during(b *testing.B, fn func() error) []recorded {
	b.Helper()
	l.mu.Lock()
	l.on, l.stmts = true, nil
	l.mu.Unlock()
	err := fn()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = false
	if err != nil {
		b.Fatal(err)
	}
	return l.stmts
}

// Full reads of a table in either database's plan: PostgreSQL's
// "Seq Scan on vehicles v", SQLite's "SCAN v" (an index scan says USING).
var (
	pgSeqScan     = regexp.MustCompile(`Seq Scan on (\w+)`)
	sqliteFullRow = regexp.MustCompile(`^SCAN (\w+)$`)
)

// explain prints the plan of each statement as `# plan` lines and fails
// when one reads the whole of a big table: one the benchmark filled
// (SQLite names tables by their alias in plans, so big lists the aliases
// too). Tables left empty are not judged: a planner rightly scans those.
func explain(b *testing.B, s *store.Store, what string, stmts []recorded, big ...string) []string {
	b.Helper()
	if len(stmts) == 0 {
		b.Fatalf("%s: no statements recorded", what)
	}
	sqlDB, err := s.SQL()
	if err != nil {
		b.Fatal(err)
	}
	var plans []string
	for _, st := range stmts {
		prefix := "EXPLAIN QUERY PLAN "
		if s.Dialect() == migrations.Postgres {
			prefix = "EXPLAIN "
		}
		rows, err := sqlDB.QueryContext(context.Background(), prefix+st.sql, st.vars...)
		if err != nil {
			b.Fatalf("%s: explain %s: %v", what, st.sql, err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			lines = append(lines, strings.TrimSpace(fmt.Sprint(vals[len(vals)-1]))) // the plan's text is the last column
		}
		rows.Close()
		plan := strings.Join(lines, " | ")
		plans = append(plans, plan)
		fmt.Printf("# plan %s %s: %s\n    -> %s\n", s.Dialect(), what, oneLine(st.sql), plan)
		for _, line := range lines {
			var table string
			if m := pgSeqScan.FindStringSubmatch(line); m != nil {
				table = m[1]
			} else if m := sqliteFullRow.FindStringSubmatch(line); m != nil {
				table = m[1]
			}
			if slices.Contains(big, table) {
				b.Fatalf("%s reads the whole of %s: %s\n%s", what, table, oneLine(st.sql), plan)
			}
		}
	}
	return plans
}

// oneLine squeezes a statement's white space for the log.
func oneLine(sql string) string { return strings.Join(strings.Fields(sql), " ") }
