package bench

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/migrations"
)

const (
	bookingBranches = 84
	bookingDays     = 365
	bookingPerDay   = 24 // half-hour slots 08:00–20:00 Moscow time
)

// BenchmarkBookingSlots times a branch month's free slots
// (store.FreeSlots) with 84 branches and a year of bookings (a booking in
// every slot of every branch, 736 k bookings and slot rows), on SQLite
// and (with NARYAD_TEST_POSTGRES_URL) PostgreSQL, against a primary-key
// lookup in the same run. Issue 19 asks for p99 < 50 ms.
func BenchmarkBookingSlots(b *testing.B) {
	for _, backend := range storetest.Backends(b) {
		s := storetest.Open(b, backend)
		suffix := ""
		if s.Dialect() == migrations.Postgres {
			suffix = "_pg"
		}
		ctx := context.Background()
		start := time.Now()
		branches := seedBookings(b, s)
		fmt.Printf("booking %s: %d branches, %d bookings generated in %s\n", backend.Name, len(branches),
			len(branches)*bookingDays*bookingPerDay, time.Since(start).Round(time.Millisecond))
		// The clock stands at the start of the seeded year, so every month
		// of it is within the horizon.
		asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		checkSlotsPlan(b, s, recordStatements(b, s), branches[0], asOf)
		run := 0
		stopProfile := startEndpointProfile(b, backend.Name+"-slots")
		slots := p99(b, func() error {
			run++
			branch := branches[run%len(branches)]
			month := asOf.AddDate(0, run%12, 0)
			got, err := s.FreeSlots(ctx, branch, hub.KindMaintenance, month, asOf)
			if err != nil {
				return err
			}
			if len(got) < 20*bookingPerDay { // a month has at least 20 working days here
				return fmt.Errorf("branch %d, %s: %d slots", branch, month.Format("2006-01"), len(got))
			}
			for _, sl := range got {
				if sl.Free < 4 {
					return nil // the seeded bookings are seen
				}
			}
			return fmt.Errorf("branch %d, %s: no slot shows its seeded bookings", branch, month.Format("2006-01"))
		})
		stopProfile()
		pk := p99(b, func() error { _, err := s.Booking(ctx, 4242); return err })
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		fmt.Printf("BENCH booking_free_slots_p99_ms%s %.2f ms\n", suffix, ms(slots))
		fmt.Printf("BENCH booking_pk_lookup_p99_ms%s %.3f ms\n", suffix, ms(pk))
		fmt.Printf("BENCH booking_free_slots_ratio%s %.1f x\n", suffix, ms(slots)/ms(pk))
	}
}

// slotsRange is the taken slots' range read through booking_slots'
// primary key (branch_id, kind, starts_at) in either database's plan.
var slotsRange = regexp.MustCompile(`Index Scan (using|on) booking_slots_pkey.*Index Cond: \(\(branch_id = .*kind = .*starts_at >= .*starts_at < ` +
	`|SEARCH booking_slots USING INDEX sqlite_autoindex_booking_slots_\d+ \(branch_id=\? AND kind=\? AND starts_at>\? AND starts_at<\?\)`)

// checkSlotsPlan EXPLAINs what FreeSlots runs: no whole table read, and the
// month's taken slots one range of booking_slots' primary key.
func checkSlotsPlan(b *testing.B, s *store.Store, log *statementLog, branch int64, asOf time.Time) {
	b.Helper()
	stmts := log.during(b, func() error {
		_, err := s.FreeSlots(context.Background(), branch, hub.KindMaintenance, asOf.AddDate(0, 5, 0), asOf)
		return err
	})
	for _, plan := range explain(b, s, "free slots", stmts, "booking_slots", "bookings") {
		if slotsRange.MatchString(plan) {
			return
		}
	}
	b.Fatalf("free slots: no plan reads booking_slots as a range of its primary key")
}

// seedBookings makes 84 branches open Mon–Sun 08:00–20:00 in Moscow,
// booking maintenance in half-hour slots of 4 places, and fills 2026
// with a booking in every slot (1 to 4 places taken) in two INSERT …
// SELECT statements; it returns the branches' ids.
func seedBookings(b *testing.B, s *store.Store) []int64 {
	b.Helper()
	ctx := context.Background()
	ids := make([]int64, 0, bookingBranches)
	for i := range bookingBranches {
		br := hub.Branch{Code: fmt.Sprintf("bk%02d", i), Name: "B", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru",
			WorkingHours: "Пн-Вс 08:00-20:00"}
		if err := s.CreateBranch(ctx, &br); err != nil {
			b.Fatal(err)
		}
		if err := s.SetBranchBooking(ctx, br.ID, hub.BranchBooking{City: "Москва", CancelHours: 2, HorizonDays: 365, LeadMinutes: 60}); err != nil {
			b.Fatal(err)
		}
		if err := s.SetCapacity(ctx, br.ID, hub.KindMaintenance, 30, 4); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, br.ID)
	}
	ts := func(expr string) string { // 2026-01-01 05:00 UTC (08:00 in Moscow) + expr seconds, as each database stores it
		if s.Dialect() == migrations.Postgres {
			return "(timestamptz '2026-01-01 05:00:00+00' + (" + expr + ") * interval '1 second')"
		}
		return "(strftime('%Y-%m-%d %H:%M:%S', '2026-01-01 05:00:00', '+' || (" + expr + ") || ' seconds') || '+00:00')"
	}
	// Slot n of a branch: day n / 24, half hour n % 24 from 08:00.
	at := "((n - 1) / 24) * 86400 + ((n - 1) % 24) * 1800"
	seq := fmt.Sprintf("WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %d) ", bookingDays*bookingPerDay)
	stmts := []string{
		seq + `INSERT INTO booking_slots (branch_id, kind, starts_at, taken)
		  SELECT b.id, 'maintenance', ` + ts(at) + `, 1 + n % 4 FROM branches b CROSS JOIN seq`,
		seq + `INSERT INTO bookings (branch_id, account_id, phone, kind, services, starts_at, ends_at, state, locale, request_key, created_at, updated_at)
		  SELECT b.id, n, '+7916' || (1000000 + n), 'maintenance', '["to"]', ` + ts(at) + `, ` + ts(at+" + 1800") + `,
		    'confirmed', 'ru', b.id || '-' || n, ` + ts(at) + `, ` + ts(at) + ` FROM branches b CROSS JOIN seq`,
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
	return ids
}
