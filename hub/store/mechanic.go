package store

import (
	"context"
	"fmt"
	"strings"

	"naryad/hub"
)

// MechanicOrder is one row of the mechanic page's search: an open work
// order of the user's branches, with its thread (where photos go).
type MechanicOrder struct {
	ThreadID int64
	Number   string
	Status   string
	Plate    string
	Make     string
	Model    string
}

// MechanicOrders lists open work orders (neither handed over nor
// cancelled) of branchIDs whose number or plate starts with search in any
// spelling keyVariants knows ("а123вс" finds А123ВС77); an empty search
// lists the most recent ones. The branch scoping is in the query.
func (s *Store) MechanicOrders(ctx context.Context, branchIDs []int64, search string, limit int) ([]MechanicOrder, error) {
	if len(branchIDs) == 0 {
		return nil, nil
	}
	if limit <= 0 || limit > 100 {
		limit = 30
	}
	where := []string{"t.branch_id IN ?", "w.status NOT IN ?"}
	args := []any{branchIDs, []string{hub.StatusDelivered, hub.StatusCancelled}}
	if search = strings.TrimSpace(search); search != "" {
		keys := keyVariants(search)
		if len(keys) == 0 {
			return nil, nil
		}
		conds := make([]string, 0, 2*len(keys))
		for _, col := range []string{"w.number", "v.plate"} {
			for _, k := range keys {
				conds = append(conds, "("+col+" >= ? AND "+col+" < ?)")
				args = append(args, k, k+"\U0010FFFF")
			}
		}
		where = append(where, "("+strings.Join(conds, " OR ")+")")
	}
	var out []MechanicOrder
	err := s.db.WithContext(ctx).Raw(`SELECT t.id AS thread_id, w.number, w.status,
	  COALESCE(v.plate, '') AS plate, COALESCE(v.make, '') AS make, COALESCE(v.model, '') AS model
	FROM work_orders w
	JOIN threads t ON t.work_order_id = w.id
	LEFT JOIN vehicles v ON v.id = w.vehicle_id
	WHERE `+strings.Join(where, " AND ")+`
	ORDER BY w.updated_at DESC, w.id DESC LIMIT ?`, append(args, limit)...).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("mechanic orders: %w", err)
	}
	return out, nil
}

// AddInternalFile writes a staff-only note with one file (already in the
// media store) to a thread, atomically: the customer never sees it until an
// advisor forwards it.
func (s *Store) AddInternalFile(ctx context.Context, threadID int64, author, body string, f InboundFile) (hub.Message, error) {
	m := hub.Message{ThreadID: threadID, Direction: hub.DirectionNote, Body: body, Author: author}
	err := s.Tx(ctx, func(tx *Store) error {
		if err := tx.AddMessage(ctx, &m); err != nil {
			return err
		}
		a := hub.Attachment{MessageID: m.ID, SHA256: f.SHA256, Name: f.Name, ContentType: f.ContentType, SizeBytes: f.SizeBytes}
		return tx.AddAttachment(ctx, &a)
	})
	return m, err
}

// ForwardFiles queues o to the customer with copies of files (new rows
// pointing at the same stored content), in one transaction.
func (s *Store) ForwardFiles(ctx context.Context, o Outgoing, files []hub.Attachment) (hub.Message, error) {
	var m hub.Message
	err := s.Tx(ctx, func(tx *Store) error {
		var err error
		if m, err = tx.QueueMessage(ctx, o); err != nil {
			return err
		}
		for _, f := range files {
			a := hub.Attachment{MessageID: m.ID, SHA256: f.SHA256, Name: f.Name, ContentType: f.ContentType, SizeBytes: f.SizeBytes}
			if err := tx.AddAttachment(ctx, &a); err != nil {
				return err
			}
		}
		return nil
	})
	return m, err
}
