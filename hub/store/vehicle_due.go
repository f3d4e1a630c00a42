package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"naryad/hub"
)

// What the reminder rules read (package reminders): a vehicle's predicted
// service date and home branch, kept current on write by the DMS ingest, and
// the scans over them. Each scan starts from an index the reminders
// migration made (vehicles (branch_id, service_due_on), vehicles
// (tyre_season), expiring_items (expires_on)) and leaves out what the
// ledger says already went out, so a daily scan of a million vehicles
// touches only the few due.

// VehicleSubject is the ledger subject of a reminder about a vehicle; the
// scans below build the same text in SQL ('vehicle:' || v.id).
func VehicleSubject(id int64) string { return "vehicle:" + strconv.FormatInt(id, 10) }

// VehicleService is what predicting a vehicle's next maintenance reads.
type VehicleService struct {
	VehicleID int64
	// HomeBranchID is where the vehicle's reminders go out (see
	// homeBranchOfVehicle); nil when nothing places it. TimeZone is its zone.
	HomeBranchID         *int64
	TimeZone             string
	LastServiceAt        *time.Time
	LastServiceMileageKm int
	IntervalMonths       int
	IntervalKm           int
	// Readings are loaded only when IntervalKm is set (nothing else uses
	// them), including those this transaction has not written yet.
	Readings []hub.MileageReading `gorm:"-"`
	// What is stored now, so an unchanged vehicle is not written again.
	BranchID     *int64
	ServiceDueOn *string
}

// homeBranchOfVehicle is the branch a vehicle's reminders go out from,
// over vehicles v, its customer c and its node n: its latest work order's;
// else the branch the DMS gave it (or, when it gave none, the node's only
// branch); else the branch its node is tied to; else its customer's latest
// work order's, else the customer's given branch. Each step is an index
// probe, evaluated only when those before found nothing.
const homeBranchOfVehicle = `COALESCE(
		   (SELECT w.branch_id FROM work_orders w WHERE w.vehicle_id = v.id ORDER BY w.opened_at DESC, w.id DESC LIMIT 1),
		   v.default_branch_id,
		   n.branch_id,
		   (SELECT w.branch_id FROM work_orders w WHERE w.customer_id = v.customer_id ORDER BY w.opened_at DESC, w.id DESC LIMIT 1),
		   c.default_branch_id)`

// homeBranchOfItem is the same for an expiring item e of customer c: the
// customer's latest work order's branch, else the item's given branch,
// else its node's, else the customer's given branch.
const homeBranchOfItem = `COALESCE(
		   (SELECT w.branch_id FROM work_orders w WHERE w.customer_id = e.customer_id ORDER BY w.opened_at DESC, w.id DESC LIMIT 1),
		   e.default_branch_id, n.branch_id, c.default_branch_id)`

// VehicleService loads a vehicle's service plan, odometer history and home
// branch.
func (s *Store) VehicleService(ctx context.Context, vehicleID int64) (VehicleService, error) {
	var v VehicleService
	err := s.db.WithContext(ctx).Raw(
		`SELECT v.id AS vehicle_id, b.id AS home_branch_id, COALESCE(b.time_zone, '') AS time_zone, v.last_service_at, v.last_service_mileage_km,
		   v.interval_months, v.interval_km, v.branch_id, v.service_due_on
		 FROM vehicles v
		 JOIN dms_nodes n ON n.id = v.node_id
		 LEFT JOIN customers c ON c.id = v.customer_id
		 LEFT JOIN branches b ON b.id = `+homeBranchOfVehicle+`
		 WHERE v.id = ?`, vehicleID).Scan(&v).Error
	if err != nil {
		return v, fmt.Errorf("load service plan of vehicle %d: %w", vehicleID, err)
	}
	if v.VehicleID == 0 {
		return v, fmt.Errorf("load service plan of vehicle %d: %w", vehicleID, ErrNotFound)
	}
	if v.IntervalKm <= 0 {
		return v, nil
	}
	err = s.db.WithContext(ctx).Raw(
		`SELECT vehicle_id, mileage_km, read_at FROM mileage_readings WHERE vehicle_id = ? ORDER BY read_at`,
		vehicleID).Scan(&v.Readings).Error
	if err != nil {
		return v, fmt.Errorf("load mileage of vehicle %d: %w", vehicleID, err)
	}
	if s.buf != nil { // readings of this transaction, written at its commit
		for _, r := range s.buf.mileage {
			if r.vehicleID == vehicleID {
				v.Readings = append(v.Readings, hub.MileageReading{VehicleID: vehicleID, MileageKm: r.km, ReadAt: r.at})
			}
		}
	}
	return v, nil
}

// SetVehicleDue stores v's home branch and its predicted service date (nil:
// none), unless both are what v says is stored already.
func (s *Store) SetVehicleDue(ctx context.Context, v VehicleService, dueOn *string) error {
	if samePtr(v.BranchID, v.HomeBranchID) && samePtr(v.ServiceDueOn, dueOn) {
		return nil
	}
	err := s.db.WithContext(ctx).Exec(`UPDATE vehicles SET branch_id = ?, service_due_on = ? WHERE id = ?`,
		v.HomeBranchID, dueOn, v.VehicleID).Error
	if err != nil {
		return fmt.Errorf("set service due date of vehicle %d: %w", v.VehicleID, err)
	}
	return nil
}

func samePtr[T comparable](a, b *T) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// ServiceDueDate is one service date a maintenance scan looks for, with
// the reminder that date is owed.
type ServiceDueDate struct {
	DueOn string // vehicles.service_due_on, YYYY-MM-DD
	// Lead names the reminder ("14d"); its occasion is "<DueOn>/<Lead>".
	Lead string
	// SentSince: a reminder of the same lead about the vehicle that went out
	// on or after this local date counts as this one, so a due date that
	// moved by a day (a new odometer reading) does not remind twice.
	SentSince string
}

// ServiceDueVehicle is a vehicle a maintenance scan found.
type ServiceDueVehicle struct {
	VehicleID, CustomerID int64
	Make, Model, Plate    string
	ServiceDueOn, Lead    string
	LastServiceAt         *time.Time
	LatestOrderAt         *time.Time // its latest work order's opening, nil without one
}

// VehiclesDueService lists the vehicles of a branch, with an owner, whose
// predicted service date is one of dates and whose reminder for it has not
// gone out under rule; by date, then id.
func (s *Store) VehiclesDueService(ctx context.Context, branchID int64, rule string, dates []ServiceDueDate) ([]ServiceDueVehicle, error) {
	if len(dates) == 0 {
		return nil, nil
	}
	values := make([]string, len(dates))
	args := make([]any, 0, 3*len(dates)+3)
	for i, d := range dates {
		values[i] = "(?, ?, ?)"
		args = append(args, d.DueOn, "%/"+d.Lead, d.SentSince)
	}
	args = append(args, branchID, rule)
	var out []ServiceDueVehicle
	// One index probe of (branch_id, service_due_on) per date; the latest
	// work order and the ledger are point lookups per vehicle found. CROSS
	// JOIN keeps SQLite's planner from turning it inside out: with the
	// dates as parameters it would otherwise walk every vehicle of the
	// branch and match each against the dates (PostgreSQL plans a CROSS
	// JOIN like any other).
	err := s.db.WithContext(ctx).Raw(
		`WITH due (due_on, occasion_like, sent_since) AS (VALUES `+strings.Join(values, ", ")+`)
		 SELECT v.id AS vehicle_id, v.customer_id, v.make, v.model, v.plate, v.service_due_on,
		   v.last_service_at, w.opened_at AS latest_order_at, due.occasion_like AS lead
		 FROM due
		 CROSS JOIN vehicles v
		 LEFT JOIN work_orders w ON w.id =
		   (SELECT x.id FROM work_orders x WHERE x.vehicle_id = v.id ORDER BY x.opened_at DESC, x.id DESC LIMIT 1)
		 WHERE v.branch_id = ? AND v.service_due_on = due.due_on AND v.customer_id IS NOT NULL
		   AND NOT EXISTS (SELECT 1 FROM reminder_ledger l
		     WHERE l.customer_id = v.customer_id AND l.rule = ? AND l.subject = 'vehicle:' || v.id
		       AND l.occasion LIKE due.occasion_like AND l.local_date >= due.sent_since)
		 ORDER BY v.service_due_on, v.id`, args...).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("vehicles of branch %d due for service: %w", branchID, err)
	}
	for i := range out {
		out[i].Lead = strings.TrimPrefix(out[i].Lead, "%/")
	}
	return out, nil
}

// TyreScan asks for the vehicles of a branch on one season's tyres.
type TyreScan struct {
	BranchID int64
	Season   string // the tyres on the car (or in storage): "summer" or "winter"
	// NoOrderSince leaves out vehicles with a work order opened since then:
	// their owner was just in, and the tyres were seen to.
	NoOrderSince time.Time
	// Rule and Occasion leave out vehicles already reminded this season.
	Rule, Occasion string
}

// TyreVehicle is a vehicle a tyre scan found.
type TyreVehicle struct {
	VehicleID, CustomerID int64
	Make, Model, Plate    string
}

// VehiclesOnTyres lists the vehicles of a branch, with an owner, on the
// scan's season of tyres and not reminded yet; by id.
func (s *Store) VehiclesOnTyres(ctx context.Context, q TyreScan) ([]TyreVehicle, error) {
	var out []TyreVehicle
	err := s.db.WithContext(ctx).Raw(
		`SELECT v.id AS vehicle_id, v.customer_id, v.make, v.model, v.plate
		 FROM vehicles v
		 WHERE v.tyre_season = ? AND v.branch_id = ? AND v.customer_id IS NOT NULL
		   AND NOT EXISTS (SELECT 1 FROM work_orders w WHERE w.vehicle_id = v.id AND w.opened_at >= ?)
		   AND NOT EXISTS (SELECT 1 FROM reminder_ledger l
		     WHERE l.customer_id = v.customer_id AND l.rule = ? AND l.subject = 'vehicle:' || v.id AND l.occasion = ?)
		 ORDER BY v.id`,
		q.Season, q.BranchID, q.NoOrderSince.UTC(), q.Rule, q.Occasion).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("vehicles of branch %d on %s tyres: %w", q.BranchID, q.Season, err)
	}
	return out, nil
}

// BranchItem is an expiring item of a branch's customer.
type BranchItem struct {
	ItemID, CustomerID int64
	Kind, Title        string
	ExpiresOn          string // YYYY-MM-DD
	CustomerName       string
	Phone              string // the customer's first number; "" without one
}

// ExpiringItemsOfBranch lists the expiring items ending from from to to
// (inclusive dates) whose home branch (homeBranchOfItem) is branchID. By
// customer, date, id.
func (s *Store) ExpiringItemsOfBranch(ctx context.Context, branchID int64, from, to string) ([]BranchItem, error) {
	var out []BranchItem
	err := s.db.WithContext(ctx).Raw(
		`SELECT e.id AS item_id, e.customer_id, e.kind, e.title, e.expires_on, c.name AS customer_name,
		   COALESCE((SELECT p.e164 FROM customer_phones p WHERE p.customer_id = c.id ORDER BY p.id LIMIT 1), '') AS phone
		 FROM expiring_items e
		 JOIN customers c ON c.id = e.customer_id
		 JOIN dms_nodes n ON n.id = e.node_id
		 WHERE e.expires_on BETWEEN ? AND ?
		   AND `+homeBranchOfItem+` = ?
		 ORDER BY e.customer_id, e.expires_on, e.id`, from, to, branchID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("expiring items of branch %d from %s to %s: %w", branchID, from, to, err)
	}
	return out, nil
}

// SentOccasion is one ledger entry of a rule for a customer.
type SentOccasion struct {
	CustomerID int64
	Occasion   string
	LocalDate  string
}

// SentOccasions lists what went out under rule to the customers on or
// after the local date since, by customer and date.
func (s *Store) SentOccasions(ctx context.Context, rule string, customerIDs []int64, since string) ([]SentOccasion, error) {
	if len(customerIDs) == 0 {
		return nil, nil
	}
	ids := slices.Compact(slices.Sorted(slices.Values(customerIDs)))
	var out []SentOccasion
	for start := 0; start < len(ids); start += 500 { // bounded parameter lists
		chunk := ids[start:min(start+500, len(ids))]
		var rows []SentOccasion
		err := s.db.WithContext(ctx).Raw(
			`SELECT customer_id, occasion, local_date FROM reminder_ledger
			 WHERE customer_id IN ? AND rule = ? AND local_date >= ? ORDER BY customer_id, local_date, id`,
			chunk, rule, since).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("%s reminders sent since %s: %w", rule, since, err)
		}
		out = append(out, rows...)
	}
	return out, nil
}

// RefreshVehicleDue recomputes, in the caller's transaction, what the
// reminders' daily scan reads of a vehicle by index instead of working it
// out for every vehicle every day: its home branch and its predicted
// maintenance date in that branch's zone (UTC while it has none).
func (s *Store) RefreshVehicleDue(ctx context.Context, zones *hub.Zones, vehicleID int64) error {
	v, err := s.VehicleService(ctx, vehicleID)
	if err != nil {
		return err
	}
	loc := time.UTC
	if v.TimeZone != "" {
		loc = zones.Of(hub.Branch{TimeZone: v.TimeZone})
	}
	var lastService time.Time
	if v.LastServiceAt != nil {
		lastService = *v.LastServiceAt
	}
	var dueOn *string
	if due, ok := hub.PredictServiceDue(lastService, v.LastServiceMileageKm, v.IntervalMonths, v.IntervalKm, v.Readings, loc); ok {
		dueOn = &due
	}
	return s.SetVehicleDue(ctx, v, dueOn)
}

// VehicleIDsAfter lists up to limit vehicle ids above after, in order: the
// pages a full refresh walks through.
func (s *Store) VehicleIDsAfter(ctx context.Context, after int64, limit int) ([]int64, error) {
	var ids []int64
	if err := s.db.WithContext(ctx).Raw(`SELECT id FROM vehicles WHERE id > ? ORDER BY id LIMIT ?`, after, limit).Scan(&ids).Error; err != nil {
		return nil, fmt.Errorf("vehicle ids after %d: %w", after, err)
	}
	return ids, nil
}
