package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"naryad/migrations"
)

// How a searched page of the inbox is found (inboxPageIDs). A search can
// match a few threads or most of them ("ров", "9160"); sorting every match
// by activity took 0.1–1.5 s at 100,000 threads. The cost is kept to the
// page instead:
//   - up to searchCandidateCap matches: their ids are read from the
//     substring indexes and only (last activity, id) of those threads is
//     sorted, in the same statement that counts them;
//   - more: the matches are dense, so threads are walked newest first by
//     the activity index and each is tested (threadSearch.probe) until the
//     page is full, within the newest searchWalkWindow threads of the list;
//     a page still short then continues after that window with the matches
//     (the rare broad search whose matches are all old or elsewhere).
const (
	searchCandidateCap = 3000
	searchWalkWindow   = 2000
)

const inboxOrder = " ORDER BY t.last_activity_at DESC, t.id DESC"

// inboxPageIDs returns the ids of a page of threads matching where (on
// threads t) and search (nil: none), newest activity first.
func (s *Store) inboxPageIDs(ctx context.Context, where []string, args []any, search *threadSearch, limit int) ([]int64, error) {
	cond := strings.Join(where, " AND ")
	page := func(extra string, eargs []any, n int) ([]int64, error) {
		var ids []int64
		sql := "SELECT t.id FROM threads t WHERE " + cond + extra + inboxOrder + " LIMIT ?"
		err := s.db.WithContext(ctx).Raw(sql, append(append(append([]any{}, args...), eargs...), n)...).Scan(&ids).Error
		return ids, err
	}
	if search == nil {
		return page("", nil, limit)
	}
	// The matches, at most searchCandidateCap+1 of them, are read once
	// (materialized): the page is sorted from them, and a row of id 0
	// tells how many there were.
	var found []struct{ ID, Matches int64 }
	err := s.db.WithContext(ctx).Raw(`WITH m AS MATERIALIZED (SELECT x.id FROM (`+search.matches+`) x LIMIT ?)
	  SELECT 0 AS id, (SELECT count(*) FROM m) AS matches
	  UNION ALL
	  SELECT p.id, 0 FROM (SELECT t.id FROM threads t WHERE `+cond+` AND t.id IN (SELECT id FROM m)`+inboxOrder+` LIMIT ?) p`,
		append(append(append(append([]any{}, search.matchArgs...), searchCandidateCap+1), args...), limit)...).Scan(&found).Error
	if err != nil {
		return nil, fmt.Errorf("inbox search matches: %w", err)
	}
	var ids []int64
	matches := int64(0)
	for _, f := range found {
		if f.ID == 0 {
			matches = f.Matches
		} else {
			ids = append(ids, f.ID)
		}
	}
	if matches <= searchCandidateCap {
		return ids, nil
	}
	ids = nil
	window := "SELECT t.id, t.last_activity_at, t.customer_id, t.work_order_id, t.phone FROM threads t WHERE " + cond + inboxOrder + " LIMIT ?"
	walk := "SELECT t.id FROM (" + window + ") t WHERE " + search.probe + inboxOrder + " LIMIT ?"
	wargs := append(append(append(append([]any{}, args...), searchWalkWindow), search.probeArgs...), limit)
	if err := s.db.WithContext(ctx).Raw(walk, wargs...).Scan(&ids).Error; err != nil {
		return nil, fmt.Errorf("inbox search walk: %w", err)
	}
	if len(ids) == limit {
		return ids, nil
	}
	var edge []struct {
		ID             int64
		LastActivityAt time.Time
	}
	err = s.db.WithContext(ctx).Raw("SELECT t.id, t.last_activity_at FROM threads t WHERE "+cond+inboxOrder+" LIMIT 1 OFFSET ?",
		append(append([]any{}, args...), searchWalkWindow-1)...).Scan(&edge).Error
	if err != nil {
		return nil, fmt.Errorf("inbox search window: %w", err)
	}
	if len(edge) == 0 { // the window held the whole list
		return ids, nil
	}
	at := edge[0].LastActivityAt.UTC()
	// On PostgreSQL the matches are an array made first: as IN, the
	// planner walked the list testing each thread against every match
	// (it expected them spread evenly), minutes at 25,000 matches.
	member := "t.id IN (" + search.matches + ")"
	if s.dialect == migrations.Postgres {
		member = "t.id = ANY (ARRAY(" + search.matches + "))"
	}
	rest, err := page(" AND (t.last_activity_at < ? OR (t.last_activity_at = ? AND t.id < ?)) AND "+member,
		append([]any{at, at, edge[0].ID}, search.matchArgs...), limit-len(ids))
	if err != nil {
		return nil, fmt.Errorf("inbox search after the window: %w", err)
	}
	return append(ids, rest...), nil
}
