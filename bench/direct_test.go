package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// directLoader is the baseline of the ingest benchmark: what a hand-written
// loader does with the same rows. Each event upserts its customer, the
// customer's phone, the vehicle, a mileage reading, the work order (guarded
// by version) and each of its lines, one statement per row, through
// database/sql, in one transaction per batch. It gets the values already
// parsed and normalised, and writes no ledger, thread, message or outbox
// row: the distance to it is what the exchange's JSON, HTTP, validation
// and bookkeeping cost.
//
// It never deletes a phone or a line: the workload only adds and re-prices
// them, so the rows it leaves equal the endpoint's (checked after each run).
type directLoader struct {
	db               *sql.DB
	nodeID, branchID int64
	q                directQueries
}

type directQueries struct {
	customer, phone, vehicle, mileage, workOrder, line string
}

func newDirectLoader(db *sql.DB, postgres bool, nodeID, branchID int64) *directLoader {
	bind := func(q string) string { return q }
	if postgres {
		bind = dollarParams
	}
	return &directLoader{db: db, nodeID: nodeID, branchID: branchID, q: directQueries{
		customer: bind(`INSERT INTO customers (node_id, external_id, name, email, locale, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (node_id, external_id) DO UPDATE SET
			  name = excluded.name, email = excluded.email, locale = excluded.locale, updated_at = excluded.updated_at
			RETURNING id`),
		phone: bind(`INSERT INTO customer_phones (customer_id, e164) VALUES (?, ?) ON CONFLICT DO NOTHING`),
		vehicle: bind(`INSERT INTO vehicles (node_id, external_id, customer_id, vin, plate, make, model, year, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (node_id, external_id) DO UPDATE SET
			  customer_id = COALESCE(excluded.customer_id, vehicles.customer_id),
			  vin = excluded.vin, plate = excluded.plate, make = excluded.make, model = excluded.model,
			  year = excluded.year, updated_at = excluded.updated_at
			RETURNING id`),
		mileage: bind(`INSERT INTO mileage_readings (vehicle_id, mileage_km, read_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`),
		workOrder: bind(`INSERT INTO work_orders (node_id, branch_id, number, version, raw_status, status, customer_id, vehicle_id,
			  advisor_external_id, advisor_name, advisor_phone, promised_at, currency, paid, total_minor,
			  opened_at, handed_over_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (node_id, number) DO UPDATE SET
			  branch_id = excluded.branch_id, version = excluded.version, raw_status = excluded.raw_status,
			  status = excluded.status, customer_id = excluded.customer_id, vehicle_id = excluded.vehicle_id,
			  advisor_external_id = excluded.advisor_external_id, advisor_name = excluded.advisor_name,
			  advisor_phone = excluded.advisor_phone, promised_at = excluded.promised_at, currency = excluded.currency,
			  paid = excluded.paid, total_minor = excluded.total_minor, handed_over_at = excluded.handed_over_at,
			  updated_at = excluded.updated_at
			WHERE work_orders.version < excluded.version
			RETURNING id`),
		line: bind(`INSERT INTO work_order_lines (work_order_id, external_id, position, kind, name, qty_milli,
			  unit_price_minor, discount_minor, total_minor, needs_approval, decision)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')
			ON CONFLICT (work_order_id, external_id) DO UPDATE SET
			  position = excluded.position, kind = excluded.kind, name = excluded.name, qty_milli = excluded.qty_milli,
			  unit_price_minor = excluded.unit_price_minor, discount_minor = excluded.discount_minor,
			  total_minor = excluded.total_minor, needs_approval = excluded.needs_approval`),
	}}
}

// dollarParams numbers the ? placeholders for PostgreSQL ($1, $2, …).
func dollarParams(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// loadBatches runs the direct loader over w's batches lo to hi-1.
func (d *directLoader) loadBatches(w *ingestWorkload, lo, hi int) error {
	ctx := context.Background()
	for i := lo; i < hi; i++ {
		first := i * ingestBatchSize
		if err := d.loadBatch(ctx, w.events[first:min(first+ingestBatchSize, len(w.events))]); err != nil {
			return err
		}
	}
	return nil
}

// loadBatch writes a batch of events in one transaction.
func (d *directLoader) loadBatch(ctx context.Context, events []woEvent) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("direct: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for i := range events {
		if err := d.load(ctx, tx, &events[i]); err != nil {
			return fmt.Errorf("direct: event %s: %w", events[i].id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("direct: commit: %w", err)
	}
	return nil
}

func (d *directLoader) load(ctx context.Context, tx *sql.Tx, e *woEvent) error {
	w := &e.wo
	t := time.Now().UTC().Truncate(time.Microsecond)
	var customerID, vehicleID, orderID int64
	c := w.customer
	if err := tx.QueryRowContext(ctx, d.q.customer, d.nodeID, c.externalID, c.name, c.email, c.locale, t, t).Scan(&customerID); err != nil {
		return fmt.Errorf("customer: %w", err)
	}
	if _, err := tx.ExecContext(ctx, d.q.phone, customerID, c.phone); err != nil {
		return fmt.Errorf("phone: %w", err)
	}
	v := w.vehicle
	if err := tx.QueryRowContext(ctx, d.q.vehicle, d.nodeID, v.externalID, customerID, v.vin, v.plate, v.make, v.model, v.year, t, t).Scan(&vehicleID); err != nil {
		return fmt.Errorf("vehicle: %w", err)
	}
	if _, err := tx.ExecContext(ctx, d.q.mileage, vehicleID, w.mileageKm, e.at); err != nil {
		return fmt.Errorf("mileage: %w", err)
	}
	err := tx.QueryRowContext(ctx, d.q.workOrder, d.nodeID, d.branchID, w.number, w.version, w.rawStatus, w.status,
		customerID, vehicleID, w.advisor.externalID, w.advisor.name, w.advisor.phone, timeOrNil(w.promisedAt),
		w.currency, w.paid, w.totalMinor, e.at, timeOrNil(w.handedOverAt), t, t).Scan(&orderID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("work order %s version %d is stale; the workload never sends one", w.number, w.version)
	}
	if err != nil {
		return fmt.Errorf("work order: %w", err)
	}
	for _, l := range w.lines {
		_, err := tx.ExecContext(ctx, d.q.line, orderID, l.externalID, l.position, l.kind, l.name, l.qtyMilli,
			l.unitPriceMinor, l.discountMinor, l.totalMinor, l.needsApproval)
		if err != nil {
			return fmt.Errorf("line %s: %w", l.externalID, err)
		}
	}
	return nil
}

func timeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}
