package app_test

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
)

// stopBound is how long a stop may take with connections left open. The
// hub's own bound is 10 s (Run) and apptest's 30 s (ServeAt); a stop that
// waits for them has waited for something it should have ended.
const stopBound = 5 * time.Second

// unusedConn opens a connection to the hub and sends nothing on it, as a
// browser's preconnect or an HTTP client's spare dial does.
func unusedConn(t *testing.T, base string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// openStream opens a work order's customer page stream and waits for its
// replay, so the stream is being served when the test goes on.
func openStream(t *testing.T, h *apptest.Hub, base, number string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+h.CustomerPath(t, number)+"/events?after=0", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	replayed := make(chan error, 1)
	go func() {
		r := bufio.NewReader(resp.Body)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				replayed <- err
				return
			}
			if strings.HasPrefix(line, ": replayed") {
				replayed <- nil
				return
			}
		}
	}()
	select {
	case err := <-replayed:
		if err != nil {
			t.Fatalf("the stream ended before its replay: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no replay on the stream within 10 s")
	}
}

// stopsWithin runs stop and fails the test unless it returns within bound.
func stopsWithin(t *testing.T, what string, bound time.Duration, stop func()) {
	t.Helper()
	stopped := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(stopped)
		stop()
	}()
	select {
	case <-stopped:
		t.Logf("%s stopped in %s", what, time.Since(start).Round(time.Millisecond))
	case <-time.After(bound):
		t.Errorf("%s did not stop within %s", what, bound)
		<-stopped // its error, if it reports one, belongs to this test
	}
}

// The hub stops promptly with connections left open: one that never sent
// a request (fasthttp counted it busy until its 60 s read timeout, past
// Run's 10 s shutdown bound), an idle keep-alive one, and a customer
// page's live stream (ended by the server's done channel).
func TestRunStopsPromptlyWithConnectionsOpen(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		h.PushWorkOrder(t, "stop-1", "АА-900", 1, "Принят", nil)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		h.Config.Addr = ln.Addr().String()
		ln.Close() // Run listens itself
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- h.Server.Run(ctx) }()
		base := "http://" + h.Config.Addr
		waitHealthy(t, base)

		unusedConn(t, base)
		openStream(t, h, base, "АА-900")
		stopsWithin(t, "the hub", stopBound, func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
		})
	})
}

// ServeAt's stop (the locker station tests' hub) is as prompt: a spare
// connection of the kiosk's HTTP client held it for its whole 30 s.
func TestServeAtStopsPromptlyWithAnUnusedConnection(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		base, stop := h.ServeAt(t, "127.0.0.1:0")
		c := unusedConn(t, base)
		stopsWithin(t, "ServeAt", stopBound, stop)
		// The unused connection was closed, not left to time out.
		if err := c.SetReadDeadline(time.Now().Add(stopBound)); err != nil {
			t.Fatal(err)
		}
		if n, err := c.Read(make([]byte, 1)); err == nil || isTimeout(err) {
			t.Errorf("the unused connection is still open after the stop: read %d, %v", n, err)
		}
	})
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// waitHealthy polls /healthz until the hub answers 200 (bounded).
func waitHealthy(t *testing.T, base string) {
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
		time.Sleep(20 * time.Millisecond)
	}
}
