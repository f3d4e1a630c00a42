package customer

import (
	"context"
	"sync"

	"naryad/hub"
	"naryad/hub/store"
)

// eventCache shares the rows behind a live event among every page showing
// it: a status push to a thread open in many tabs reads the database once.
// Keyed by event id, so a later delivery state is a new entry.
type eventCache struct {
	mu      sync.Mutex
	entries map[int64]cachedMessage
}

type cachedMessage struct {
	msg   hub.Message
	files []hub.Attachment
}

const maxCachedEvents = 1024

func (c *eventCache) message(ctx context.Context, st *store.Store, ev hub.ThreadEvent) (hub.Message, []hub.Attachment, error) {
	c.mu.Lock()
	e, ok := c.entries[ev.ID]
	c.mu.Unlock()
	if ok {
		return e.msg, e.files, nil
	}
	m, err := st.Message(ctx, *ev.MessageID)
	if err != nil {
		return m, nil, err
	}
	files, err := st.Attachments(ctx, m.ID)
	if err != nil {
		return m, nil, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxCachedEvents {
		c.entries = make(map[int64]cachedMessage)
	}
	c.entries[ev.ID] = cachedMessage{msg: m, files: files}
	c.mu.Unlock()
	return m, files, nil
}
