// Package sse is the Server-Sent Events plumbing shared by the customer
// page and the advisors' inbox: where a browser resumes from, and a stream
// that takes the connection over and forwards live events.
//
// Both surfaces follow one rule: subscribe first, replay from the database
// what came after the browser's position, then forward live events,
// skipping ids already sent — nothing missed, nothing twice. The replay is
// theirs (they render differently); Serve does the rest.
package sse

import (
	"bufio"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/realtime"
)

const (
	// heartbeat keeps proxies from closing an idle stream and notices a
	// browser that went away.
	heartbeat = 25 * time.Second
	// writeTimeout bounds every write, so a browser that stopped reading
	// cannot hold a stream open.
	writeTimeout = 15 * time.Second
)

// LastEventID reads where the browser is: Last-Event-ID on a reconnect,
// else the page's ?after=. ok is false when it names neither.
func LastEventID(c *fiber.Ctx) (id int64, ok bool) {
	for _, raw := range []string{c.Get("Last-Event-ID"), c.Query("after")} {
		if n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64); err == nil && n >= 0 {
			return n, true
		}
	}
	return 0, false
}

// Stream is one browser's live events after its replay.
type Stream struct {
	Sub     *realtime.Subscription
	Sent    int64                                 // id of the last event in Backlog (or the browser's position)
	Backlog string                                // the replayed frames, ending with a comment line
	Frame   func(hub.ThreadEvent) (string, error) // renders a live event
	Done    <-chan struct{}                       // closed at server shutdown
	Log     *slog.Logger
	Name    string // for the log line when the stream ends
	Subject []any  // its key/value pairs, e.g. "thread_id", 7 (not a logger.With: that is kept per open page)
}

// Serve answers the request with the stream: it takes the connection over
// (one goroutine and a small buffer per open page, instead of the server's
// per-request machinery held for hours), writes the headers set so far,
// the backlog, then live events until the browser goes, the subscription
// ends (the browser reconnects and replays) or the server shuts down.
func Serve(c *fiber.Ctx, s Stream) {
	c.Set(fiber.HeaderContentType, "text/event-stream; charset=utf-8")
	c.Set("X-Accel-Buffering", "no")
	head := responseHead(c)
	c.Context().HijackSetNoResponse(true)
	c.Context().Hijack(func(conn net.Conn) {
		defer s.Sub.Close()
		w := writer{conn: conn, buf: bufio.NewWriterSize(conn, 512)}
		err := w.write(head + s.Backlog)
		head, s.Backlog = "", "" // written: not kept for the hours the page stays open
		if err != nil {
			return
		}
		if err := s.run(w); err != nil {
			s.Log.Debug(s.Name+" stream ended", append(s.Subject, "reason", err)...)
		}
	})
}

func (s Stream) run(w writer) error {
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case ev, ok := <-s.Sub.C:
			if !ok {
				return fmt.Errorf("subscription ended") // the browser reconnects and replays
			}
			if ev.ID <= s.Sent {
				continue
			}
			frame, err := s.Frame(ev)
			if err != nil {
				return err
			}
			s.Sent = ev.ID
			if err := w.write(frame); err != nil {
				return err
			}
		case <-tick.C:
			if err := w.write(": ping\n\n"); err != nil {
				return err
			}
		case <-s.Done:
			return fmt.Errorf("server shutting down")
		}
	}
}

// responseHead is the status line and every header set so far (security
// and rate-limit headers, the content type), for a response the handler
// writes itself. The body runs until the connection closes.
func responseHead(c *fiber.Ctx) string {
	var b strings.Builder
	b.WriteString("HTTP/1.1 200 OK\r\n")
	c.Response().Header.VisitAll(func(k, v []byte) {
		key := string(k)
		if strings.EqualFold(key, fiber.HeaderContentLength) || strings.EqualFold(key, fiber.HeaderConnection) {
			return
		}
		b.WriteString(key + ": " + string(v) + "\r\n")
	})
	b.WriteString("Connection: close\r\n\r\n")
	return b.String()
}

type writer struct {
	conn net.Conn
	buf  *bufio.Writer
}

func (w writer) write(text string) error {
	if err := w.conn.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	if _, err := w.buf.WriteString(text); err != nil {
		return err
	}
	return w.buf.Flush()
}
