package bench

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"naryad/app/apptest"
)

// Probes for finding out where the endpoint's time goes, off by default so
// they never disturb the figures:
//
//	NARYAD_BENCH_CPUPROFILE=/tmp/ingest  CPU profile of the endpoint phase
//	                                     only: /tmp/ingest.<backend>.pprof
//	NARYAD_BENCH_COUNT_SQL=1             statements the hub runs per event,
//	                                     by kind, printed after the push
const (
	envCPUProfile = "NARYAD_BENCH_CPUPROFILE"
	envCountSQL   = "NARYAD_BENCH_COUNT_SQL"
)

// startEndpointProfile starts a CPU profile when asked to; the returned
// function stops it.
func startEndpointProfile(b *testing.B, backend string) func() {
	prefix := os.Getenv(envCPUProfile)
	if prefix == "" {
		return func() {}
	}
	f, err := os.Create(prefix + "." + backend + ".pprof")
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatalf("%s: %v (go test -cpuprofile cannot be used with it)", envCPUProfile, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		fmt.Printf("# cpu profile of the %s endpoint phase: %s\n", backend, f.Name())
	}
}

// countStatements makes the hub's store count the statements it runs
// (every gorm call; transactions' BEGIN and COMMIT are not counted) when
// asked to; the returned function prints them per event. The callbacks
// are registered on the store's own gorm instance, so the transactions it
// opens count too and nothing else does.
func countStatements(b *testing.B, h *apptest.Hub, backend string) func(events int) {
	if os.Getenv(envCountSQL) == "" {
		return func(int) {}
	}
	c := &statementCounter{counts: map[string]int{}, spent: map[string]time.Duration{}}
	cbs := h.Store.Gorm(context.Background()).Callback()
	for _, err := range []error{
		cbs.Create().Before("*").Register("bench:start", c.start), cbs.Create().After("*").Register("bench:count", c.count),
		cbs.Query().Before("*").Register("bench:start", c.start), cbs.Query().After("*").Register("bench:count", c.count),
		cbs.Update().Before("*").Register("bench:start", c.start), cbs.Update().After("*").Register("bench:count", c.count),
		cbs.Delete().Before("*").Register("bench:start", c.start), cbs.Delete().After("*").Register("bench:count", c.count),
		cbs.Row().Before("*").Register("bench:start", c.start), cbs.Row().After("*").Register("bench:count", c.count),
		cbs.Raw().Before("*").Register("bench:start", c.start), cbs.Raw().After("*").Register("bench:count", c.count),
	} {
		if err != nil {
			b.Fatal(err)
		}
	}
	return func(events int) {
		c.mu.Lock()
		defer c.mu.Unlock()
		type kind struct {
			sql   string
			n     int
			spent time.Duration
		}
		var kinds []kind
		total := 0
		for s, n := range c.counts {
			kinds = append(kinds, kind{s, n, c.spent[s]})
			total += n
		}
		slices.SortFunc(kinds, func(a, b kind) int { return cmp.Compare(b.spent, a.spent) })
		fmt.Printf("# %s: %d statements for %d events (%.2f per event) plus BEGIN/COMMIT per batch; by time spent in the call:\n",
			backend, total, events, float64(total)/float64(events))
		for _, k := range kinds {
			fmt.Printf("#   %6.2f/event %8.1f ms  %s\n", float64(k.n)/float64(events), float64(k.spent.Microseconds())/1000, k.sql)
		}
	}
}

// statementCounter counts statements by their shape and the time spent
// between gorm's first and last callback of each.
type statementCounter struct {
	mu     sync.Mutex
	counts map[string]int
	spent  map[string]time.Duration
}

const sqlCountStartKey = "bench:started"

func (c *statementCounter) start(db *gorm.DB) { db.InstanceSet(sqlCountStartKey, time.Now()) }

func (c *statementCounter) count(db *gorm.DB) {
	v, ok := db.InstanceGet(sqlCountStartKey)
	if !ok {
		return
	}
	spent := time.Since(v.(time.Time))
	key := sqlShape(db.Statement.SQL.String())
	c.mu.Lock()
	c.counts[key]++
	c.spent[key] += spent
	c.mu.Unlock()
}

// sqlShape keeps a statement's first words, dropping values.
func sqlShape(sql string) string {
	words := strings.Fields(sql)
	if len(words) > 6 {
		words = words[:6]
	}
	s := strings.Join(words, " ")
	if i := strings.IndexAny(s, "$?'0123456789"); i > 0 && !strings.HasPrefix(s, "INSERT") {
		s = s[:i]
	}
	if len(s) > 100 { // a multi-row INSERT is one word from VALUES on
		s = s[:100] + "…"
	}
	return s
}
