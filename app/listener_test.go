package app_test

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"naryad/app"
)

// The listener names its open connections (for a shutdown that timed out)
// and, closed, closes only those that sent nothing: a request that began
// is the server's to finish.
func TestListenerClosesOnlyConnectionsThatSentNothing(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := app.NewListener(raw)
	accepted := make(chan net.Conn, 2)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	dial := func() (client, server net.Conn) {
		t.Helper()
		c, err := net.Dial("tcp", raw.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		select {
		case s := <-accepted:
			t.Cleanup(func() { s.Close() })
			return c, s
		case <-time.After(5 * time.Second):
			t.Fatal("the listener accepted no connection within 5 s")
			return nil, nil
		}
	}
	silentClient, _ := dial()
	busyClient, busyServer := dial()
	if _, err := io.WriteString(busyClient, "POST /api/locker/v1/sync HTTP/1.1\r\nHost: hub\r\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := busyServer.Read(make([]byte, 512)); err != nil {
		t.Fatal(err)
	}

	open := ln.Open()
	if len(open) != 2 || !strings.HasSuffix(open[0], "nothing sent") || !strings.HasSuffix(open[1], "last request POST /api/locker/v1/sync HTTP/1.1") {
		t.Fatalf("open connections:\n%s", strings.Join(open, "\n"))
	}

	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	// The silent one is closed: its client reads the end at once.
	if err := silentClient.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if n, err := silentClient.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("the silent connection after Close: read %d, %v; want EOF", n, err)
	}
	// The one with a request stays, and answers.
	if _, err := io.WriteString(busyServer, "HTTP/1.1 204 No Content\r\n\r\n"); err != nil {
		t.Errorf("the connection with a request in flight after Close: %v", err)
	}
	if err := busyClient.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := busyClient.Read(make([]byte, 64)); err != nil {
		t.Errorf("no answer on the connection with a request in flight: %v", err)
	}
	if open := ln.Open(); len(open) != 1 {
		t.Errorf("open after Close: %q, want only the one with a request", open)
	}
}
