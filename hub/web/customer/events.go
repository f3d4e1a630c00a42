package customer

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
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
		csrf := h.csrfToken(h.session(c, v))
		sub := h.broker.SubscribeThread(v.thread.ID)
		c.Set(fiber.HeaderContentType, "text/event-stream; charset=utf-8")
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Set("X-Accel-Buffering", "no")
		c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
			defer sub.Close()
			s := stream{h: h, l: l, csrf: csrf, w: w, sent: after}
			if err := s.run(sub.C); err != nil {
				h.log.Debug("customer stream ended", "thread_id", v.thread.ID, "reason", err)
			}
		})
		return nil
	})
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
	csrf string
	w    *bufio.Writer
	sent int64 // id of the last event written
}

func (s *stream) run(live <-chan hub.ThreadEvent) error {
	if err := s.replay(); err != nil {
		return err
	}
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
func (s *stream) replay() error {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		evs, err := s.h.store.ThreadEventsAfter(ctx, s.l.v.thread.ID, s.sent, 200)
		cancel()
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if err := s.write(ev); err != nil {
				return err
			}
		}
		if len(evs) < 200 {
			return s.flush(": replayed\n\n")
		}
	}
}

// write renders one event as the page's fragment and sends it.
func (s *stream) write(ev hub.ThreadEvent) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	kind, html, err := s.h.fragment(ctx, s.l, s.csrf, ev)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "id: %d\nevent: %s\n", ev.ID, kind)
	for _, line := range strings.Split(html, "\n") {
		b.WriteString("data: " + line + "\n")
	}
	b.WriteString("\n")
	s.sent = ev.ID
	return s.flush(b.String())
}

func (s *stream) flush(text string) error {
	if _, err := s.w.WriteString(text); err != nil {
		return err
	}
	return s.w.Flush()
}

// fragment renders an event for this browser: a message (new or with a new
// delivery state), the work-order section, or "noop" for what the customer
// does not see (staff notes) — sent all the same so the id advances.
func (h *Handler) fragment(ctx context.Context, l *loader, csrf string, ev hub.ThreadEvent) (kind, html string, err error) {
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
		o, err := l.order(ctx, csrf)
		if err != nil {
			return "", "", err
		}
		err = h.views.ExecuteTemplate(&buf, "order", o)
		return ev.Kind, buf.String(), err
	}
	return "noop", "", nil
}
