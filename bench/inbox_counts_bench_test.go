package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/migrations"
)

// BenchmarkInboxCounts times the filter tabs' counts (store.InboxCounts)
// at 100,000 threads and 1,000,000 messages (seedInbox), on SQLite and
// (with NARYAD_TEST_POSTGRES_URL) PostgreSQL, against a primary-key lookup
// measured in the same run. The list page runs it on every load, so it
// shares the list's budget: p99 < 50 ms.
func BenchmarkInboxCounts(b *testing.B) {
	for _, backend := range storetest.Backends(b) {
		s := storetest.Open(b, backend)
		suffix := ""
		if s.Dialect() == migrations.Postgres {
			suffix = "_pg"
		}
		ctx := context.Background()
		branch := seedInbox(b, s)
		scope := []int64{branch}
		pk := p99(b, func() error { _, err := s.Thread(ctx, 4242); return err })
		counts := p99(b, func() error {
			c, err := s.InboxCounts(ctx, 1, scope)
			if err == nil && c[store.FilterActive] == 0 {
				err = fmt.Errorf("inbox counts found no active thread")
			}
			return err
		})
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		fmt.Printf("BENCH inbox_counts_p99_ms%s %.2f ms\n", suffix, ms(counts))
		fmt.Printf("BENCH inbox_counts_pk_lookup_p99_ms%s %.3f ms\n", suffix, ms(pk))
		fmt.Printf("BENCH inbox_counts_ratio%s %.1f x\n", suffix, ms(counts)/ms(pk))
	}
}
