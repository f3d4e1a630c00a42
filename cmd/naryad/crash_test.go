package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// The crash test pushes a stream of work order batches at a real `naryad
// serve`, kills it with SIGKILL mid-stream, starts it again on the same data
// and re-sends every batch from the beginning, as 1C does with messages it
// has no acknowledgement for. Afterwards every work order must be at its
// last version and every status message must have been queued exactly once.

const (
	crashOrders     = 40 // work orders in the stream
	crashVersions   = 6  // versions of each work order, sent in order
	crashBatchSize  = 20 // events per request
	crashStreams    = 2  // senders pushing at once, each with its own work orders
	crashStreamSeed = 20261123
)

// crashStatuses are the DMS status names per canonical status, in the order
// a work order moves through them; the alternatives map to the same status
// (migrations/*/00001_spine.sql), so switching between them sends nothing.
var crashStatuses = []struct {
	canonical string
	raw       []string
}{
	{"received", []string{"Принят"}},
	{"in_progress", []string{"В работе"}},
	{"waiting_parts", []string{"Ожидаем запчасть", "Ожидание запчастей"}},
	{"ready", []string{"Готов", "Выполнен"}},
	{"delivered", []string{"Выдан", "Закрыт"}},
}

// crashOrder is one work order of the stream and what must come of it.
type crashOrder struct {
	number    string
	phone     string
	raw       []string // raw status of version v at raw[v-1]
	canonical []string // canonical status of version v at canonical[v-1]
}

// wantStatusKeys are the status messages the customer must get, in order:
// one for each version whose canonical status differs from the one before.
func (o crashOrder) wantStatusKeys() []string {
	var keys []string
	prev := ""
	for _, c := range o.canonical {
		if c != prev {
			keys = append(keys, "status."+c)
		}
		prev = c
	}
	return keys
}

// crashEvent is one work_order event of the stream.
type crashEvent struct {
	id      string
	order   *crashOrder
	version int
}

func (e crashEvent) json() map[string]any {
	o := e.order
	return map[string]any{
		"id": e.id, "type": "work_order", "occurred_at": fmt.Sprintf("2026-11-23T10:%02d:00", e.version),
		"work_order": map[string]any{
			"number": o.number, "version": e.version, "branch": "MSK1", "status": o.raw[e.version-1],
			"customer": map[string]any{"external_id": "C-" + o.number, "name": "Иван Петров", "phones": []any{o.phone}},
			"vehicle":  map[string]any{"external_id": "V-" + o.number, "vin": "XW8ZZZ1ZZKG000001", "plate": "а123вс 77", "make": "Škoda", "model": "Octavia", "year": "2019", "mileage_km": "95 000"},
			"advisor":  map[string]any{"external_id": "E-7", "name": "Ольга"},
			"currency": "RUB", "paid": false,
			"lines": []any{
				map[string]any{"id": "1", "kind": "работа", "name": "Замена масла", "qty": "1", "unit_price": "1 500,50"},
				map[string]any{"id": "2", "kind": "part", "name": "Колодки", "qty": 2, "unit_price": 3400, "needs_approval": true},
			},
		},
	}
}

// crashBatch is one request of one stream.
type crashBatch struct {
	stream, index int // index within the stream
	events        []crashEvent
	body          []byte
}

// crashStream is the whole deterministic stream: the work orders and, per
// sender, its batches in sending order.
type crashStream struct {
	orders  []*crashOrder
	streams [][]crashBatch
}

func (s crashStream) batchCount() int {
	n := 0
	for _, bs := range s.streams {
		n += len(bs)
	}
	return n
}

func (s crashStream) eventIDs() []string {
	var ids []string
	for _, bs := range s.streams {
		for _, b := range bs {
			for _, e := range b.events {
				ids = append(ids, e.id)
			}
		}
	}
	return ids
}

// newCrashStream builds the stream from a fixed seed. Each work order moves
// forward through the statuses, now and then staying (under the same or an
// alternative name) or skipping one; each sender owns every crashStreams-th
// work order, and its events interleave work orders at random while keeping
// each one's versions in order, so a batch may carry two versions of one.
func newCrashStream(t *testing.T) crashStream {
	t.Helper()
	r := rand.New(rand.NewPCG(crashStreamSeed, 1))
	var s crashStream
	for i := range crashOrders {
		o := &crashOrder{number: fmt.Sprintf("КР-%05d", i+1), phone: fmt.Sprintf("8 (916) 555-%02d-%02d", i/100, i%100)}
		at := 0
		for v := 1; v <= crashVersions; v++ {
			if v > 1 {
				at = min(at+[]int{0, 1, 1, 2}[r.IntN(4)], len(crashStatuses)-1)
			}
			names := crashStatuses[at].raw
			o.raw = append(o.raw, names[r.IntN(len(names))])
			o.canonical = append(o.canonical, crashStatuses[at].canonical)
		}
		s.orders = append(s.orders, o)
	}
	for stream := range crashStreams {
		next := map[*crashOrder]int{} // next version to send
		var open []*crashOrder
		for i, o := range s.orders {
			if i%crashStreams == stream {
				next[o], open = 1, append(open, o)
			}
		}
		var events []crashEvent
		for len(open) > 0 {
			k := r.IntN(len(open))
			o := open[k]
			events = append(events, crashEvent{id: fmt.Sprintf("wo-%s-v%d", o.number, next[o]), order: o, version: next[o]})
			if next[o]++; next[o] > crashVersions {
				open = slices.Delete(open, k, k+1)
			}
		}
		var batches []crashBatch
		for chunk := range slices.Chunk(events, crashBatchSize) {
			b := crashBatch{stream: stream, index: len(batches), events: chunk}
			payload := make([]map[string]any, len(chunk))
			for i, e := range chunk {
				payload[i] = e.json()
			}
			body, err := json.Marshal(map[string]any{"events": payload})
			if err != nil {
				t.Fatal(err)
			}
			b.body = body
			batches = append(batches, b)
		}
		s.streams = append(s.streams, batches)
	}
	return s
}

// crashSeed picks where the kill lands; NARYAD_TEST_CRASH_SEED repeats a run.
func crashSeed(t *testing.T) uint64 {
	t.Helper()
	if raw := os.Getenv("NARYAD_TEST_CRASH_SEED"); raw != "" {
		seed, err := strconv.ParseUint(raw, 10, 64)
		if err != nil {
			t.Fatalf("NARYAD_TEST_CRASH_SEED: %v", err)
		}
		return seed
	}
	return uint64(time.Now().UnixNano())
}

func TestCrashMidStreamThenResendQueuesEachStatusOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	bin := buildNaryad(t)
	stream := newCrashStream(t)
	seed := crashSeed(t)
	t.Logf("crash seed %d (set NARYAD_TEST_CRASH_SEED to repeat)", seed)
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			e := hubEnv{DataDir: t.TempDir(), Secret: "crash-test-secret-0123456789abcdef-0123456789"}
			if backend == "postgres" {
				e.DatabaseURL = storetest.FreshPostgres(t) // skips when NARYAD_TEST_POSTGRES_URL is unset
			}
			testCrashAndResend(t, bin, e, stream, rand.New(rand.NewPCG(seed, 2)))
		})
	}
}

func testCrashAndResend(t *testing.T, bin string, e hubEnv, stream crashStream, r *rand.Rand) {
	started := time.Now()
	runCLI(t, bin, e, "branch", "add", "--code", "MSK1", "--name", "Альфа-Авто Москва",
		"--country", "RU", "--time-zone", "Europe/Moscow", "--locale", "ru")
	token := lastLine(runCLI(t, bin, e, "dms", "token", "create", "--node", "alfa-auto-crash"))
	if token == "" || strings.Contains(token, " ") {
		t.Fatalf("dms token create: last line %q is not a token", token)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: crashStreams}}
	t.Cleanup(client.CloseIdleConnections)

	total := stream.batchCount()
	// Acknowledged batches before the kill: 2 … total/2, so plenty remain
	// unsent however fast the other sender runs on between that
	// acknowledgement and the kill.
	killAfter := 2 + r.IntN(total/2-1)

	first := startServe(t, bin, e, "first run, killed")
	acked := sendUntilKilled(t, first, client, token, stream, killAfter, r.Float64())
	t.Logf("%d of %d batches acknowledged before the kill, per stream %v", sum(acked), total, acked)

	second := startServe(t, bin, e, "second run, re-send")
	replies := resendAll(t, second, client, token, stream)
	second.stop(t)
	checkResendReplies(t, stream, acked, replies)
	for _, line := range append(first.errorLines(), second.errorLines()...) {
		t.Logf("server error: %s", line)
	}
	checkDatabase(t, e, stream)
	t.Logf("%s in %s", t.Name(), time.Since(started).Round(time.Millisecond))
}

// sendUntilKilled runs one sender per stream, each posting its batches in
// order as fast as replies come, and SIGKILLs the server once killAfter
// batches were acknowledged and then a fraction (0 ≤ f < 1) of the last
// batch's round trip later, so that the kill lands inside a batch. It
// returns how many batches of each stream were acknowledged: every one of
// them answered 200 with every event applied.
func sendUntilKilled(t *testing.T, p *hubProcess, client *http.Client, token string, stream crashStream, killAfter int, f float64) []int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait() // runs after cancel
	defer cancel()

	// acked[s] is written only by stream s's sender, and read after wg.Wait.
	acked := make([]int, len(stream.streams))
	ackCh := make(chan time.Duration, stream.batchCount()) // round trip of each acknowledged batch
	errCh := make(chan error, len(stream.streams))
	for s, batches := range stream.streams {
		wg.Go(func() {
			for _, b := range batches {
				sent := time.Now()
				results, err := postEvents(ctx, client, p.URL, token, b.body)
				if err == nil {
					err = expectAll(b, results, "applied")
				}
				if err != nil {
					errCh <- fmt.Errorf("stream %d batch %d: %w", s, b.index, err)
					return
				}
				acked[s]++
				ackCh <- time.Since(sent)
			}
		})
	}

	timeout := time.After(30 * time.Second)
	var roundTrip time.Duration
	for n := 0; n < killAfter; n++ {
		select {
		case roundTrip = <-ackCh:
		case err := <-errCh:
			t.Fatalf("before the kill: %v", err)
		case <-timeout:
			t.Fatalf("only %d of %d batches acknowledged within 30s", n, killAfter)
		}
	}
	delay := time.Duration(f * float64(roundTrip))
	time.Sleep(delay)
	p.kill(t)
	t.Logf("killed %s after acknowledgement number %d (last round trip %s)", delay, killAfter, roundTrip)
	wg.Wait()
	close(errCh)
	for err := range errCh {
		if !errors.Is(err, errNoReply) {
			t.Fatalf("around the kill, a reply other than 200 with every event applied: %v", err)
		}
	}
	return acked
}

// expectAll checks a reply names the batch's events in order, each with want.
func expectAll(b crashBatch, results []eventResult, want string) error {
	if len(results) != len(b.events) {
		return fmt.Errorf("%d results for %d events: %+v", len(results), len(b.events), results)
	}
	for i, r := range results {
		if r.ID != b.events[i].id || r.Result != want {
			return fmt.Errorf("result %d = %+v, want id %s %s", i, r, b.events[i].id, want)
		}
	}
	return nil
}

// resendAll posts every batch again from the start, one sender per stream,
// and returns the results of each, by stream and batch index.
func resendAll(t *testing.T, p *hubProcess, client *http.Client, token string, stream crashStream) [][][]eventResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	replies := make([][][]eventResult, len(stream.streams))
	errs := make([]error, len(stream.streams))
	var wg sync.WaitGroup
	for s, batches := range stream.streams {
		replies[s] = make([][]eventResult, len(batches))
		wg.Go(func() {
			for _, b := range batches {
				results, err := postEvents(ctx, client, p.URL, token, b.body)
				if err != nil {
					errs[s] = fmt.Errorf("stream %d batch %d: %w", s, b.index, err)
					return
				}
				replies[s][b.index] = results
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("re-sending after the restart: %v", err)
	}
	return replies
}

// checkResendReplies holds the re-sent batches to what the first run told
// the sender: an acknowledged batch was committed, so its events are
// duplicates now; the batch in flight at the kill was one transaction, so it
// is all duplicate or all applied; batches never sent apply now.
func checkResendReplies(t *testing.T, stream crashStream, acked []int, replies [][][]eventResult) {
	t.Helper()
	counts := map[string]int{}
	for s, batches := range stream.streams {
		for _, b := range batches {
			results := replies[s][b.index]
			for _, r := range results {
				counts[r.Result]++
			}
			var err error
			switch {
			case b.index < acked[s]:
				err = expectAll(b, results, "duplicate")
			case b.index == acked[s]:
				if expectAll(b, results, "duplicate") == nil {
					t.Logf("stream %d: batch %d, in flight at the kill, had been committed", s, b.index)
				} else if expectAll(b, results, "applied") == nil {
					t.Logf("stream %d: batch %d, in flight at the kill, had not been committed", s, b.index)
				} else {
					err = fmt.Errorf("the batch in flight at the kill was applied in part: %+v", results)
				}
			default:
				err = expectAll(b, results, "applied")
			}
			if err != nil {
				t.Errorf("re-sent stream %d batch %d (acknowledged before the kill: %d): %v", s, b.index, acked[s], err)
			}
		}
	}
	t.Logf("re-send results: %v", counts)
	if counts["duplicate"] == 0 || counts["applied"] == 0 {
		t.Errorf("the kill did not land mid-stream: re-send results %v", counts)
	}
}

// checkDatabase opens the stopped hub's database and compares it with what
// the stream must have left: every work order at its last version, each
// status message queued exactly once, each event id claimed exactly once.
func checkDatabase(t *testing.T, e hubEnv, stream crashStream) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := store.Connect(ctx, e.DatabaseURL, e.DataDir)
	if err != nil {
		t.Fatalf("open the database: %v", err)
	}
	defer s.Close()
	db := s.Gorm(ctx)

	type workOrderRow struct {
		Number    string
		Version   int
		RawStatus string
		Status    string
	}
	var orders []workOrderRow
	if err := db.Raw("SELECT number, version, raw_status, status FROM work_orders").Scan(&orders).Error; err != nil {
		t.Fatalf("read work orders: %v", err)
	}
	stored := map[string]workOrderRow{}
	for _, w := range orders {
		stored[w.Number] = w
	}
	if len(orders) != len(stream.orders) || len(stored) != len(stream.orders) {
		t.Errorf("%d work order rows (%d numbers), want %d", len(orders), len(stored), len(stream.orders))
	}

	type messageRow struct {
		Number      string
		TemplateKey string
	}
	var msgs []messageRow
	err = db.Raw(`SELECT w.number, m.template_key FROM messages m
		JOIN threads th ON th.id = m.thread_id JOIN work_orders w ON w.id = th.work_order_id
		WHERE m.direction = 'out' ORDER BY m.id`).Scan(&msgs).Error
	if err != nil {
		t.Fatalf("read messages: %v", err)
	}
	statusKeys, estimates := map[string][]string{}, map[string]int{}
	for _, m := range msgs {
		switch {
		case strings.HasPrefix(m.TemplateKey, "status."):
			statusKeys[m.Number] = append(statusKeys[m.Number], m.TemplateKey)
		case m.TemplateKey == "estimate.request":
			estimates[m.Number]++
		default:
			t.Errorf("%s: unexpected outgoing message %q", m.Number, m.TemplateKey)
		}
	}

	wantMessages := 0
	for _, o := range stream.orders {
		last := crashVersions - 1
		if w, ok := stored[o.number]; !ok {
			t.Errorf("%s: not stored", o.number)
		} else if w.Version != crashVersions || w.RawStatus != o.raw[last] || w.Status != o.canonical[last] {
			t.Errorf("%s: at version %d %q (%s), want %d %q (%s)", o.number, w.Version, w.RawStatus, w.Status, crashVersions, o.raw[last], o.canonical[last])
		}
		want := o.wantStatusKeys()
		wantMessages += len(want) + 1
		if got := statusKeys[o.number]; !slices.Equal(got, want) {
			t.Errorf("%s: status messages %v, want %v (statuses by version %v)", o.number, got, want, o.raw)
		}
		if estimates[o.number] != 1 {
			t.Errorf("%s: %d estimate requests, want 1", o.number, estimates[o.number])
		}
	}
	if len(msgs) != wantMessages {
		t.Errorf("%d outgoing messages in all, want %d", len(msgs), wantMessages)
	}

	var unqueued int64
	err = db.Raw(`SELECT COUNT(*) FROM messages m WHERE m.direction = 'out'
		AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id)`).Scan(&unqueued).Error
	if err != nil || unqueued != 0 {
		t.Errorf("%d outgoing messages without an outbox entry (%v)", unqueued, err)
	}

	type eventRow struct {
		EventID string
		Result  string
		N       int
	}
	var events []eventRow
	err = db.Raw("SELECT event_id, MIN(result) AS result, COUNT(*) AS n FROM inbound_events GROUP BY event_id").Scan(&events).Error
	if err != nil {
		t.Fatalf("read inbound events: %v", err)
	}
	claimed := map[string]eventRow{}
	for _, ev := range events {
		claimed[ev.EventID] = ev
	}
	ids := stream.eventIDs()
	for _, id := range ids {
		// Every version arrives after the one before it, so none is stale.
		if ev, ok := claimed[id]; !ok || ev.N != 1 || ev.Result != "applied" {
			t.Errorf("inbound event %s: claimed %d times, result %q; want once, applied", id, ev.N, ev.Result)
		}
	}
	if len(events) != len(ids) {
		t.Errorf("%d inbound event ids, want %d", len(events), len(ids))
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
