package bench

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/migrations"
	"naryad/reminders"
)

const (
	scanVehicles   = 1_000_000
	scanCustomers  = scanVehicles / 2 // two cars each
	scanOrders     = scanVehicles / 10
	scanRounds     = 3
	scanToday      = "2026-05-18"
	scanDueSpread  = 300 // due dates spread over 300 days from 10 days ago…
	scanDuePast    = 10
	scanWindowDays = 15 // …of which the 15 from today on are the rule's window: 5%
)

// scanBranches are the branches the vehicles are spread over.
var scanBranches = []struct{ code, zone string }{
	{"msk", "Europe/Moscow"}, {"waw", "Europe/Warsaw"}, {"kgd", "Europe/Kaliningrad"}, {"ekb", "Asia/Yekaterinburg"},
}

// BenchmarkReminderScan times the maintenance rule's daily scan over
// 1,000,000 vehicles in 4 branches, 5% of them due in its 15-day window,
// none reminded yet (the worst day: every one found is proposed), with a
// tenth of the cars having a work order. One scan is every branch in turn,
// as the scheduler runs them; the figure is the median of 3 and the
// baseline a plain `SELECT count(*) FROM vehicles`, measured in the same
// process, on SQLite and (with NARYAD_TEST_POSTGRES_URL) PostgreSQL.
func BenchmarkReminderScan(b *testing.B) {
	if testing.Short() {
		b.Skip("generates a million vehicles")
	}
	for _, backend := range storetest.Backends(b) {
		s := storetest.Open(b, backend)
		suffix := ""
		if s.Dialect() == migrations.Postgres {
			suffix = "_pg"
		}
		ctx := context.Background()
		started := time.Now()
		branches := seedScanVehicles(b, s)
		fmt.Printf("reminder scan %s: %d vehicles, %d customers, %d work orders generated in %s\n",
			backend.Name, scanVehicles, scanCustomers, scanOrders, time.Since(started).Round(time.Millisecond))
		explainScan(b, s, branches[0].ID)

		rule := reminders.NewMaintenance()
		found := 0
		scan := median(b, func() error {
			found = 0
			for _, br := range branches {
				loc := br.Location()
				now, err := time.ParseInLocation("2006-01-02 15:04", scanToday+" 10:00", loc)
				if err != nil {
					return err
				}
				got, err := rule.Due(ctx, s, reminders.Scan{Branch: br, Now: now.UTC(), Loc: loc, Today: scanToday})
				if err != nil {
					return err
				}
				found += len(got)
			}
			return nil
		})
		// Every date of the window belongs to a lead, so all the vehicles due
		// in it are proposed but the few a newer work order stopped.
		if found < scanVehicles*scanWindowDays/scanDueSpread*9/10 {
			b.Fatalf("the scan proposed %d reminders, want about %d", found, scanVehicles*scanWindowDays/scanDueSpread)
		}
		count := median(b, func() error {
			var n int64
			return s.Gorm(ctx).Raw("SELECT count(*) FROM vehicles").Scan(&n).Error
		})
		fmt.Printf("reminder scan %s: %d reminders proposed\n", backend.Name, found)
		fmt.Printf("BENCH reminder_scan_1m_s%s %.3f s\n", suffix, scan.Seconds())
		fmt.Printf("BENCH reminder_scan_count_all_s%s %.3f s\n", suffix, count.Seconds())
		fmt.Printf("BENCH reminder_scan_1m_ratio%s %.1f x\n", suffix, float64(scan)/float64(max(count, time.Microsecond)))
	}
}

// median runs fn scanRounds times and returns the median duration.
func median(b *testing.B, fn func() error) time.Duration {
	b.Helper()
	took := make([]time.Duration, scanRounds)
	for i := range took {
		t0 := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		took[i] = time.Since(t0)
	}
	slices.Sort(took)
	return took[len(took)/2]
}

// seedScanVehicles writes the branches, customers, vehicles (with their
// predicted service date and home branch, as the ingest keeps them) and
// work orders in a few INSERT … SELECT statements over a generated series,
// the fastest bulk load both databases have without a driver-specific
// path; no mileage readings (the scan never reads them).
func seedScanVehicles(b *testing.B, s *store.Store) []hub.Branch {
	b.Helper()
	ctx := context.Background()
	branches := make([]hub.Branch, len(scanBranches))
	for i, sb := range scanBranches {
		branches[i] = hub.Branch{Code: sb.code, Name: sb.code, Country: "RU", TimeZone: sb.zone, Locale: "ru"}
		if err := s.CreateBranch(ctx, &branches[i]); err != nil {
			b.Fatal(err)
		}
	}
	node := hub.DMSNode{Name: "alfa", TokenHash: "bench-reminders"}
	if err := s.CreateNode(ctx, &node); err != nil {
		b.Fatal(err)
	}
	pg := s.Dialect() == migrations.Postgres
	series := func(n int) string {
		if pg {
			return fmt.Sprintf("(SELECT generate_series(1, %d) AS n) seq", n)
		}
		return fmt.Sprintf("(WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %d) SELECT n FROM seq) seq", n)
	}
	offsetOf := func(n string) string { // vehicle n's due date, in days from today, spread evenly
		return fmt.Sprintf("((%s * 37) %% %d - %d)", n, scanDueSpread, scanDuePast)
	}
	offset := offsetOf("n")
	day := func(base, days string) string { // a date days after base, as text
		if pg {
			return "to_char(date '" + base + "' + " + days + ", 'YYYY-MM-DD')"
		}
		return "date('" + base + "', (" + days + ") || ' days')"
	}
	at := func(base, days string) string { // a time days after base, as each database stores it
		if pg {
			return "(timestamptz '" + base + "+00' + (" + days + ") * interval '1 day')"
		}
		return "(strftime('%Y-%m-%d %H:%M:%S', '" + base + "', (" + days + ") || ' days') || '+00:00')"
	}
	// Keys in insertion order (zero-padded), so each unique index grows at
	// its end instead of splitting pages all over: half the load time.
	padded := func(prefix string) string {
		if pg {
			return "'" + prefix + "' || lpad(n::text, 7, '0')"
		}
		return "printf('" + prefix + "%07d', n)"
	}
	branchOf := fmt.Sprintf("(%d + n %% %d)", branches[0].ID, len(branches))
	lastService := at("2025-05-18 09:00:00", offset)
	stmts := []string{
		fmt.Sprintf(`INSERT INTO customers (id, node_id, external_id, name, created_at, updated_at)
		  SELECT n, %d, %s, 'Клиент ' || n, %s, %s FROM %s`, node.ID, padded("c"), at("2024-01-01 00:00:00", "0"), at("2024-01-01 00:00:00", "0"), series(scanCustomers)),
		fmt.Sprintf(`INSERT INTO vehicles (id, node_id, external_id, customer_id, plate, make, model, year,
		    last_service_at, last_service_mileage_km, interval_months, interval_km, tyre_season,
		    service_due_on, branch_id, created_at, updated_at)
		  SELECT n, %d, %s, (n + 1) / 2, %s || 'ВС77',
		    CASE n %% 3 WHEN 0 THEN 'Škoda' WHEN 1 THEN 'Kia' ELSE 'Lada' END,
		    CASE n %% 3 WHEN 0 THEN 'Octavia' WHEN 1 THEN 'Rio' ELSE 'Vesta' END, 2015 + n %% 10,
		    %s, 20000 + n %% 90000, 12, 15000, CASE n %% 2 WHEN 0 THEN 'summer' ELSE 'winter' END,
		    %s, %s, %s, %s
		  FROM %s`, node.ID, padded("v"), padded("А"), lastService, day(scanToday, offset), branchOf, lastService, lastService, series(scanVehicles)),
		// A tenth of the cars have the work order that recorded their last
		// service (opened that morning); one in ten of those a newer one,
		// which stops their reminders.
		fmt.Sprintf(`INSERT INTO work_orders (id, node_id, branch_id, number, version, status, customer_id, vehicle_id, opened_at, created_at, updated_at)
		  SELECT n, %d, (SELECT v.branch_id FROM vehicles v WHERE v.id = n * 10), %s, 1, 'delivered', (n * 10 + 1) / 2, n * 10,
		    %s, %s, %s FROM %s`, node.ID, padded("ЗН-"), at("2025-05-18 06:00:00", offsetOf("n * 10")+" + CASE WHEN n % 10 = 3 THEN 200 ELSE 0 END"),
			at("2025-05-18 06:00:00", "0"), at("2025-05-18 06:00:00", "0"), series(scanOrders)),
	}
	if pg {
		stmts = append(stmts,
			"SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT max(id) FROM customers))",
			"SELECT setval(pg_get_serial_sequence('vehicles', 'id'), (SELECT max(id) FROM vehicles))",
			"SELECT setval(pg_get_serial_sequence('work_orders', 'id'), (SELECT max(id) FROM work_orders))",
			"ANALYZE") // autovacuum would, within a minute of such a load
	}
	for _, q := range stmts {
		t0 := time.Now()
		if err := s.Gorm(ctx).Exec(q).Error; err != nil {
			b.Fatalf("seed: %v\n%s", err, q)
		}
		b.Logf("seed statement took %s", time.Since(t0).Round(time.Millisecond))
	}
	return branches
}

// explainScan logs how the database runs the scan's query, to see at a
// glance that it is an index range (vehicles_service_due), not a pass over
// every vehicle.
func explainScan(b *testing.B, s *store.Store, branchID int64) {
	b.Helper()
	prefix := "EXPLAIN QUERY PLAN "
	q := "SELECT v.id FROM vehicles v WHERE v.branch_id = ? AND v.service_due_on = ?"
	if s.Dialect() == migrations.Postgres {
		prefix = "EXPLAIN "
	}
	rows, err := s.Gorm(context.Background()).Raw(prefix+q, branchID, scanToday).Rows()
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			b.Fatal(err)
		}
		fmt.Printf("reminder scan plan: %v\n", vals[len(vals)-1])
	}
}
