package store

import (
	"context"
	"fmt"
	"sync"

	"naryad/hub"
	"naryad/migrations"
)

// pgEventChannel is the LISTEN/NOTIFY channel that wakes every instance's
// event tail when a transaction that appended thread events commits.
const pgEventChannel = "naryad_thread_events"

// PostgresEventChannel names the channel for the listener in hub/realtime.
func PostgresEventChannel() string { return pgEventChannel }

// eventHook is what the store calls after a commit that appended thread
// events; shared by a store and all its transactions.
type eventHook struct {
	mu sync.Mutex
	fn func()
}

func (h *eventHook) fire() {
	h.mu.Lock()
	fn := h.fn
	h.mu.Unlock()
	if fn != nil {
		fn()
	}
}

// OnEventsCommitted sets the function called (in this process) after every
// commit that appended thread events. It must not block.
func (s *Store) OnEventsCommitted(fn func()) {
	s.events.mu.Lock()
	s.events.fn = fn
	s.events.mu.Unlock()
}

// appendEvent logs something a live page shows. The transaction keeps its
// events and numbers them just before it commits (flushEvents), from
// event_counter under its row lock, so events commit in id order: a reader
// that asks for ids above the last one it saw never skips one.
func (s *Store) appendEvent(ctx context.Context, threadID, branchID int64, kind string, messageID *int64) error {
	if s.appended == nil {
		return s.Tx(ctx, func(tx *Store) error { return tx.appendEvent(ctx, threadID, branchID, kind, messageID) })
	}
	s.buf.events = append(s.buf.events, hub.ThreadEvent{ThreadID: threadID, BranchID: branchID, Kind: kind, MessageID: messageID, CreatedAt: now()})
	*s.appended = true
	return nil
}

// flushEvents numbers the transaction's events in one step (the counter's
// row lock is then held only from here to the commit) and writes them in
// one multi-row INSERT.
func (s *Store) flushEvents(ctx context.Context) error {
	evs := s.buf.events
	if len(evs) == 0 {
		return nil
	}
	db := s.db.WithContext(ctx)
	var last int64
	if err := db.Raw("UPDATE event_counter SET last = last + ? WHERE id = 1 RETURNING last", len(evs)).Scan(&last).Error; err != nil {
		return fmt.Errorf("number %d thread events: %w", len(evs), err)
	}
	for i := range evs {
		evs[i].ID = last - int64(len(evs)) + 1 + int64(i)
	}
	if err := db.CreateInBatches(evs, 500).Error; err != nil {
		return fmt.Errorf("append %d thread events: %w", len(evs), err)
	}
	s.buf.events = nil
	return nil
}

// appendMessageEvent logs a new message or a change of its delivery state.
func (s *Store) appendMessageEvent(ctx context.Context, kind string, messageID int64) error {
	var t struct{ ThreadID, BranchID int64 }
	err := s.db.WithContext(ctx).Raw(
		"SELECT m.thread_id, t.branch_id FROM messages m JOIN threads t ON t.id = m.thread_id WHERE m.id = ?", messageID).
		Scan(&t).Error
	if err != nil {
		return fmt.Errorf("thread of message %d: %w", messageID, err)
	}
	return s.appendEvent(ctx, t.ThreadID, t.BranchID, kind, &messageID)
}

// appendNewMessageEvent logs a message the caller just wrote, whose thread
// it knows; the thread's branch is looked up once per transaction.
func (s *Store) appendNewMessageEvent(ctx context.Context, threadID, messageID int64) error {
	if s.buf == nil {
		return s.appendMessageEvent(ctx, hub.EventMessage, messageID)
	}
	branchID, ok := s.buf.branchOf[threadID]
	if !ok {
		if err := s.db.WithContext(ctx).Raw("SELECT branch_id FROM threads WHERE id = ?", threadID).Scan(&branchID).Error; err != nil {
			return fmt.Errorf("branch of thread %d: %w", threadID, err)
		}
		s.buf.branchOf[threadID] = branchID
	}
	return s.appendEvent(ctx, threadID, branchID, hub.EventMessage, &messageID)
}

// AppendOrderEvent tells live pages that the thread's work order changed
// (status, lines, decisions, promised time).
func (s *Store) AppendOrderEvent(ctx context.Context, t hub.Thread) error {
	s.rememberBranch(t)
	return s.appendEvent(ctx, t.ID, t.BranchID, hub.EventOrder, nil)
}

// notifyOtherInstances queues a NOTIFY that PostgreSQL delivers at commit to
// every listening instance (this one too). SQLite runs one instance: the
// commit hook alone wakes it.
func (s *Store) notifyOtherInstances(ctx context.Context) error {
	if s.dialect != migrations.Postgres {
		return nil
	}
	if err := s.db.WithContext(ctx).Exec("SELECT pg_notify(?, '')", pgEventChannel).Error; err != nil {
		return fmt.Errorf("notify %s: %w", pgEventChannel, err)
	}
	return nil
}

// ThreadEventsAfter lists a thread's events numbered above after, in order.
func (s *Store) ThreadEventsAfter(ctx context.Context, threadID, after int64, limit int) ([]hub.ThreadEvent, error) {
	var out []hub.ThreadEvent
	err := s.db.WithContext(ctx).Where("thread_id = ? AND id > ?", threadID, after).Order("id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("events of thread %d after %d: %w", threadID, after, err)
	}
	return out, nil
}

// EventsAfter lists every thread's events numbered above after, in order
// (the realtime tail).
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int) ([]hub.ThreadEvent, error) {
	var out []hub.ThreadEvent
	if err := s.db.WithContext(ctx).Where("id > ?", after).Order("id").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	return out, nil
}

// LastEventID is the newest event number committed so far.
func (s *Store) LastEventID(ctx context.Context) (int64, error) {
	var last int64
	if err := s.db.WithContext(ctx).Raw("SELECT last FROM event_counter WHERE id = 1").Scan(&last).Error; err != nil {
		return 0, fmt.Errorf("last event id: %w", err)
	}
	return last, nil
}
