package customer

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/web/sse"
)

// events is GET /c/<token>/events: the page's live stream. A reconnecting
// browser sends Last-Event-ID; the first connection names its starting
// point with ?after=. The stream subscribes first, then replays from the
// database what came after that point, then forwards live events, skipping
// any it already sent: nothing missed, nothing twice.
func (h *Handler) events(c *fiber.Ctx) error {
	return h.withVisit(c, false, func(v visit) error {
		after, _ := sse.LastEventID(c)
		l, err := h.loader(c.UserContext(), v, c.Get(fiber.HeaderAcceptLanguage))
		if err != nil {
			return h.internal(c, "load", err)
		}
		sub := h.broker.SubscribeThread(v.thread.ID)
		s := &stream{h: h, l: l, sent: after}
		// Subscribed first, then replayed: whatever commits meanwhile comes
		// through the subscription and is skipped if already sent. The
		// replay reads the database here, on the server's worker, so the
		// stream's own goroutine stays small for the hours it lives.
		backlog, err := s.replay()
		if err != nil {
			sub.Close()
			return h.internal(c, "replay events", err)
		}
		sse.Serve(c, sse.Stream{Sub: sub, Sent: s.sent, Backlog: strings.Join(backlog, ""), Frame: s.render,
			Done: h.done, Log: h.log, Name: "customer", Subject: []any{"thread_id", v.thread.ID}})
		return nil
	})
}

// stream renders one browser's events.
type stream struct {
	h    *Handler
	l    *loader
	sent int64 // id of the last event replayed
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
		o := l.orderView(d, "")
		h.markOpened(ctx, o)
		if o.Pay, err = h.payBlock(ctx, l, ""); err != nil {
			return "", "", err
		}
		err = h.views.ExecuteTemplate(&buf, "order", o)
		return ev.Kind, buf.String(), err
	}
	return "noop", "", nil
}
