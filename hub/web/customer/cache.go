package customer

import (
	"context"
	"sync"

	"naryad/hub"
	"naryad/hub/store"
)

// eventCache shares the rows behind a live event among every page showing
// it: a status push to a thread open in many tabs reads the database once.
// Keyed by event id, so a later delivery state is a new entry. Concurrent
// first readers of one event may each load it; the result is the same.
type eventCache struct {
	mu      sync.Mutex
	entries map[int64]cachedMessage
	orders  map[int64]orderData
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

// order returns the work-order state as of an "order" event. Stale data is
// impossible: the entry is read after the event committed, and a later
// change is a later event with its own entry.
func (c *eventCache) order(ctx context.Context, st *store.Store, ev hub.ThreadEvent, workOrderID int64) (orderData, error) {
	c.mu.Lock()
	d, ok := c.orders[ev.ID]
	c.mu.Unlock()
	if ok {
		return d, nil
	}
	d, err := loadOrder(ctx, st, workOrderID)
	if err != nil {
		return d, err
	}
	c.mu.Lock()
	if c.orders == nil || len(c.orders) >= maxCachedEvents {
		c.orders = make(map[int64]orderData)
	}
	c.orders[ev.ID] = d
	c.mu.Unlock()
	return d, nil
}

// frameCache keeps rendered SSE frames: a push to a thread open in many
// browsers is rendered once per language, not once per browser. The first
// caller for a key renders while later ones wait for its result.
type frameCache struct {
	mu      sync.Mutex
	entries map[frameKey]*frameEntry
}

type frameKey struct {
	event  int64
	locale string
	base   string
}

type frameEntry struct {
	done  chan struct{}
	frame string
	err   error
}

func (c *frameCache) get(k frameKey, render func() (string, error)) (string, error) {
	c.mu.Lock()
	e, ok := c.entries[k]
	if !ok {
		if c.entries == nil || len(c.entries) >= maxCachedEvents {
			c.entries = make(map[frameKey]*frameEntry)
		}
		e = &frameEntry{done: make(chan struct{})}
		c.entries[k] = e
	}
	c.mu.Unlock()
	if ok {
		<-e.done
		return e.frame, e.err
	}
	e.frame, e.err = render()
	close(e.done)
	if e.err != nil {
		c.mu.Lock()
		delete(c.entries, k) // let the next caller try again
		c.mu.Unlock()
	}
	return e.frame, e.err
}
