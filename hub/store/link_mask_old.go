package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// Marks of MaskOldLinks in store_marks, one per table it walks.
const (
	markMaskedMessages = "masked_links_messages"
	markMaskedOutbox   = "masked_links_outbox"
)

// maskOldBatch is how many rows one pass reads: a short transaction each.
const maskOldBatch = 500

// MaskOldLinks masks the customer-link tokens (hub.MaskLinks) that
// messages and ended outbox rows written before masking still carry in
// plain text: every message, and every outbox row no longer pending (a
// pending row keeps its real text for delivery and is scrubbed at its
// end). It is one-way: the tokens are gone from the database, which is
// the point; the links themselves keep working (only their hashes were
// ever needed to open them). Run at start-up, like KeyOldSystemLines and
// for the same reasons (a Go regex, the same on both databases; tested
// as a store method). It is idempotent and remembers how far it got
// (store_marks), so later start-ups read only rows written since, which
// are masked at write already. It returns how many rows it changed.
func (s *Store) MaskOldLinks(ctx context.Context) (int, error) {
	n, err := s.maskOldRows(ctx, "messages", markMaskedMessages, "")
	if err != nil {
		return n, err
	}
	m, err := s.maskOldRows(ctx, "outbox", markMaskedOutbox, "state <> '"+hub.OutboxPending+"'")
	return n + m, err
}

// maskOldRows masks the body of table's rows (id above the mark, and
// matching cond when given) that name a /c/ or /l/ link.
func (s *Store) maskOldRows(ctx context.Context, table, mark, cond string) (int, error) {
	after, err := s.markThrough(ctx, mark)
	if err != nil {
		return 0, err
	}
	var upto []int64
	if err := s.db.WithContext(ctx).Raw("SELECT COALESCE(MAX(id), 0) FROM " + table).Scan(&upto).Error; err != nil {
		return 0, fmt.Errorf("mask old links: newest of %s: %w", table, err)
	}
	if len(upto) == 0 || upto[0] <= after {
		return 0, nil
	}
	where := "id > ? AND id <= ? AND (body LIKE '%/c/%' OR body LIKE '%/l/%')"
	if cond != "" {
		where += " AND " + cond
	}
	masked := 0
	for {
		var rows []struct {
			ID   int64
			Body string
		}
		// The LIKE filter reads every row once but returns only the
		// few with a link; the batch is by id so a pass always ends.
		var ids []int64
		if err := s.db.WithContext(ctx).Raw("SELECT id FROM "+table+" WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
			after, upto[0], maskOldBatch).Scan(&ids).Error; err != nil {
			return masked, fmt.Errorf("mask old links of %s after %d: %w", table, after, err)
		}
		through := upto[0]
		if len(ids) == maskOldBatch {
			through = ids[len(ids)-1]
		}
		if err := s.db.WithContext(ctx).Raw("SELECT id, body FROM "+table+" WHERE "+where+" ORDER BY id",
			after, through).Scan(&rows).Error; err != nil {
			return masked, fmt.Errorf("mask old links of %s after %d: %w", table, after, err)
		}
		batch := 0
		err := s.Tx(ctx, func(tx *Store) error {
			batch = 0 // a retried transaction counts again from nothing
			for _, r := range rows {
				body := hub.MaskLinks(r.Body)
				if body == r.Body {
					continue
				}
				if err := tx.db.WithContext(ctx).Exec("UPDATE "+table+" SET body = ? WHERE id = ? AND body = ?",
					body, r.ID, r.Body).Error; err != nil {
					return fmt.Errorf("%s %d: %w", table, r.ID, err)
				}
				batch++
			}
			return tx.setMarkThrough(ctx, mark, through)
		})
		if err != nil {
			return masked, fmt.Errorf("mask old links: %w", err)
		}
		masked += batch
		if through == upto[0] {
			return masked, nil
		}
		after = through
	}
}
