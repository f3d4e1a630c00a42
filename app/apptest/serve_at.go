package apptest

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/app"
)

// ServeAt serves the hub's HTTP stack (no outbox, no live updates) on addr
// until stop is called or the test ends, and returns its base URL once it
// answers. addr "127.0.0.1:0" takes a free port; serving Another instance
// at the same address after stop is the hub restarted at the same URL, as
// a kiosk or a DMS configured with that URL would find it again.
func (h *Hub) ServeAt(t testing.TB, addr string) (base string, stop func()) {
	t.Helper()
	raw, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("serve hub on %s: %v", addr, err)
	}
	ln := app.NewListener(raw)
	web := h.Server.App()
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = web.Listener(ln)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			// Shutdown closes the listener, the idle connections and those
			// that never sent a request, so a client's next request fails
			// as with a stopped process. It waits for requests in flight:
			// a kiosk's sync (its own timeout is 20 s) on a busy machine
			// took over 10 s.
			if err := web.ShutdownWithTimeout(30 * time.Second); err != nil {
				t.Errorf("stop hub at %s: %v; still open:\n%s", raw.Addr(), err, strings.Join(ln.Open(), "\n"))
			}
			ln.Close() // ends a Serve that had not started when Shutdown came
			<-served
		})
	}
	t.Cleanup(stop)
	base = "http://" + ln.Addr().String()
	waitHealthy(t, base)
	return base, stop
}

// waitHealthy polls /healthz until the hub answers 200 (bounded): a stop
// that came before the server had started would leave it running.
func waitHealthy(t testing.TB, base string) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("hub at %s not ready: %v", base, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
