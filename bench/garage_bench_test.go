package bench

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/migrations"
)

const garageCustomers = 100_000

// garagePhone is the measured account's phone: a person known to two DMS
// nodes, with three cars (one of them at both nodes, joined by VIN).
const garagePhone = "+79161234567"

// BenchmarkAccountGarage times the customer's garage (store.Garage) and a
// car's history (store.VehicleHistory) with 100 k customers at two nodes,
// each with a phone, a car, a work order and its thread, an expiring
// item and (every tenth) declined work, on SQLite and (with
// NARYAD_TEST_POSTGRES_URL) PostgreSQL, against a primary-key lookup in
// the same run. Their statements are EXPLAINed first: reading a whole big
// table fails it (the indexes of migration 00030 must be used).
func BenchmarkAccountGarage(b *testing.B) {
	for _, backend := range storetest.Backends(b) {
		s := storetest.Open(b, backend)
		suffix := ""
		if s.Dialect() == migrations.Postgres {
			suffix = "_pg"
		}
		ctx := context.Background()
		start := time.Now()
		shared := seedGarage(b, s)
		fmt.Printf("garage %s: %d customers generated in %s\n", backend.Name, garageCustomers, time.Since(start).Round(time.Millisecond))
		phones := []string{garagePhone}
		garage := func() error {
			cars, err := s.Garage(ctx, phones)
			if err != nil {
				return err
			}
			if len(cars) != 3 || len(cars[0].VehicleIDs)+len(cars[1].VehicleIDs)+len(cars[2].VehicleIDs) != 4 {
				return fmt.Errorf("garage: %d cars (%+v), want 3 of 4 vehicles", len(cars), cars)
			}
			return nil
		}
		history := func() error {
			h, err := s.VehicleHistory(ctx, phones, shared)
			if err != nil {
				return err
			}
			if len(h.Orders) != 4 || len(h.Car.VehicleIDs) != 2 || len(h.Expiring) != 2 || len(h.Declined) != 1 {
				return fmt.Errorf("history: %d orders, %d vehicles, %d expiring, %d declined; want 4, 2, 2, 1",
					len(h.Orders), len(h.Car.VehicleIDs), len(h.Expiring), len(h.Declined))
			}
			return nil
		}
		log := recordStatements(b, s)
		// The filled tables, and their aliases in the store's SQL (SQLite's
		// plans name those).
		big := []string{"customers", "c", "customer_phones", "cp", "vehicles", "v", "work_orders", "w", "threads", "t",
			"expiring_items", "e", "declined_work"}
		explain(b, s, "garage", log.during(b, garage), big...)
		explain(b, s, "car history", log.during(b, history), big...)

		g := p99(b, garage)
		h := p99(b, history)
		pk := p99(b, func() error { _, err := s.Vehicle(ctx, garageCustomers/2); return err })
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		fmt.Printf("BENCH account_garage_p99_ms%s %.2f ms\n", suffix, ms(g))
		fmt.Printf("BENCH account_car_history_p99_ms%s %.2f ms\n", suffix, ms(h))
		fmt.Printf("BENCH account_garage_pk_lookup_p99_ms%s %.3f ms\n", suffix, ms(pk))
		fmt.Printf("BENCH account_garage_ratio%s %.1f x\n", suffix, ms(g)/ms(pk))
		fmt.Printf("BENCH account_car_history_ratio%s %.1f x\n", suffix, ms(h)/ms(pk))
	}
}

// seedGarage writes the 100 k customers in a few INSERT … SELECT
// statements, then the measured phone's two customers (one per node) and
// their cars: "shared" (VIN known to both nodes, two work orders at each),
// one more at each node. It returns the shared car's vehicle at node one.
func seedGarage(b *testing.B, s *store.Store) int64 {
	b.Helper()
	ctx := context.Background()
	branch := hub.Branch{Code: "gr", Name: "G", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
	if err := s.CreateBranch(ctx, &branch); err != nil {
		b.Fatal(err)
	}
	var nodes [2]hub.DMSNode
	for i := range nodes {
		nodes[i] = hub.DMSNode{Name: fmt.Sprintf("node%d", i+1), TokenHash: fmt.Sprintf("bench-garage-%d", i)}
		if err := s.CreateNode(ctx, &nodes[i]); err != nil {
			b.Fatal(err)
		}
	}
	stamp := "'2025-06-01 09:00:00+00:00'"
	if s.Dialect() == migrations.Postgres {
		stamp = "timestamptz '2025-06-01 09:00:00+00'"
	}
	seq := fmt.Sprintf("WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %d) ", garageCustomers)
	r := strings.NewReplacer("{stamp}", stamp, "{n1}", fmt.Sprint(nodes[0].ID), "{n2}", fmt.Sprint(nodes[1].ID), "{branch}", fmt.Sprint(branch.ID))
	stmts := []string{
		seq + `INSERT INTO customers (node_id, external_id, name, kind, created_at, updated_at)
		  SELECT CASE WHEN n % 2 = 0 THEN {n1} ELSE {n2} END, 'c' || n, 'Клиент', 'person', {stamp}, {stamp} FROM seq`,
		`INSERT INTO customer_phones (customer_id, e164) SELECT id, '+7900' || (1000000 + id) FROM customers`,
		`INSERT INTO vehicles (node_id, external_id, customer_id, vin, plate, make, model, year, created_at, updated_at)
		  SELECT node_id, 'v' || id, id, 'XTA' || (10000000000000 + id), 'A' || id, 'Lada', 'Vesta', 2020, {stamp}, {stamp} FROM customers`,
		`INSERT INTO work_orders (node_id, branch_id, number, version, customer_id, vehicle_id, opened_at, created_at, updated_at)
		  SELECT node_id, {branch}, 'ЗН-' || id, 1, customer_id, id, {stamp}, {stamp}, {stamp} FROM vehicles`,
		`INSERT INTO threads (branch_id, work_order_id, customer_id, phone, channel, last_activity_at, created_at)
		  SELECT w.branch_id, w.id, w.customer_id, p.e164, 'sms', {stamp}, {stamp}
		  FROM work_orders w JOIN customer_phones p ON p.customer_id = w.customer_id`,
		`INSERT INTO expiring_items (node_id, external_id, customer_id, kind, title, expires_on, updated_at)
		  SELECT node_id, 'e' || id, id, 'warranty', 'Гарантия', '2027-01-01', {stamp} FROM customers`,
		`INSERT INTO declined_work (vehicle_id, branch_id, work_order_id, item_code, name, state, declined_at, offer_after)
		  SELECT vehicle_id, branch_id, id, 'pads', 'Колодки', 'red', {stamp}, {stamp} FROM work_orders WHERE id % 10 = 0`,
	}
	db := s.Gorm(ctx)
	for _, q := range stmts {
		if err := db.Exec(r.Replace(q)).Error; err != nil {
			b.Fatalf("seed: %v\n%s", err, strings.SplitN(q, "\n", 2)[0])
		}
	}
	now := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	id := func(q string, args ...any) int64 {
		var out int64
		if err := db.Raw(q+" RETURNING id", args...).Scan(&out).Error; err != nil {
			b.Fatalf("seed: %v\n%s", err, q)
		}
		return out
	}
	var shared int64
	for i, node := range nodes {
		c := id(`INSERT INTO customers (node_id, external_id, name, kind, created_at, updated_at) VALUES (?, ?, 'Я', 'person', ?, ?)`,
			node.ID, fmt.Sprintf("me-%d", i), now, now)
		id(`INSERT INTO customer_phones (customer_id, e164) VALUES (?, ?)`, c, garagePhone)
		id(`INSERT INTO expiring_items (node_id, external_id, customer_id, kind, title, expires_on, updated_at)
			VALUES (?, ?, ?, 'warranty', 'Гарантия', '2027-01-01', ?)`, node.ID, fmt.Sprintf("me-e%d", i), c, now)
		for j, vin := range []string{"XTAGFL330KY000001", fmt.Sprintf("XTAGFL330KY00001%d", i)} {
			v := id(`INSERT INTO vehicles (node_id, external_id, customer_id, vin, plate, make, model, year, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, 'Lada', 'Vesta', 2021, ?, ?)`, node.ID, fmt.Sprintf("me-v%d-%d", i, j), c, vin, fmt.Sprintf("А%d%dМЕ77", i, j), now, now)
			if i == 0 && j == 0 {
				shared = v
			}
			for k := range 2 {
				at := now.AddDate(0, -k*6-i, 0)
				w := id(`INSERT INTO work_orders (node_id, branch_id, number, version, customer_id, vehicle_id, opened_at, created_at, updated_at)
					VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)`, node.ID, branch.ID, fmt.Sprintf("ЗН-me-%d-%d-%d", i, j, k), c, v, at, at, at)
				id(`INSERT INTO threads (branch_id, work_order_id, customer_id, phone, channel, last_activity_at, created_at)
					VALUES (?, ?, ?, ?, 'sms', ?, ?)`, branch.ID, w, c, garagePhone, at, at)
				if i == 1 && j == 0 && k == 0 {
					id(`INSERT INTO declined_work (vehicle_id, branch_id, work_order_id, item_code, name, state, declined_at, offer_after)
						VALUES (?, ?, ?, 'pads', 'Колодки', 'red', ?, ?)`, v, branch.ID, w, at, at)
				}
			}
		}
	}
	if err := db.Exec("ANALYZE").Error; err != nil {
		b.Fatal(err)
	}
	return shared
}
