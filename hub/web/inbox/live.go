package inbox

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
)

// The inbox's live stream: GET /inbox/events sends one frame per thread
// event of the user's branches ("id: <event id>", "event: thread",
// "data: <thread id>"); the page's script decides what to reload. As on
// the customer page, the stream subscribes first, replays from the
// database what came after the browser's position (Last-Event-ID on a
// reconnect, else the page's ?after=), then forwards live events, skipping
// ids already sent: nothing missed, nothing twice. Across instances the
// broker is fed by the realtime tail (LISTEN/NOTIFY on PostgreSQL).

const (
	// liveHeartbeat keeps proxies from closing an idle stream and notices a
	// browser that went away.
	liveHeartbeat = 25 * time.Second
	// liveWriteTimeout bounds every write, so a browser that stopped
	// reading cannot hold a stream open.
	liveWriteTimeout = 15 * time.Second
	// liveReplayBatch is how many events one replay query reads.
	liveReplayBatch = 500
	// eventsPath is the stream's route; the pages name it in data-events.
	eventsPath = "/inbox/events"
)

// livePosition reads the newest event id before the page loads its data,
// so anything that happens while the page is built arrives again over SSE
// and never falls between the two; the page names it through eventsURL.
func (h *Handler) livePosition(c *fiber.Ctx) error {
	if h.broker == nil {
		return c.Next()
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	last, err := h.store.LastEventID(ctx)
	cancel()
	if err != nil {
		return h.internal(c, "last event id", err)
	}
	c.Locals(livePositionKey, last)
	return c.Next()
}

const livePositionKey = "inbox_live_position"

// eventsURL is the page's stream (its data-events attribute), or "" when
// the inbox has no live updates and the page stays static.
func eventsURL(c *fiber.Ctx) string {
	last, ok := c.Locals(livePositionKey).(int64)
	if !ok {
		return ""
	}
	return eventsPath + "?after=" + strconv.FormatInt(last, 10)
}

// events is GET /inbox/events.
func (h *Handler) events(c *fiber.Ctx) error {
	if h.broker == nil {
		return fiber.ErrNotFound
	}
	s, ok := staff.Current(c)
	if !ok {
		return fiber.ErrUnauthorized
	}
	after, ok := liveAfter(c)
	if !ok { // no position: start from now rather than replay the whole history
		ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
		last, err := h.store.LastEventID(ctx)
		cancel()
		if err != nil {
			return h.internal(c, "last event id", err)
		}
		after = last
	}
	c.Set(fiber.HeaderContentType, "text/event-stream; charset=utf-8")
	c.Set("X-Accel-Buffering", "no")
	head := liveResponseHead(c)
	sub := h.broker.SubscribeBranch(s.BranchIDs...)
	st := &liveStream{h: h, branchIDs: s.BranchIDs, sent: after}
	// Subscribed first, then replayed: whatever commits meanwhile comes
	// through the subscription, and run skips what replay already sent.
	backlog, err := st.replay()
	if err != nil {
		sub.Close()
		return h.internal(c, "replay events", err)
	}
	// The stream takes the connection over: one goroutine and a small
	// buffer per open page instead of the server's per-request machinery.
	c.Context().HijackSetNoResponse(true)
	c.Context().Hijack(func(conn net.Conn) {
		defer sub.Close()
		st.conn, st.w = conn, bufio.NewWriterSize(conn, 512)
		if err := st.flush(head + backlog); err != nil {
			return
		}
		if err := st.run(sub.C); err != nil {
			h.log.Debug("inbox stream ended", "user_id", s.User.ID, "reason", err)
		}
	})
	return nil
}

// liveAfter reads where the browser is: Last-Event-ID on a reconnect, else
// the page's ?after=.
func liveAfter(c *fiber.Ctx) (int64, bool) {
	for _, raw := range []string{c.Get("Last-Event-ID"), c.Query("after")} {
		if n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64); err == nil && n >= 0 {
			return n, true
		}
	}
	return 0, false
}

// liveResponseHead is the status line and every header set so far, for a
// response the handler writes itself; the body runs until the connection
// closes.
func liveResponseHead(c *fiber.Ctx) string {
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

// liveStream writes one browser's inbox events.
type liveStream struct {
	h         *Handler
	branchIDs []int64
	conn      net.Conn
	w         *bufio.Writer
	sent      int64 // id of the last event written
}

// replay returns the frames of what the database holds after the
// browser's position, and advances sent past them.
func (s *liveStream) replay() (string, error) {
	var b strings.Builder
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		evs, err := s.h.store.BranchEventsAfter(ctx, s.branchIDs, s.sent, liveReplayBatch)
		cancel()
		if err != nil {
			return "", err
		}
		for _, ev := range evs {
			b.WriteString(liveFrame(ev))
			s.sent = ev.ID
		}
		if len(evs) < liveReplayBatch {
			b.WriteString(": replayed\n\n")
			return b.String(), nil
		}
	}
}

// run forwards live events until the browser goes, the subscription is
// dropped or closed, or the server shuts down.
func (s *liveStream) run(live <-chan hub.ThreadEvent) error {
	tick := time.NewTicker(liveHeartbeat)
	defer tick.Stop()
	for {
		select {
		case ev, ok := <-live:
			if !ok {
				return fmt.Errorf("subscription ended") // the browser reconnects and replays
			}
			if ev.ID <= s.sent {
				continue
			}
			s.sent = ev.ID
			if err := s.flush(liveFrame(ev)); err != nil {
				return err
			}
		case <-tick.C:
			if err := s.flush(": ping\n\n"); err != nil {
				return err
			}
		case <-s.h.done:
			return fmt.Errorf("server shutting down")
		}
	}
}

// liveFrame is an event's SSE frame: its id and its thread.
func liveFrame(ev hub.ThreadEvent) string {
	return fmt.Sprintf("id: %d\nevent: thread\ndata: %d\n\n", ev.ID, ev.ThreadID)
}

func (s *liveStream) flush(text string) error {
	if err := s.conn.SetWriteDeadline(time.Now().Add(liveWriteTimeout)); err != nil {
		return err
	}
	if _, err := s.w.WriteString(text); err != nil {
		return err
	}
	return s.w.Flush()
}
