package store

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"naryad/migrations"
)

// searchThreads builds a subquery of thread ids whose phone, customer name
// or phone, plate, VIN or work-order number contains text. Each key is
// matched through the substring index of migration 00019 (FTS5 trigram on
// SQLite, pg_trgm on PostgreSQL), exactly: a row is returned only when it
// holds the substring. A query shorter than searchMinSubstring characters
// searches nothing ("" : the list stays as it is). InboxThreads scopes and
// filters the ids it returns.
func (s *Store) searchThreads(ctx context.Context, text string, branchIDs []int64) (string, []any, error) {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) < searchMinSubstring {
		return "", nil, nil
	}
	var countries []string
	if err := s.db.WithContext(ctx).Raw("SELECT DISTINCT country FROM branches WHERE id IN ?", branchIDs).Scan(&countries).Error; err != nil {
		return "", nil, fmt.Errorf("inbox search: %w", err)
	}
	terms := newSearchTerms(text, countries)
	var parts []string
	var args []any
	add := func(sql string, a ...any) { parts, args = append(parts, sql), append(args, a...) }
	keyed := utf8.RuneCountInString(terms.Key) >= searchMinSubstring
	if s.dialect == migrations.Postgres {
		add("SELECT t.id FROM customers c JOIN threads t ON t.customer_id = c.id WHERE lower(c.name) LIKE lower(?)", likeContains(terms.Name))
		if len(terms.Phones) > 0 {
			phones, pargs := anyLike("phone", terms.Phones)
			add("SELECT id FROM threads WHERE "+phones, pargs...)
			phones, pargs = anyLike("p.e164", terms.Phones)
			add("SELECT t.id FROM customer_phones p JOIN threads t ON t.customer_id = p.customer_id WHERE "+phones, pargs...)
		}
		if keyed {
			key := likeContains(terms.Key)
			// A work order has at most one thread (threads.work_order_id is
			// unique): a scalar subquery looks it up by that index. As a
			// join, the planner's guess for LIKE '%…%' (1% of the rows) made
			// it hash every thread instead.
			const thread = "(SELECT t.id FROM threads t WHERE t.work_order_id = w.id)"
			add("SELECT "+thread+" FROM work_orders w WHERE search_key(w.number) LIKE search_key(?)", key)
			add("SELECT "+thread+` FROM vehicles v JOIN work_orders w ON w.vehicle_id = v.id
			  WHERE search_key(v.plate) LIKE search_key(?) OR search_key(v.vin) LIKE search_key(?)`, key, key)
		}
		return strings.Join(parts, " UNION ALL "), args, nil
	}
	add("SELECT id FROM threads WHERE customer_id IN (SELECT rowid FROM search_customer_names WHERE search_customer_names MATCH ?)", ftsPhrases(terms.Name))
	if len(terms.Phones) > 0 {
		// Every number shares its first trigrams (+7916…) with most others,
		// and FTS5 reads each trigram's whole posting list: the index is
		// asked for the last digits only, common to every variant, and the
		// candidates are checked for a whole variant.
		tail := phoneTail(terms.Phones)
		holds, hargs := anyInstr("phone", terms.Phones)
		add("SELECT rowid FROM search_thread_phones WHERE search_thread_phones MATCH ? AND "+holds, append([]any{tail}, hargs...)...)
		holds, hargs = anyInstr("p.e164", terms.Phones)
		add(`SELECT t.id FROM customer_phones p JOIN threads t ON t.customer_id = p.customer_id
		  WHERE p.id IN (SELECT rowid FROM search_customer_phones WHERE search_customer_phones MATCH ?) AND `+holds, append([]any{tail}, hargs...)...)
	}
	if keyed {
		key := ftsPhrases(terms.Key)
		add("SELECT id FROM threads WHERE work_order_id IN (SELECT rowid FROM search_work_order_numbers WHERE search_work_order_numbers MATCH ?)", key)
		add(`SELECT t.id FROM work_orders w JOIN threads t ON t.work_order_id = w.id
		  WHERE w.vehicle_id IN (SELECT rowid FROM search_vehicle_keys WHERE search_vehicle_keys MATCH ?)`, key)
	}
	return strings.Join(parts, " UNION ALL "), args, nil
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
