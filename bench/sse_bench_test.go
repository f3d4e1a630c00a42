package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkSSEPush opens 1,000 customer pages' event streams on one `naryad
// serve` process (the real binary, embedded SQLite), pushes one status
// change through the DMS endpoint and measures how long until every page
// received it. The baseline, in the same run, is the same push with one
// page open. Memory per open page is the server's resident memory grown by
// opening the streams, divided by their number.
func BenchmarkSSEPush(b *testing.B) {
	const pages = 1000
	srv := startHub(b)
	path := srv.customerPath(b)

	one := openStreams(b, srv.addr, path, 1)
	single := srv.pushAndWait(b, one, 2)
	one.close()

	rssBefore := rss(b, srv.cmd.Process.Pid)
	inUseBefore := srv.inUse(b)
	many := openStreams(b, srv.addr, path, pages)
	defer many.close()
	// Steady state: the HTTP server keeps idle request workers (and their
	// stacks, grown by the database calls of 1,000 simultaneous requests)
	// for 10 s before retiring them; an open page costs what stays after.
	time.Sleep(15 * time.Second)
	rssAfter := rss(b, srv.cmd.Process.Pid)
	inUseAfter := srv.inUse(b)
	latencies := srv.pushAndWait(b, many, 3)

	p99 := percentile(latencies, 0.99)
	base := percentile(single, 0.99)
	perClient := float64(inUseAfter-inUseBefore) / pages
	rssPerClient := float64(rssAfter-rssBefore) / pages
	b.ReportMetric(p99, "p99_ms")
	b.ReportMetric(perClient, "bytes/page")
	fmt.Printf("BENCH sse_push_p99_ms %.2f ms\n", p99)
	fmt.Printf("BENCH sse_push_single_page_ms %.2f ms\n", base)
	fmt.Printf("BENCH sse_push_p99_ratio %.2f ratio\n", p99/max(base, 0.01))
	fmt.Printf("BENCH sse_bytes_per_client %.0f bytes\n", perClient)
	fmt.Printf("BENCH sse_rss_bytes_per_client %.0f bytes\n", rssPerClient)
	fmt.Printf("BENCH sse_10k_pages_mb %.0f MB\n", perClient*10000/(1<<20))
}

// hubProcess is a `naryad serve` child with one branch, a DMS token and a
// work order whose page the benchmark opens.
type hubProcess struct {
	cmd       *exec.Cmd
	addr      string
	debugAddr string // the hub's profiler, for its own memory figures
	dataDir   string
	token     string
	env       []string
}

func startHub(b *testing.B) *hubProcess {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "naryad")
	build := exec.Command("go", "build", "-o", bin, "../cmd/naryad")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	addr, debugAddr := freeAddr(b), freeAddr(b)
	h := &hubProcess{addr: addr, debugAddr: debugAddr, dataDir: b.TempDir()}
	h.env = append(os.Environ(), "NARYAD_DATA_DIR="+h.dataDir, "NARYAD_ADDR="+addr, "NARYAD_DATABASE_URL=",
		"NARYAD_LOG_LEVEL=warn", "NARYAD_CUSTOMER_RATE_LIMIT=100000", "NARYAD_DEBUG_ADDR="+debugAddr, "NARYAD_SECRET=bench-secret-0123456789-0123456789-0123")
	run := func(args ...string) string {
		cmd := exec.Command(bin, args...)
		cmd.Env = h.env
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("naryad %v: %v", args, err)
		}
		return string(out)
	}
	run("branch", "add", "--code", "MSK1", "--name", "Сервис", "--country", "RU", "--time-zone", "Europe/Moscow", "--locale", "ru")
	lines := strings.Split(strings.TrimSpace(run("dms", "token", "create", "--node", "bench")), "\n")
	h.token = lines[len(lines)-1]
	h.cmd = exec.Command(bin, "serve")
	h.cmd.Env = h.env
	h.cmd.Stderr = os.Stderr
	if err := h.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { h.cmd.Process.Kill(); h.cmd.Wait() })
	deadline := time.Now().Add(15 * time.Second)
	for {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("hub did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	h.push(b, 1, "Принят")
	return h
}

// push sends one version of the benchmark's work order.
func (h *hubProcess) push(b *testing.B, version int, status string) {
	b.Helper()
	body, _ := json.Marshal(map[string]any{"events": []any{map[string]any{
		"id": "sse-" + strconv.Itoa(version), "type": "work_order", "occurred_at": time.Now().Format(time.RFC3339),
		"work_order": map[string]any{"number": "АА-SSE", "version": version, "branch": "MSK1", "status": status,
			"customer": map[string]any{"external_id": "C1", "phones": []any{"+79161234567"}}},
	}}})
	req, _ := http.NewRequest(http.MethodPost, "http://"+h.addr+"/api/dms/v1/events", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+h.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("push: %v %v", err, resp)
	}
	resp.Body.Close()
}

// customerPath reads the page's link from the SMS the hub "sent".
func (h *hubProcess) customerPath(b *testing.B) string {
	b.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		raw, _ := os.ReadFile(filepath.Join(h.dataDir, "sms.log"))
		if i := bytes.Index(raw, []byte("/c/")); i >= 0 {
			end := i + 3
			for end < len(raw) && (raw[end] == '-' || raw[end] == '_' || raw[end] >= '0' && raw[end] <= '9' || raw[end] >= 'A' && raw[end] <= 'Z' || raw[end] >= 'a' && raw[end] <= 'z') {
				end++
			}
			return string(raw[i:end])
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Fatal("no link in sms.log")
	return ""
}

// pushAndWait pushes a status change and returns, per page, the
// milliseconds until its stream delivered the work-order update.
func (h *hubProcess) pushAndWait(b *testing.B, s *streams, version int) []float64 {
	b.Helper()
	s.arm()
	start := time.Now()
	h.push(b, version, []string{"", "Принят", "В работе", "Готов"}[version])
	return s.wait(b, start, 30*time.Second)
}

// streams are open event streams of one page, read by one goroutine each.
type streams struct {
	conns []net.Conn
	mu    sync.Mutex
	got   []time.Time
	armed bool
	all   sync.WaitGroup
}

func openStreams(b *testing.B, addr, path string, n int) *streams {
	b.Helper()
	s := &streams{}
	ready := make(chan struct{}, n)
	for i := 0; i < n; i++ {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			b.Fatalf("stream %d: %v", i, err)
		}
		fmt.Fprintf(conn, "GET %s/events?after=0 HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n\r\n", path, addr)
		s.conns = append(s.conns, conn)
		go s.read(conn, ready)
	}
	for i := 0; i < n; i++ {
		select {
		case <-ready:
		case <-time.After(30 * time.Second):
			b.Fatalf("only %d of %d streams finished their replay", i, n)
		}
	}
	return s
}

// read marks the stream ready after its replay, then records when an
// "order" event arrives while armed.
func (s *streams) read(conn net.Conn, ready chan<- struct{}) {
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch {
		case strings.HasPrefix(line, ": replayed"):
			ready <- struct{}{}
		case line == "event: order\n":
			now := time.Now()
			s.mu.Lock()
			if s.armed {
				s.got = append(s.got, now)
				s.all.Done()
			}
			s.mu.Unlock()
		}
	}
}

func (s *streams) arm() {
	s.mu.Lock()
	s.got, s.armed = nil, true
	s.all.Add(len(s.conns))
	s.mu.Unlock()
}

func (s *streams) wait(b *testing.B, start time.Time, limit time.Duration) []float64 {
	done := make(chan struct{})
	go func() { s.all.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(limit):
		b.Fatalf("only %d of %d pages got the update", len(s.got), len(s.conns))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.armed = false
	out := make([]float64, len(s.got))
	for i, t := range s.got {
		out[i] = float64(t.Sub(start).Microseconds()) / 1000
	}
	return out
}

func (s *streams) close() {
	for _, c := range s.conns {
		c.Close()
	}
}

func percentile(ms []float64, p float64) float64 {
	sorted := slices.Clone(ms)
	slices.Sort(sorted)
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

// rss is a process's resident memory in bytes (Linux).
func rss(b *testing.B, pid int) int64 {
	b.Helper()
	if runtime.GOOS != "linux" {
		b.Skip("resident memory is read from /proc")
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	b.Fatal("no VmRSS")
	return 0
}

func freeAddr(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// inUse asks the hub's profiler for its heap and stack memory in use,
// after a garbage collection.
func (h *hubProcess) inUse(b *testing.B) int64 {
	b.Helper()
	resp, err := http.Get("http://" + h.debugAddr + "/debug/pprof/heap?gc=1&debug=1")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var total int64
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		for _, key := range []string{"# HeapInuse = ", "# StackInuse = "} {
			if v, ok := strings.CutPrefix(sc.Text(), key); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				total += n
			}
		}
	}
	return total
}
