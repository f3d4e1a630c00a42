package bench

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"time"
)

// The endpoint and the direct loader must leave the same rows behind, or
// the ratio compares different work. These queries read what both write,
// by DMS ids rather than row ids, without the columns only one of them
// sets (timestamps of the write itself, threads, messages).
var comparedTables = []struct{ name, query string }{
	{"customers", `SELECT external_id, name, email, locale FROM customers ORDER BY external_id`},
	{"customer_phones", `SELECT c.external_id, p.e164 FROM customer_phones p JOIN customers c ON c.id = p.customer_id
		ORDER BY c.external_id, p.e164`},
	{"vehicles", `SELECT v.external_id, c.external_id, v.vin, v.plate, v.make, v.model, v.year
		FROM vehicles v LEFT JOIN customers c ON c.id = v.customer_id ORDER BY v.external_id`},
	{"mileage_readings", `SELECT v.external_id, m.mileage_km, m.read_at FROM mileage_readings m
		JOIN vehicles v ON v.id = m.vehicle_id ORDER BY v.external_id, m.read_at, m.mileage_km`},
	{"work_orders", `SELECT w.number, w.version, w.raw_status, w.status, c.external_id, v.external_id,
		  w.advisor_external_id, w.advisor_name, w.advisor_phone, w.promised_at, w.currency, w.paid,
		  w.total_minor, w.opened_at, w.handed_over_at
		FROM work_orders w LEFT JOIN customers c ON c.id = w.customer_id LEFT JOIN vehicles v ON v.id = w.vehicle_id
		ORDER BY w.number`},
	{"work_order_lines", `SELECT w.number, l.external_id, l.position, l.kind, l.name, l.qty_milli,
		  l.unit_price_minor, l.discount_minor, l.total_minor, l.needs_approval, l.decision
		FROM work_order_lines l JOIN work_orders w ON w.id = l.work_order_id ORDER BY w.number, l.external_id`},
}

// tableSum is a table's row count and a hash of its rows in order.
type tableSum struct {
	rows  int
	hash  string
	first string // the first row, to show on a mismatch
}

// sameRows compares what the endpoint and the direct loader stored.
func sameRows(ctx context.Context, endpoint, direct *sql.DB) error {
	for _, c := range comparedTables {
		a, err := sumTable(ctx, endpoint, c.query)
		if err != nil {
			return fmt.Errorf("%s (endpoint): %w", c.name, err)
		}
		b, err := sumTable(ctx, direct, c.query)
		if err != nil {
			return fmt.Errorf("%s (direct): %w", c.name, err)
		}
		if a.rows == 0 || a != b {
			return fmt.Errorf("%s differ: endpoint %d rows (first %s), direct %d rows (first %s)",
				c.name, a.rows, a.first, b.rows, b.first)
		}
	}
	return nil
}

func sumTable(ctx context.Context, db *sql.DB, query string) (tableSum, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return tableSum{}, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return tableSum{}, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	h := sha256.New()
	var s tableSum
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return tableSum{}, err
		}
		row := ""
		for _, v := range vals {
			row += canonicalText(v) + "\x1f"
		}
		if s.rows == 0 {
			s.first = row
		}
		s.rows++
		h.Write([]byte(row + "\x1e"))
	}
	if err := rows.Err(); err != nil {
		return tableSum{}, err
	}
	s.hash = fmt.Sprintf("%x", h.Sum(nil))
	return s, nil
}

// canonicalText prints a scanned value the same way whatever type the driver
// chose for it.
func canonicalText(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return string(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case bool:
		if x {
			return "1"
		}
		return "0"
	default:
		return fmt.Sprint(x)
	}
}
