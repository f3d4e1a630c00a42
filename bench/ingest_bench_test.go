// Package bench holds the speed benchmarks `make bench` runs (bench/run.sh).
// Each figure is a rate measured against a baseline run in the same
// process, because the machines it runs on are noisy; each is printed on
// its own line as `BENCH <name> <value> <unit>`.
package bench

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/dms"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// BenchmarkDMSIngest pushes 20,000 work_order events in batches of 100
// through the real exchange endpoint (a whole hub on a loopback socket, a
// real HTTP client), upserts the same rows directly in SQL on a second
// fresh database of the same kind, and reports both rates and their ratio
// (endpoint / direct) per backend: SQLite always, PostgreSQL when
// NARYAD_TEST_POSTGRES_URL is set. Run it with -benchtime=1x; a larger N
// repeats both phases on fresh databases and reports the totals.
//
// The two phases take turns, 1,000 events (10 batches) at a time, the
// first of each round alternating, so both see the same background load:
// on a shared machine a build that starts halfway through slows both
// figures, not one, and the ratio moves much less than either rate. Each
// turn starts with no garbage left by the other and, on PostgreSQL, after a
// checkpoint, so neither phase's backends flush the other's dirty pages.
func BenchmarkDMSIngest(b *testing.B) {
	w, err := newIngestWorkload()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sqlite", func(b *testing.B) { benchIngest(b, w, "sqlite", "sqlite") })
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(storetest.EnvPostgresURL) == "" {
			fmt.Printf("# dms_ingest_*_pg skipped: %s is not set\n", storetest.EnvPostgresURL)
			b.Skip(storetest.EnvPostgresURL + " is not set")
		}
		benchIngest(b, w, "postgres", "pg")
	})
}

// ingestRounds is how many turns each phase takes.
const ingestRounds = 20

func benchIngest(b *testing.B, w *ingestWorkload, backend, suffix string) {
	var httpTime, directTime time.Duration
	events := 0
	for range b.N {
		b.StopTimer()
		h := apptest.Start(b, freshBackend(b, backend))
		push := &ingestPusher{url: h.Listen(b) + "/api/dms/v1/events", token: h.Token,
			client: &http.Client{Timeout: 2 * time.Minute}, replies: make([][]byte, len(w.batches))}
		d := openDirect(b, freshBackend(b, backend))
		report := countStatements(b, h, backend)

		n := ingestRounds
		if os.Getenv(envCPUProfile) != "" {
			n = 1 // the profile covers the endpoint phase alone: one turn each
		}
		for r := range n {
			lo, hi := r*len(w.batches)/n, (r+1)*len(w.batches)/n
			endpointTurn := func() {
				stop := startEndpointProfile(b, backend)
				httpTime += timedTurn(b, d.db, backend, func() error { return push.batches(w, lo, hi) })
				stop()
			}
			directTurn := func() {
				directTime += timedTurn(b, d.db, backend, func() error { return d.loadBatches(w, lo, hi) })
			}
			if r%2 == 0 {
				endpointTurn()
				directTurn()
			} else {
				directTurn()
				endpointTurn()
			}
		}
		events += len(w.events)
		report(len(w.events))

		for i, raw := range push.replies {
			if err := allApplied(raw, ingestBatchSize); err != nil {
				b.Fatalf("batch %d: %v", i, err)
			}
		}
		endpointDB, err := h.Store.SQL()
		if err != nil {
			b.Fatal(err)
		}
		if err := sameRows(context.Background(), endpointDB, d.db); err != nil {
			b.Fatalf("the endpoint and the direct loader stored different rows, so the ratio means nothing: %v", err)
		}
	}
	httpRate := float64(events) / httpTime.Seconds()
	directRate := float64(events) / directTime.Seconds()
	ratio := httpRate / directRate
	b.ReportMetric(httpRate, "http_events/s")
	b.ReportMetric(directRate, "direct_events/s")
	b.ReportMetric(ratio, "ratio")
	fmt.Printf("BENCH dms_ingest_http_%s %.1f events/s\n", suffix, httpRate)
	fmt.Printf("BENCH dms_ingest_direct_%s %.1f events/s\n", suffix, directRate)
	fmt.Printf("BENCH dms_ingest_ratio_%s %.3f ratio\n", suffix, ratio)
}

// timedTurn settles, then runs one turn of a phase under the benchmark timer
// and returns how long it took.
func timedTurn(b *testing.B, db *sql.DB, backend string, turn func() error) time.Duration {
	settleTurn(b, db, backend)
	b.StartTimer()
	started := time.Now()
	err := turn()
	elapsed := time.Since(started)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	return elapsed
}

// settleTurn starts a turn from a quiet state, so neither phase pays for the
// other's leftovers: no garbage from the last turn, and on PostgreSQL no
// dirty buffers (the endpoint writes several times the rows the direct
// loader does; without a checkpoint, the direct loader's backends would be
// flushing the endpoint's pages).
func settleTurn(b *testing.B, db *sql.DB, backend string) {
	runtime.GC()
	if backend != "postgres" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		b.Logf("CHECKPOINT between turns failed (the figures may be noisier): %v", err)
	}
}

// freshBackend is an empty database of the named kind.
func freshBackend(b *testing.B, name string) storetest.Backend {
	be := storetest.Backend{Name: name, DataDir: b.TempDir()}
	if name == "postgres" {
		be.DatabaseURL = storetest.FreshPostgres(b)
	}
	return be
}

// openDirect migrates the direct loader's database and gives it the branch
// and DMS node the hub under test has.
func openDirect(b *testing.B, be storetest.Backend) *directLoader {
	ctx := context.Background()
	s := storetest.Open(b, be)
	branch := hub.Branch{Code: branchCode, Name: "Сервис на Ленинском", Country: "RU", TimeZone: branchTimeZone, Locale: "ru", Phone: "+74951234567"}
	if err := s.CreateBranch(ctx, &branch); err != nil {
		b.Fatal(err)
	}
	_, node, err := s.CreateNodeWithToken(ctx, "1c-direct", "")
	if err != nil {
		b.Fatal(err)
	}
	db, err := s.SQL()
	if err != nil {
		b.Fatal(err)
	}
	return newDirectLoader(db, be.DatabaseURL != "", node.ID, branch.ID)
}

// ingestPusher posts batches to the exchange in order, as one DMS does, keeping
// the replies to check once the clock has stopped.
type ingestPusher struct {
	url     string
	token   string
	client  *http.Client
	replies [][]byte
}

// batches posts w's batches lo to hi-1.
func (p *ingestPusher) batches(w *ingestWorkload, lo, hi int) error {
	for i := lo; i < hi; i++ {
		req, err := http.NewRequest(http.MethodPost, p.url, bytes.NewReader(w.batches[i]))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+p.token)
		resp, err := p.client.Do(req)
		if err != nil {
			return fmt.Errorf("batch %d: %w", i, err)
		}
		p.replies[i], err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("batch %d: read reply: %w", i, err)
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("batch %d: status %d: %s", i, resp.StatusCode, p.replies[i])
		}
	}
	return nil
}

// allApplied checks a reply answers every event of the batch "applied".
func allApplied(raw []byte, want int) error {
	var reply struct {
		Results []dms.Result `json:"results"`
	}
	if err := json.Unmarshal(raw, &reply); err != nil {
		return fmt.Errorf("reply is not JSON: %w: %s", err, raw)
	}
	if len(reply.Results) != want {
		return fmt.Errorf("%d results for %d events", len(reply.Results), want)
	}
	for _, r := range reply.Results {
		if r.Result != store.EventApplied {
			return fmt.Errorf("event %s: %s %s", r.ID, r.Result, r.Error)
		}
	}
	return nil
}
