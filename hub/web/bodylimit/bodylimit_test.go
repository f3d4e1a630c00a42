package bodylimit

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

const (
	small     = 64 << 10
	uploadMax = 1 << 20
	token     = "Bearer let-me-in"
)

// bench is an app behind a gate: POST /form takes small bodies from
// anyone; POST /up/:who and /link/:token (one body at a time per :token)
// large ones from holders of the token, in the "people" pool, and
// POST /dms in the "machines" pool; all answer with the length of the body
// they got and count the requests they see. Each pool has budgetBytes.
type bench struct {
	gate    *Gate
	addr    string
	reached atomic.Int64
}

func newBench(t *testing.T, budgetBytes int) *bench {
	t.Helper()
	b := &bench{gate: New(small, map[string]int{"people": budgetBytes, "machines": budgetBytes})}
	cfg := fiber.Config{DisableStartupMessage: true, ReadTimeout: time.Minute}
	b.gate.Configure(&cfg)
	app := fiber.New(cfg)
	allowed := func(c *fiber.Ctx) bool { return c.Get(fiber.HeaderAuthorization) == token }
	b.gate.Install(app,
		Upload{Method: fiber.MethodPost, Path: "/up/:who", MaxBytes: uploadMax, Pool: "people",
			Allowed: func(c *fiber.Ctx) bool { return allowed(c) && c.Params("who") != "" }},
		Upload{Method: fiber.MethodPost, Path: "/link/:token", MaxBytes: uploadMax, Pool: "people", Allowed: allowed,
			OneAt: func(c *fiber.Ctx) string { return c.Params("token") }},
		Upload{Method: fiber.MethodPost, Path: "/dms", MaxBytes: uploadMax, Pool: "machines", Allowed: allowed})
	echo := func(c *fiber.Ctx) error {
		b.reached.Add(1)
		return c.SendString(strconv.Itoa(len(c.Body())))
	}
	app.Post("/form", echo)
	app.Post("/up/:who", echo)
	app.Post("/link/:token", echo)
	app.Post("/dms", echo)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	b.addr = ln.Addr().String()
	return b
}

// rawRequest writes a request's head and the first part of its body on a
// connection of its own, and leaves the rest unsent.
type rawRequest struct {
	conn net.Conn
	r    *bufio.Reader
}

func (b *bench) start(t *testing.T, path string, header map[string]string, first []byte) *rawRequest {
	t.Helper()
	conn, err := net.Dial("tcp", b.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var head strings.Builder
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: hub\r\n", path)
	for k, v := range header {
		fmt.Fprintf(&head, "%s: %s\r\n", k, v)
	}
	head.WriteString("\r\n")
	if _, err := conn.Write(append([]byte(head.String()), first...)); err != nil {
		t.Fatal(err)
	}
	return &rawRequest{conn: conn, r: bufio.NewReader(conn)}
}

// answer reads the response. The deadline only bounds a failing test: a
// hub that waits for the rest of the body never answers.
func (rr *rawRequest) answer(t *testing.T) (*http.Response, string) {
	t.Helper()
	if err := rr.conn.SetReadDeadline(time.Now().Add(15 * time.Second)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(rr.r, nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func withLength(n int, extra ...string) map[string]string {
	h := map[string]string{"Content-Length": strconv.Itoa(n), "Content-Type": "application/octet-stream"}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	return h
}

func TestALargeBodyFromAnyoneButAnUploaderIsRefusedUnread(t *testing.T) {
	b := newBench(t, 4<<20)
	cases := []struct {
		name, path string
		header     map[string]string
	}{
		{"a small route", "/form", withLength(30 << 20)},
		{"a small route, just over", "/form", withLength(small + 1)},
		{"an upload without the token", "/up/x", withLength(uploadMax)},
		{"an upload with a wrong token", "/up/x", withLength(uploadMax, "Authorization", "Bearer guess")},
		{"an upload over its own limit", "/up/x", withLength(uploadMax+1, "Authorization", token)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// What fasthttp reads ahead (8 KiB) and no more is sent.
			resp, body := b.start(t, tc.path, tc.header, make([]byte, 16<<10)).answer(t)
			if resp.StatusCode != http.StatusRequestEntityTooLarge || !resp.Close {
				t.Errorf("status %d, close %v (%q), want 413 and the connection closed", resp.StatusCode, resp.Close, body)
			}
		})
	}
	if n := b.reached.Load(); n != 0 {
		t.Errorf("%d refused requests reached a handler", n)
	}
	if n := b.gate.pools["people"].inUse(); n != 0 {
		t.Errorf("%d bytes of the budget still taken", n)
	}
}

func TestAChunkedBodyIsBoundedToo(t *testing.T) {
	b := newBench(t, 4<<20)
	for _, tc := range []struct{ name, path, auth string }{
		{"a small route", "/form", ""},
		{"an upload without the token", "/up/x", ""},
		{"an upload past its limit", "/up/x", token},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header := map[string]string{"Transfer-Encoding": "chunked"}
			if tc.auth != "" {
				header["Authorization"] = tc.auth
			}
			// Chunks up to twice the largest limit, then silence: the
			// answer must come without the end of the body.
			chunk := make([]byte, 16<<10)
			var body bytes.Buffer
			for body.Len() < 2*uploadMax {
				fmt.Fprintf(&body, "%x\r\n%s\r\n", len(chunk), chunk)
			}
			rr := b.start(t, tc.path, header, nil)
			go func() { _, _ = rr.conn.Write(body.Bytes()) }() // fails once the hub has closed: fine
			resp, answer := rr.answer(t)
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d (%q), want 413", resp.StatusCode, answer)
			}
		})
	}
	if n := b.reached.Load(); n != 0 {
		t.Errorf("%d refused requests reached a handler", n)
	}
}

func TestSmallBodiesAndAllowedUploadsAreRead(t *testing.T) {
	b := newBench(t, 4<<20)
	client := &http.Client{Timeout: 30 * time.Second}
	cases := []struct {
		name, path, auth string
		size             int
		chunked          bool
	}{
		{"a small form", "/form", "", small, false},
		{"a small form, chunked", "/form", "", small, true},
		{"a small body to an upload route, anonymous", "/up/x", "", 1000, false},
		{"an upload at its limit", "/up/x", token, uploadMax, false},
		{"an upload at its limit, chunked", "/up/x", token, uploadMax, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = bytes.NewReader(make([]byte, tc.size))
			if tc.chunked {
				body = io.MultiReader(body) // no length known: Go sends it chunked
			}
			req, err := http.NewRequest(http.MethodPost, "http://"+b.addr+tc.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || string(got) != strconv.Itoa(tc.size) {
				t.Errorf("status %d, handler saw %q bytes, want %d", resp.StatusCode, got, tc.size)
			}
		})
	}
}

func TestLargeBodiesWaitingAtOnceAreBounded(t *testing.T) {
	b := newBench(t, uploadMax+uploadMax/2)
	auth := func(n int) map[string]string { return withLength(n, "Authorization", token) }
	// One upload at the limit is being received: it holds most of the budget.
	first := b.start(t, "/up/first", auth(uploadMax), make([]byte, 16<<10))
	eventually(t, "the first upload to hold the budget", func() bool { return b.gate.pools["people"].inUse() == uploadMax })

	resp, _ := b.start(t, "/up/second", auth(uploadMax/2+1), make([]byte, 16<<10)).answer(t)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a second upload over the budget: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Small bodies are not held up by it.
	resp, answer := b.start(t, "/form", withLength(100), make([]byte, 100)).answer(t)
	if resp.StatusCode != http.StatusOK || answer != "100" {
		t.Fatalf("a small form while the budget is full: %d %q", resp.StatusCode, answer)
	}

	if _, err := first.conn.Write(make([]byte, uploadMax-16<<10)); err != nil {
		t.Fatal(err)
	}
	if resp, answer := first.answer(t); resp.StatusCode != http.StatusOK || answer != strconv.Itoa(uploadMax) {
		t.Fatalf("the first upload: %d %q", resp.StatusCode, answer)
	}
	eventually(t, "the budget to be given back", func() bool { return b.gate.pools["people"].inUse() == 0 })
	third := b.start(t, "/up/third", auth(uploadMax/2+1), make([]byte, uploadMax/2+1))
	if resp, _ := third.answer(t); resp.StatusCode != http.StatusOK {
		t.Fatalf("an upload once the budget is free: %d", resp.StatusCode)
	}
}

func TestCompressedBodiesAreRefused(t *testing.T) {
	b := newBench(t, 4<<20)
	for _, path := range []string{"/form", "/up/x"} {
		resp, _ := b.start(t, path, withLength(10, "Content-Encoding", "gzip", "Authorization", token), make([]byte, 10)).answer(t)
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("%s gzip: %d, want 415", path, resp.StatusCode)
		}
	}
	if n := b.reached.Load(); n != 0 {
		t.Errorf("%d refused requests reached a handler", n)
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// trickle sends one byte of the rest of the body every few milliseconds
// until the hub closes the connection or the test ends.
func (rr *rawRequest) trickle(t *testing.T) {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := rr.conn.Write([]byte{0}); err != nil {
					return
				}
			}
		}
	}()
}

func TestMachinesDoNotWaitForPeople(t *testing.T) {
	b := newBench(t, uploadMax)
	auth := func(n int) map[string]string { return withLength(n, "Authorization", token) }
	// Trickling uploads hold the whole of the people's pool...
	held := b.start(t, "/up/a", auth(uploadMax), make([]byte, 9<<10))
	held.trickle(t)
	eventually(t, "the trickle to hold the people's pool", func() bool { return b.gate.pools["people"].inUse() == uploadMax })
	for _, path := range []string{"/up/b", "/link/c"} {
		if resp, _ := b.start(t, path, auth(uploadMax/2), make([]byte, 9<<10)).answer(t); resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("%s while the people's pool is full: %d, want 503", path, resp.StatusCode)
		}
	}
	// ...and a batch from a machine, as large as the whole of it, goes through.
	resp, answer := b.start(t, "/dms", auth(uploadMax), make([]byte, uploadMax)).answer(t)
	if resp.StatusCode != http.StatusOK || answer != strconv.Itoa(uploadMax) {
		t.Fatalf("a machine's batch while people fill theirs: %d %q, want 200", resp.StatusCode, answer)
	}
}

func TestOneLargeBodyAtATimePerLink(t *testing.T) {
	b := newBench(t, 4<<20)
	auth := func(n int) map[string]string { return withLength(n, "Authorization", token) }
	first := b.start(t, "/link/one", auth(uploadMax), make([]byte, 9<<10))
	eventually(t, "the first upload to be received", func() bool { return b.gate.oneAt.claimed() == 1 })

	resp, _ := b.start(t, "/link/one", auth(uploadMax/2), make([]byte, 9<<10)).answer(t)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !resp.Close {
		t.Fatalf("a second upload on the same link: %d, Retry-After %q, close %v; want 429 with Retry-After, closed",
			resp.StatusCode, resp.Header.Get("Retry-After"), resp.Close)
	}
	// Another link is not held up by it.
	if resp, answer := b.start(t, "/link/two", auth(1000+small), make([]byte, 1000+small)).answer(t); resp.StatusCode != http.StatusOK {
		t.Fatalf("an upload on another link: %d %q", resp.StatusCode, answer)
	}
	// Once the first is done, the link takes the next one.
	if _, err := first.conn.Write(make([]byte, uploadMax-9<<10)); err != nil {
		t.Fatal(err)
	}
	if resp, _ := first.answer(t); resp.StatusCode != http.StatusOK {
		t.Fatalf("the first upload: %d", resp.StatusCode)
	}
	eventually(t, "the link to be free", func() bool { return b.gate.oneAt.claimed() == 0 })
	if resp, _ := b.start(t, "/link/one", auth(small+1), make([]byte, small+1)).answer(t); resp.StatusCode != http.StatusOK {
		t.Fatalf("the next upload on the link: %d", resp.StatusCode)
	}
}

func TestATrickleIsCutAndGivesItsShareBack(t *testing.T) {
	b := newBench(t, 4<<20)
	const rate = 64 << 10
	b.gate.Pace(rate, 100*time.Millisecond)
	auth := func(n int) map[string]string { return withLength(n, "Authorization", token) }
	for _, tc := range []struct {
		name, path string
		header     map[string]string
	}{
		{"declared length", "/link/x", auth(uploadMax)},
		{"chunked", "/link/x", map[string]string{"Transfer-Encoding": "chunked", "Authorization": token}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := make([]byte, 9<<10)
			if tc.header["Transfer-Encoding"] != "" {
				// One chunk big enough for the trickle that follows.
				first = append([]byte(fmt.Sprintf("%x\r\n", uploadMax/2)), first...)
			}
			slow := b.start(t, tc.path, tc.header, first)
			slow.trickle(t) // ~200 bytes a second: far under the pace
			resp, answer := slow.answer(t)
			if resp.StatusCode != http.StatusRequestTimeout || !resp.Close {
				t.Fatalf("a trickle: %d %q, close %v; want 408 and the connection closed", resp.StatusCode, answer, resp.Close)
			}
			eventually(t, "the trickle's share to be given back", func() bool {
				return b.gate.pools["people"].inUse() == 0 && b.gate.oneAt.claimed() == 0
			})
			// The link sends again, at a pace the gate accepts.
			if resp, _ := b.start(t, tc.path, auth(uploadMax), make([]byte, uploadMax)).answer(t); resp.StatusCode != http.StatusOK {
				t.Fatalf("the link's next upload: %d", resp.StatusCode)
			}
		})
	}
	if n := b.reached.Load(); n != 2 {
		t.Errorf("%d requests reached a handler, want the 2 at a good pace", n)
	}
}
