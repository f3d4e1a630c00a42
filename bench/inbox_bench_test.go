package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/migrations"
)

const (
	inboxThreads  = 100_000
	inboxMessages = 1_000_000
	inboxRuns     = 200
)

// inboxSearches are the measured searches: whole and partial phones in
// any format, plates, VINs, work-order numbers and names by prefix and by
// substring (the middle of a number, a VIN's last six, a name without its
// first letter).
var inboxSearches = []string{
	"+7 916 001-23-46", "8 916 0012346", "А1234ВС", "а12346вс77", "Сидоров 123", "сидоров 4",
	"0012346", "1234", "н-101234", "234вс7", "012346", "идоров 12", "ванов 4",
}

// BenchmarkInbox times the thread list and its search at 100,000 threads
// and 1,000,000 messages through store.InboxThreads, on SQLite and (with
// NARYAD_TEST_POSTGRES_URL) PostgreSQL, against a primary-key lookup
// measured in the same run.
func BenchmarkInbox(b *testing.B) {
	for _, backend := range storetest.Backends(b) {
		s := storetest.Open(b, backend)
		suffix := ""
		if s.Dialect() == migrations.Postgres {
			suffix = "_pg"
		}
		ctx := context.Background()
		start := time.Now()
		branch := seedInbox(b, s)
		fmt.Printf("inbox %s: %d threads, %d messages generated in %s\n", backend.Name, inboxThreads, inboxMessages, time.Since(start).Round(time.Millisecond))
		scope := []int64{branch}
		pk := p99(b, func() error { _, err := s.Thread(ctx, 4242); return err })
		list := max(
			p99(b, func() error { _, err := s.InboxThreads(ctx, store.InboxQuery{UserID: 1, BranchIDs: scope}); return err }),
			p99(b, func() error {
				_, err := s.InboxThreads(ctx, store.InboxQuery{UserID: 1, BranchIDs: scope, Filter: store.FilterWaitingUs})
				return err
			}))
		var search time.Duration
		for _, q := range inboxSearches {
			took := p99(b, func() error {
				rows, err := s.InboxThreads(ctx, store.InboxQuery{UserID: 1, BranchIDs: scope, Search: q})
				if err == nil && len(rows) == 0 {
					err = fmt.Errorf("search %q found nothing", q)
				}
				return err
			})
			fmt.Printf("inbox %s: search %q p99 %s\n", backend.Name, q, took)
			search = max(search, took)
		}
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		fmt.Printf("BENCH inbox_list_p99_ms%s %.2f ms\n", suffix, ms(list))
		fmt.Printf("BENCH inbox_search_p99_ms%s %.2f ms\n", suffix, ms(search))
		fmt.Printf("BENCH inbox_pk_lookup_p99_ms%s %.3f ms\n", suffix, ms(pk))
		fmt.Printf("BENCH inbox_list_ratio%s %.1f x\n", suffix, ms(list)/ms(pk))
		fmt.Printf("BENCH inbox_search_ratio%s %.1f x\n", suffix, ms(search)/ms(pk))
	}
}

// p99 runs fn inboxRuns times and returns the 99th percentile.
func p99(b *testing.B, fn func() error) time.Duration {
	b.Helper()
	took := make([]time.Duration, inboxRuns)
	for i := range took {
		t0 := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		took[i] = time.Since(t0)
	}
	slices.Sort(took)
	return took[len(took)*99/100]
}

// seedInbox writes two branches of data (threads alternate between them) in a few INSERT … SELECT statements
// over a counting CTE; it returns the branch the measured user works at.
func seedInbox(b *testing.B, s *store.Store) int64 {
	b.Helper()
	ctx := context.Background()
	var branches [2]hub.Branch
	for i := range branches {
		branches[i] = hub.Branch{Code: fmt.Sprintf("b%d", i), Name: "B", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := s.CreateBranch(ctx, &branches[i]); err != nil {
			b.Fatal(err)
		}
	}
	node := hub.DMSNode{Name: "alfa", TokenHash: "bench-inbox"}
	if err := s.CreateNode(ctx, &node); err != nil {
		b.Fatal(err)
	}
	ts := func(expr string) string { // base time + expr seconds, as each database stores it
		if s.Dialect() == migrations.Postgres {
			return "(timestamptz '2026-01-01 00:00:00+00' + (" + expr + ") * interval '1 second')"
		}
		return "(strftime('%Y-%m-%d %H:%M:%S', '2026-01-01 00:00:00', '+' || (" + expr + ") || ' seconds') || '+00:00')"
	}
	seq := func(n int) string {
		return fmt.Sprintf("WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %d) ", n)
	}
	br := fmt.Sprintf("CASE WHEN n %% 2 = 0 THEN %d ELSE %d END", branches[0].ID, branches[1].ID)
	stmts := []string{
		seq(inboxThreads) + fmt.Sprintf(`INSERT INTO customers (id, node_id, external_id, name, created_at, updated_at)
		  SELECT n, %d, 'c' || n, CASE n %% 4 WHEN 0 THEN 'Иванов ' WHEN 1 THEN 'Петров ' WHEN 2 THEN 'Сидоров ' ELSE 'Smith ' END || n, %s, %s FROM seq`,
			node.ID, ts("n"), ts("n")),
		seq(inboxThreads) + `INSERT INTO customer_phones (customer_id, e164) SELECT n, '+' || (79160000000 + n) FROM seq`,
		seq(inboxThreads) + fmt.Sprintf(`INSERT INTO vehicles (id, node_id, external_id, customer_id, vin, plate, created_at, updated_at)
		  SELECT n, %d, 'v' || n, n, 'XTA' || (10000000000000 + n), 'А' || n || 'ВС77', %s, %s FROM seq`, node.ID, ts("n"), ts("n")),
		seq(inboxThreads) + fmt.Sprintf(`INSERT INTO work_orders (id, node_id, branch_id, number, version, status, customer_id, vehicle_id, opened_at, created_at, updated_at)
		  SELECT n, %d, %s, 'ЗН-' || (1000000 + n), 1, 'in_progress', n, n, %s, %s, %s FROM seq`, node.ID, br, ts("n"), ts("n"), ts("n")),
		seq(inboxThreads) + fmt.Sprintf(`INSERT INTO threads (id, branch_id, work_order_id, customer_id, phone, channel, state, last_activity_at, created_at, awaiting_since)
		  SELECT n, %s, n, n, '+' || (79160000000 + n), 'sms', CASE WHEN n %% 10 = 0 THEN 'resolved' ELSE 'open' END, %s, %s,
		    CASE WHEN n %% 7 = 0 THEN %s END FROM seq`, br, ts("n * 10"), ts("n"), ts("n * 10")),
		seq(inboxMessages) + fmt.Sprintf(`INSERT INTO messages (thread_id, direction, body, created_at, updated_at)
		  SELECT (n - 1) / 10 + 1, CASE n %% 3 WHEN 0 THEN 'in' WHEN 1 THEN 'out' ELSE 'system' END,
		    'Сообщение номер ' || n || ': автомобиль будет готов завтра', %s, %s FROM seq`, ts("n"), ts("n")),
	}
	db := s.Gorm(ctx)
	for _, q := range stmts {
		if err := db.Exec(q).Error; err != nil {
			b.Fatalf("seed: %v\n%s", err, strings.SplitN(q, "\n", 2)[0])
		}
	}
	if err := db.Exec("ANALYZE").Error; err != nil {
		b.Fatal(err)
	}
	return branches[0].ID
}
