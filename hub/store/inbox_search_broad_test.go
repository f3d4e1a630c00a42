package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/migrations"
)

// A search matching more threads than are sorted whole (3,000) is answered
// by walking the list newest first: the page and the next pages are the
// same as sorting every match would give, and when the newest threads of
// the list hold no match, the older matches are still found.
//
// 6,000 threads, thread n active at base+n s, in branch even (n even) or
// odd; "Alpha n" for every odd n and the even n ≤ 40, "Beta n" otherwise:
// 3,020 match "alpha", all of odd, and only the 20 oldest of even.
func TestInboxSearchBroadMatchesWalkTheList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		var branches [2]hub.Branch
		for i := range branches {
			branches[i] = hub.Branch{Code: fmt.Sprintf("b%d", i), Name: "B", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
			if err := s.CreateBranch(ctx, &branches[i]); err != nil {
				t.Fatal(err)
			}
		}
		node := hub.DMSNode{Name: "alfa", TokenHash: "broad"}
		if err := s.CreateNode(ctx, &node); err != nil {
			t.Fatal(err)
		}
		ts := "(strftime('%Y-%m-%d %H:%M:%S', '2026-01-01 00:00:00', '+' || n || ' seconds') || '+00:00')"
		if s.Dialect() == migrations.Postgres {
			ts = "(timestamptz '2026-01-01 00:00:00+00' + n * interval '1 second')"
		}
		const seq = "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 6000) "
		for _, q := range []string{
			seq + fmt.Sprintf(`INSERT INTO customers (id, node_id, external_id, name, created_at, updated_at)
			  SELECT n, %d, 'c' || n, CASE WHEN n %% 2 = 1 OR n <= 40 THEN 'Alpha ' ELSE 'Beta ' END || n, %s, %s FROM seq`, node.ID, ts, ts),
			seq + fmt.Sprintf(`INSERT INTO threads (id, branch_id, customer_id, phone, channel, state, last_activity_at, created_at)
			  SELECT n, CASE WHEN n %% 2 = 0 THEN %d ELSE %d END, n, '+' || (79160000000 + n), 'sms', 'open', %s, %s FROM seq`,
				branches[0].ID, branches[1].ID, ts, ts),
		} {
			if err := s.Gorm(ctx).Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
		// want lists the thread ids from n down to 1 by step 2.
		want := func(from, count int) []int64 {
			var ids []int64
			for n := from; n >= 1 && len(ids) < count; n -= 2 {
				ids = append(ids, int64(n))
			}
			return ids
		}
		odd, even := []int64{branches[1].ID}, []int64{branches[0].ID}
		first := inboxIDs(t, s, store.InboxQuery{BranchIDs: odd, Search: "alpha"})
		if w := want(5999, 50); !slices.Equal(first, w) {
			t.Fatalf("odd, alpha: %v, want %v", first, w)
		}
		next := inboxIDs(t, s, store.InboxQuery{BranchIDs: odd, Search: "alpha", Before: &store.InboxCursor{At: cursorAt(t, s, odd, first[49]), ID: first[49]}})
		if w := want(5899, 50); !slices.Equal(next, w) {
			t.Fatalf("odd, alpha, second page: %v, want %v", next, w)
		}
		if got, w := inboxIDs(t, s, store.InboxQuery{BranchIDs: even, Search: "alpha"}), want(40, 50); !slices.Equal(got, w) {
			t.Fatalf("even, alpha (only old matches): %v, want %v", got, w)
		}
		if got, w := inboxIDs(t, s, store.InboxQuery{BranchIDs: even, Search: "alpha", Limit: 5}), want(40, 5); !slices.Equal(got, w) {
			t.Fatalf("even, alpha, 5: %v, want %v", got, w)
		}
		if got := inboxIDs(t, s, store.InboxQuery{BranchIDs: even, Search: "alpha 7"}); len(got) != 0 {
			t.Fatalf("even, alpha 7 (odd only): %v", got)
		}
	})
}

// cursorAt is the last activity of a thread as the list returned it.
func cursorAt(t *testing.T, s *store.Store, branchIDs []int64, id int64) (at time.Time) {
	t.Helper()
	rows, err := s.InboxThreads(context.Background(), store.InboxQuery{BranchIDs: branchIDs, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ID == id {
			return r.LastActivityAt
		}
	}
	t.Fatalf("thread %d is not among the newest 200", id)
	return at
}
