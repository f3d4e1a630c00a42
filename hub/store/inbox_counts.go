package store

import (
	"context"
	"fmt"
	"strings"
)

// InboxCounts is how many threads of the user's branches each inbox filter
// shows (keys: the InboxFilters), for the counts on the filter tabs.
//
// The list page asks on every load, so the counts read thread_tallies
// (migration 00023): per branch, the number of threads in each
// combination of state, assignee and "awaiting us", kept by triggers in
// the statement that changes a thread. That is a few rows per branch
// whatever the number of threads; summing every thread instead, even
// index-only, cost 200–600 ms p99 at 100 k threads (bench:
// inbox_counts_p99_ms). Each sum uses inboxFilter's own condition on a
// tally row shaped like a thread (t.state, t.assignee_id, t.awaiting_since),
// so a count always matches what its tab lists; a condition on anything
// else would fail loudly as an unknown column. The filters listed in
// perThread look at more than a tally holds and are counted on the threads.
func (s *Store) InboxCounts(ctx context.Context, userID int64, branchIDs []int64) (map[string]int, error) {
	out := make(map[string]int, len(InboxFilters))
	if len(branchIDs) == 0 {
		return out, nil
	}
	cols := make([]string, len(InboxFilters))
	var args []any
	for i, f := range InboxFilters {
		cond, fargs, err := inboxFilter(f, userID)
		if err != nil {
			return nil, err
		}
		if perThread[f] {
			cols[i] = "(SELECT COUNT(*) FROM threads t WHERE t.branch_id IN ? AND " + cond + ")"
			args = append(args, branchIDs)
		} else {
			cols[i] = fmt.Sprintf("COALESCE(SUM(CASE WHEN %s THEN t.n ELSE 0 END), 0)", cond)
		}
		args = append(args, fargs...)
	}
	args = append(args, branchIDs)
	rows, err := s.db.WithContext(ctx).Raw("SELECT "+strings.Join(cols, ", ")+` FROM (
	  SELECT state, NULLIF(assignee_id, 0) AS assignee_id, CASE WHEN awaiting THEN 1 END AS awaiting_since, n
	  FROM thread_tallies WHERE branch_id IN ?) t`, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("inbox counts: %w", err)
	}
	defer rows.Close()
	counts := make([]int64, len(InboxFilters))
	ptrs := make([]any, len(counts))
	for i := range counts {
		ptrs[i] = &counts[i]
	}
	if rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("inbox counts: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inbox counts: %w", err)
	}
	for i, f := range InboxFilters {
		out[f] = int(counts[i])
	}
	return out, nil
}

// perThread are the filters counted over the threads themselves: whether
// the user follows a thread is per user and thread, not in a tally. The
// count walks the user's thread_observers rows (thread_observers_user)
// with a primary-key look-up each, so it costs what the user follows.
var perThread = map[string]bool{FilterFollowing: true}
