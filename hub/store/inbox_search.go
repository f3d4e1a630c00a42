package store

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"naryad/migrations"
)

// threadSearch is one inbox search in the two forms inboxPageIDs needs
// (inbox_page.go says when each is used):
//   - matches: a subquery of the ids of every thread that matches, found
//     through the substring indexes of migration 00019 (FTS5 trigram on
//     SQLite, pg_trgm on PostgreSQL); it may hold NULLs and duplicates;
//   - probe: a condition on one row of threads (alias t, with the columns
//     customer_id, work_order_id and phone) that holds exactly when that
//     thread matches, cheap to test row by row.
//
// Both are exact: a thread is found only when a key holds the substring.
type threadSearch struct {
	matches   string
	matchArgs []any
	probe     string
	probeArgs []any
}

// newThreadSearch spells text for every key the inbox searches: phone,
// customer name or phone, plate, VIN and work-order number. A query shorter
// than searchMinSubstring characters is no search (nil; SearchTooShort
// lets the page say so).
func (s *Store) newThreadSearch(ctx context.Context, text string, branchIDs []int64) (*threadSearch, error) {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" || SearchTooShort(text) {
		return nil, nil
	}
	var countries []string
	if err := s.db.WithContext(ctx).Raw("SELECT DISTINCT country FROM branches WHERE id IN ?", branchIDs).Scan(&countries).Error; err != nil {
		return nil, fmt.Errorf("inbox search: %w", err)
	}
	terms := newSearchTerms(text, countries)
	ts := &threadSearch{}
	var matches, probes []string
	match := func(sql string, a ...any) { matches, ts.matchArgs = append(matches, sql), append(ts.matchArgs, a...) }
	probe := func(sql string, a ...any) { probes, ts.probeArgs = append(probes, sql), append(ts.probeArgs, a...) }
	keyed := utf8.RuneCountInString(terms.Key) >= searchMinSubstring
	if s.dialect == migrations.Postgres {
		// Row by row, every key is read by a scalar subquery: an EXISTS
		// here was planned as a hashed subplan, which scans every
		// customer or work order whose key matches before the first row.
		// A customer's threads are found by threads_customer in a lateral
		// subquery (OFFSET 0 keeps it one): as a join, the planner hashed
		// all 100,000 threads for a few thousand customers.
		const threadsOf = "CROSS JOIN LATERAL (SELECT t.id FROM threads t WHERE t.customer_id = %s OFFSET 0) t"
		name := likeContains(terms.Name)
		match("SELECT t.id FROM customers c "+fmt.Sprintf(threadsOf, "c.id")+" WHERE lower(c.name) LIKE lower(?)", name)
		probe("(SELECT lower(c.name) FROM customers c WHERE c.id = t.customer_id) LIKE lower(?)", name)
		if len(terms.Phones) > 0 {
			phones, pargs := anyLike("phone", terms.Phones)
			match("SELECT id FROM threads WHERE "+phones, pargs...)
			phones, pargs = anyLike("t.phone", terms.Phones)
			probe(phones, pargs...)
			phones, pargs = anyLike("p.e164", terms.Phones)
			match("SELECT t.id FROM customer_phones p "+fmt.Sprintf(threadsOf, "p.customer_id")+" WHERE "+phones, pargs...)
			probe("(SELECT 1 FROM customer_phones p WHERE p.customer_id = t.customer_id AND "+phones+" LIMIT 1) IS NOT NULL", pargs...)
		}
		if keyed {
			key := likeContains(terms.Key)
			// A work order has at most one thread (threads.work_order_id is
			// unique): a scalar subquery looks it up by that index. As a
			// join, the planner's guess for LIKE '%…%' (1% of the rows) made
			// it hash every thread instead.
			const thread = "(SELECT t.id FROM threads t WHERE t.work_order_id = w.id)"
			match("SELECT "+thread+" FROM work_orders w WHERE search_key(w.number) LIKE search_key(?)", key)
			match("SELECT "+thread+` FROM vehicles v JOIN work_orders w ON w.vehicle_id = v.id
			  WHERE search_key(v.plate) LIKE search_key(?) OR search_key(v.vin) LIKE search_key(?)`, key, key)
			probe(`(SELECT 1 FROM work_orders w LEFT JOIN vehicles v ON v.id = w.vehicle_id WHERE w.id = t.work_order_id
			  AND (search_key(w.number) LIKE search_key(?) OR search_key(v.plate) LIKE search_key(?) OR search_key(v.vin) LIKE search_key(?))) IS NOT NULL`, key, key, key)
		}
	} else {
		// SQLite's lower() folds ASCII only, so names are tested against
		// the FTS index (Unicode case folding) row by row too: "+" keeps
		// the planner from driving the query from the list, which SQLite
		// builds once per statement.
		names := "SELECT rowid FROM search_customer_names WHERE search_customer_names MATCH ?"
		match("SELECT id FROM threads WHERE customer_id IN ("+names+")", ftsPhrases(terms.Name))
		probe("+t.customer_id IN ("+names+")", ftsPhrases(terms.Name))
		if len(terms.Phones) > 0 {
			// Every number shares its first trigrams (+7916…) with most
			// others, and FTS5 reads each trigram's whole posting list: the
			// index is asked for the last digits only, common to every
			// variant, and the candidates are checked for a whole variant.
			// Row by row, digits are compared directly.
			tail := phoneTail(terms.Phones)
			holds, hargs := anyInstr("phone", terms.Phones)
			match("SELECT rowid FROM search_thread_phones WHERE search_thread_phones MATCH ? AND "+holds, append([]any{tail}, hargs...)...)
			holds, hargs = anyInstr("t.phone", terms.Phones)
			probe(holds, hargs...)
			holds, hargs = anyInstr("p.e164", terms.Phones)
			match(`SELECT t.id FROM customer_phones p JOIN threads t ON t.customer_id = p.customer_id
			  WHERE p.id IN (SELECT rowid FROM search_customer_phones WHERE search_customer_phones MATCH ?) AND `+holds, append([]any{tail}, hargs...)...)
			probe("EXISTS (SELECT 1 FROM customer_phones p WHERE p.customer_id = t.customer_id AND "+holds+")", hargs...)
		}
		if keyed {
			key := ftsPhrases(terms.Key)
			numbers := "SELECT rowid FROM search_work_order_numbers WHERE search_work_order_numbers MATCH ?"
			vehicles := "SELECT rowid FROM search_vehicle_keys WHERE search_vehicle_keys MATCH ?"
			match("SELECT id FROM threads WHERE work_order_id IN ("+numbers+")", key)
			match("SELECT t.id FROM work_orders w JOIN threads t ON t.work_order_id = w.id WHERE w.vehicle_id IN ("+vehicles+")", key)
			probe("+t.work_order_id IN ("+numbers+")", key)
			probe("EXISTS (SELECT 1 FROM work_orders w WHERE w.id = t.work_order_id AND +w.vehicle_id IN ("+vehicles+"))", key)
		}
	}
	ts.matches = strings.Join(matches, " UNION ALL ")
	ts.probe = "(" + strings.Join(probes, " OR ") + ")"
	return ts, nil
}

// anyInstr is "(instr(col, ?) > 0 OR …)": col contains any of values.
func anyInstr(col string, values []string) (string, []any) {
	conds := make([]string, len(values))
	args := make([]any, len(values))
	for i, v := range values {
		conds[i], args[i] = "instr("+col+", ?) > 0", v
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// anyLike is "(col LIKE ? OR …)" matching col containing any of values.
func anyLike(col string, values []string) (string, []any) {
	conds := make([]string, len(values))
	args := make([]any, len(values))
	for i, v := range values {
		conds[i], args[i] = col+" LIKE ?", likeContains(v)
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}
