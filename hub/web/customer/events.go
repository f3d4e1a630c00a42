package customer

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
)

// heartbeat keeps proxies from closing an idle stream and notices a browser
// that went away.
const heartbeat = 25 * time.Second

// events is GET /c/<token>/events: the page's live stream. A reconnecting
// browser sends Last-Event-ID; the first connection names its starting
// point with ?after=. The stream subscribes first, then replays from the
// database what came after that point, then forwards live events, skipping
// any it already sent: nothing missed, nothing twice.
func (h *Handler) events(c *fiber.Ctx) error {
	return h.withVisit(c, false, func(v visit) error {
		after := lastEventID(c)
		l, err := h.loader(c.UserContext(), v, c.Get(fiber.HeaderAcceptLanguage))
		if err != nil {
			return h.internal(c, "load", err)
		}
		c.Set(fiber.HeaderContentType, "text/event-stream; charset=utf-8")
		c.Set("X-Accel-Buffering", "no")
		head := responseHead(c)
		sub := h.broker.SubscribeThread(v.thread.ID)
		s := &stream{h: h, l: l, sent: after}
		// Subscribed first, then replayed: whatever commits meanwhile comes
		// through the subscription, and run skips what replay already sent.
		// The replay reads the database here, on the server's worker, so
		// the stream's own goroutine stays small for the hours it lives.
		backlog, err := s.replay()
		if err != nil {
			sub.Close()
			return h.internal(c, "replay events", err)
		}
		// The stream takes the connection over: one goroutine and a small
		// buffer per open page, instead of the server's per-request
		// machinery held for hours (see BENCH sse_bytes_per_client).
		c.Context().HijackSetNoResponse(true)
		c.Context().Hijack(func(conn net.Conn) {
			defer sub.Close()
			s.conn, s.w = conn, bufio.NewWriterSize(conn, 512)
			if err := s.flush(head + strings.Join(backlog, "")); err != nil {
				return
			}
			if err := s.run(sub.C); err != nil {
				h.log.Debug("customer stream ended", "thread_id", v.thread.ID, "reason", err)
			}
		})
		return nil
	})
}

// responseHead is the status line and every header set so far (security
// headers, rate-limit headers, the content type), for a response the
// handler writes itself. The body runs until the connection closes.
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

// lastEventID reads where the browser is: Last-Event-ID on a reconnect,
// else the page's ?after=.
func lastEventID(c *fiber.Ctx) int64 {
	for _, raw := range []string{c.Get("Last-Event-ID"), c.Query("after")} {
		if n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64); err == nil && n >= 0 {
			return n
		}
	}
	return 0
}

// stream writes one browser's events.
type stream struct {
	h    *Handler
	l    *loader
	conn net.Conn
	w    *bufio.Writer
	sent int64 // id of the last event written
}

// writeTimeout bounds every write, so a browser that stopped reading
// cannot hold a stream open.
const writeTimeout = 15 * time.Second

func (s *stream) run(live <-chan hub.ThreadEvent) error {
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case ev, ok := <-live:
			if !ok {
				return fmt.Errorf("dropped as a slow reader") // the browser reconnects and replays
			}
			if ev.ID <= s.sent {
				continue
			}
			if err := s.write(ev); err != nil {
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

// replay sends what the database holds after the browser's position.
func (s *stream) replay() ([]string, error) {
	var frames []string
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		evs, err := s.h.store.ThreadEventsAfter(ctx, s.l.v.thread.ID, s.sent, 200)
		cancel()
		if err != nil {
			return nil, err
		}
		// Each "order" event carries the whole current section, so only the
		// batch's last one needs sending; the others are superseded.
		lastOrder := -1
		for i, ev := range evs {
			if ev.Kind == hub.EventOrder {
				lastOrder = i
			}
		}
		for i, ev := range evs {
			if ev.Kind == hub.EventOrder && i != lastOrder {
				continue
			}
			frame, err := s.render(ev)
			if err != nil {
				return nil, err
			}
			frames = append(frames, frame)
		}
		if n := len(evs); n > 0 {
			s.sent = evs[n-1].ID
		}
		if len(evs) < 200 {
			return append(frames, ": replayed\n\n"), nil
		}
	}
}

// write sends one live event.
func (s *stream) write(ev hub.ThreadEvent) error {
	frame, err := s.render(ev)
	if err != nil {
		return err
	}
	s.sent = ev.ID
	return s.flush(frame)
}

// render returns the event's frame for this page, shared with every page
// of the same thread, language and URL.
func (s *stream) render(ev hub.ThreadEvent) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.h.frames.get(frameKey{event: ev.ID, locale: s.l.locale, base: s.l.v.base}, func() (string, error) {
		return s.h.frame(ctx, s.l, ev)
	})
}

// frame renders an event as the SSE frame the page's script applies. It
// depends only on the event, the viewer's language and the page's URL (no
// session data: the script copies the page's CSRF token into re-rendered
// forms), so every page showing the same thread shares one rendering.
func (h *Handler) frame(ctx context.Context, l *loader, ev hub.ThreadEvent) (string, error) {
	kind, html, err := h.fragment(ctx, l, ev)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "id: %d\nevent: %s\n", ev.ID, kind)
	for _, line := range strings.Split(html, "\n") {
		b.WriteString("data: " + line + "\n")
	}
	b.WriteString("\n")
	return b.String(), nil
}

func (s *stream) flush(text string) error {
	if err := s.conn.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	if _, err := s.w.WriteString(text); err != nil {
		return err
	}
	return s.w.Flush()
}

// fragment renders an event for this browser: a message (new or with a new
// delivery state), the work-order section, or "noop" for what the customer
// does not see (staff notes) — sent all the same so the id advances.
func (h *Handler) fragment(ctx context.Context, l *loader, ev hub.ThreadEvent) (kind, html string, err error) {
	var buf bytes.Buffer
	switch ev.Kind {
	case hub.EventMessage, hub.EventDelivery:
		if ev.MessageID == nil {
			return "noop", "", nil
		}
		m, files, err := h.cache.message(ctx, h.store, ev)
		if err != nil {
			return "", "", err
		}
		if !visibleToCustomer(m) {
			return "noop", "", nil
		}
		err = h.views.ExecuteTemplate(&buf, "message", l.message(m, files))
		return ev.Kind, buf.String(), err
	case hub.EventOrder:
		if l.v.thread.WorkOrderID == nil {
			return "noop", "", nil
		}
		d, err := h.cache.order(ctx, h.store, ev, *l.v.thread.WorkOrderID)
		if err != nil {
			return "", "", err
		}
		err = h.views.ExecuteTemplate(&buf, "order", l.orderView(d, ""))
		return ev.Kind, buf.String(), err
	}
	return "noop", "", nil
}
