package inbox

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/web/sse"
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
		return h.Internal(c, "last event id", err)
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
	after, ok := sse.LastEventID(c)
	if !ok { // no position: start from now rather than replay the whole history
		ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
		last, err := h.store.LastEventID(ctx)
		cancel()
		if err != nil {
			return h.Internal(c, "last event id", err)
		}
		after = last
	}
	sub := h.broker.SubscribeBranch(s.BranchIDs...)
	st := &liveStream{h: h, branchIDs: s.BranchIDs, sent: after}
	// Subscribed first, then replayed: whatever commits meanwhile comes
	// through the subscription and is skipped if already sent.
	backlog, err := st.replay()
	if err != nil {
		sub.Close()
		return h.Internal(c, "replay events", err)
	}
	sse.Serve(c, sse.Stream{Sub: sub, Sent: st.sent, Backlog: backlog,
		Frame: func(ev hub.ThreadEvent) (string, error) { return liveFrame(ev), nil },
		Done:  h.done, Log: h.Log.With("user_id", s.User.ID), Name: "inbox"})
	return nil
}

// liveStream writes one browser's inbox events.
type liveStream struct {
	h         *Handler
	branchIDs []int64
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

// liveFrame is an event's SSE frame: its id and its thread.
func liveFrame(ev hub.ThreadEvent) string {
	return fmt.Sprintf("id: %d\nevent: thread\ndata: %d\n\n", ev.ID, ev.ThreadID)
}
