package store

import (
	"context"
	"encoding/json"
	"fmt"

	"naryad/hub"
	"naryad/templates"
)

// keyOldLinesBatch is how many system lines one pass reads: a short
// transaction each, so the hub starts serving while a big table is done.
const keyOldLinesBatch = 500

// KeyOldSystemLines gives the system lines written before keys existed
// (text_key ”) the key and parameters their English body stands for
// (templates.ParseOldSystemLine), so they read in every language. Run at
// start-up rather than as a goose migration: recognising a line takes the
// Go regexes of the templates catalog, the same on both databases, and a
// plain store method is tested like any other. It is idempotent: only
// lines without a key are read, and a line is updated only while it still
// has none; lines it does not recognise keep their body. It returns how
// many lines got a key.
//
// It remembers how far it got (store_marks, with each batch): lines it
// did not recognise are not read again at the next start-up, which reads
// only messages written since, so a hub with a million messages starts
// without walking them. A message committed late with an id below the
// mark (another process writing during start-up) is skipped; it would be
// a line written with its key anyway, as every line since keys exist is.
func (s *Store) KeyOldSystemLines(ctx context.Context) (int, error) {
	after, err := s.markThrough(ctx, markOldSystemLines)
	if err != nil {
		return 0, err
	}
	var upto []int64
	if err := s.db.WithContext(ctx).Raw("SELECT COALESCE(MAX(id), 0) FROM messages").Scan(&upto).Error; err != nil {
		return 0, fmt.Errorf("key old system lines: newest message: %w", err)
	}
	if len(upto) == 0 || upto[0] <= after {
		return 0, nil
	}
	keyed := 0
	for {
		var rows []struct {
			ID   int64
			Body string
		}
		err := s.db.WithContext(ctx).Raw(`SELECT id, body FROM messages WHERE id > ? AND id <= ? AND direction = ? AND text_key = ''
			ORDER BY id LIMIT ?`, after, upto[0], hub.DirectionSystem, keyOldLinesBatch).Scan(&rows).Error
		if err != nil {
			return keyed, fmt.Errorf("key old system lines after %d: %w", after, err)
		}
		through := upto[0] // the last batch: every message up to upto was looked at
		if len(rows) == keyOldLinesBatch {
			through = rows[len(rows)-1].ID
		}
		batch := 0
		err = s.Tx(ctx, func(tx *Store) error {
			batch = 0 // a retried transaction counts again from nothing
			for _, r := range rows {
				key, args, ok := templates.ParseOldSystemLine(r.Body)
				if !ok {
					continue
				}
				encoded, err := json.Marshal(args)
				if err != nil {
					return err
				}
				res := tx.db.WithContext(ctx).Exec(`UPDATE messages SET text_key = ?, text_args = ? WHERE id = ? AND text_key = ''`,
					key, string(encoded), r.ID)
				if res.Error != nil {
					return fmt.Errorf("message %d: %w", r.ID, res.Error)
				}
				batch += int(res.RowsAffected)
			}
			return tx.setMarkThrough(ctx, markOldSystemLines, through)
		})
		if err != nil {
			return keyed, fmt.Errorf("key old system lines: %w", err)
		}
		keyed += batch
		if through == upto[0] {
			return keyed, nil
		}
		after = through
	}
}
