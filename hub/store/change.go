package store

import (
	"context"
	"encoding/json"
	"fmt"

	"naryad/hub"
	"naryad/migrations"
)

// AppendChange adds an entry to the DMS change feed inside the caller's
// transaction, of the type its data belongs to (c.Type may be left empty;
// set, it must match). The data types are the feed's contract with the
// DMS, all in hub/changefeed.go. The number comes from the one-row
// feed_counter: its row lock makes every writer that numbers a change
// commit before the next one can number, so a reader that saw seq N can
// never later find an uncommitted N-1 appear (the gap that a plain
// sequence leaves on PostgreSQL).
func (s *Store) AppendChange(ctx context.Context, c *hub.Change, data hub.ChangeData) error {
	if data == nil {
		return fmt.Errorf("append %s change: no data", c.Type)
	}
	if c.Type != "" && c.Type != data.ChangeType() {
		return fmt.Errorf("append %s change: data of a %s change", c.Type, data.ChangeType())
	}
	c.Type = data.ChangeType()
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("append %s change: encode data: %w", c.Type, err)
	}
	c.Data = string(raw)
	if c.OccurredAt.IsZero() {
		c.OccurredAt = now()
	}
	db := s.db.WithContext(ctx)
	if err := db.Raw("UPDATE feed_counter SET last = last + 1 WHERE id = 1 RETURNING last").Scan(&c.Seq).Error; err != nil {
		return fmt.Errorf("append %s change: number it: %w", c.Type, err)
	}
	if err := db.Create(c).Error; err != nil {
		return fmt.Errorf("append %s change %d: %w", c.Type, c.Seq, err)
	}
	return nil
}

// LockChangeFeed takes the feed_counter row lock that AppendChange would
// take later, and holds it to the commit. Every transaction that numbers a
// change and also writes a thread row (a customer or staff message marks
// the thread awaiting or reopens it, and the commit moves its activity)
// calls it first: one lock order, counter before thread, for all of them.
// Without it one transaction holds the thread and waits for the counter
// while another holds the counter and waits, at its commit, for the
// thread: PostgreSQL kills one with a deadlock (40P01). Writers that number
// changes queue on the counter anyway, so taking it earlier costs little.
// SQLite runs one writer at a time (IMMEDIATE transactions) and needs none.
func (s *Store) LockChangeFeed(ctx context.Context) error {
	if s.dialect != migrations.Postgres {
		return nil
	}
	var last int64
	if err := s.db.WithContext(ctx).Raw("SELECT last FROM feed_counter WHERE id = 1 FOR NO KEY UPDATE").Scan(&last).Error; err != nil {
		return fmt.Errorf("lock the change feed: %w", err)
	}
	return nil
}

// ChangesAfter lists up to limit changes of the given branches numbered
// above after, in order.
func (s *Store) ChangesAfter(ctx context.Context, branchIDs []int64, after int64, limit int) ([]hub.Change, error) {
	var out []hub.Change
	if len(branchIDs) == 0 {
		return out, nil
	}
	err := s.db.WithContext(ctx).Where("seq > ? AND branch_id IN ?", after, branchIDs).
		Order("seq").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("changes after %d: %w", after, err)
	}
	return out, nil
}

// LastSeq is the highest change number handed out so far.
func (s *Store) LastSeq(ctx context.Context) (int64, error) {
	var last int64
	if err := s.db.WithContext(ctx).Raw("SELECT last FROM feed_counter WHERE id = 1").Scan(&last).Error; err != nil {
		return 0, fmt.Errorf("last change number: %w", err)
	}
	return last, nil
}
