package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// Declined work: a red or yellow inspection item whose priced line the
// customer declined, remembered on the vehicle (declined_work). It is
// written in the decision's own transaction, closed when a later work
// order of the vehicle does the work, and offered again once by the
// reminders' declined_work rule.

// Limits of the branch's declined_offer_days.
const (
	MinDeclinedOfferDays     = 1
	MaxDeclinedOfferDays     = 730
	DefaultDeclinedOfferDays = 90
)

// recordDeclinedWork remembers, on w's vehicle, every item of w's
// inspection in state red or yellow that a declined line of decided
// prices: one row per item, with the total of its declined lines (a
// second decline of another line of the same item adds its total).
// Nothing when w has no vehicle or no inspection, or when a line of the
// same item was approved (the work is being done).
func (s *Store) recordDeclinedWork(ctx context.Context, w hub.WorkOrder, decided []hub.WorkOrderLine, at time.Time) error {
	if w.VehicleID == nil {
		return nil
	}
	seen := map[string]bool{}
	var codes []string
	for _, l := range decided {
		if l.Decision != hub.DecisionDeclined || l.InspectionItem == "" || seen[l.InspectionItem] {
			continue
		}
		seen[l.InspectionItem] = true
		codes = append(codes, l.InspectionItem)
	}
	if len(codes) == 0 {
		return nil
	}
	db := s.db.WithContext(ctx)
	// An item's total is what its declined lines cost now, not a sum of
	// every decline: a line the DMS re-priced waits again, and declining
	// it again must not count it twice.
	var sums []struct {
		Code  string
		Total int64
	}
	if err := db.Raw(`SELECT inspection_item AS code, SUM(total_minor) AS total FROM work_order_lines
		WHERE work_order_id = ? AND inspection_item IN ? AND decision = ? GROUP BY inspection_item`,
		w.ID, codes, hub.DecisionDeclined).Scan(&sums).Error; err != nil {
		return fmt.Errorf("declined totals of work order %d: %w", w.ID, err)
	}
	declined := map[string]int64{} // item code → its declined lines' total
	for _, r := range sums {
		declined[r.Code] = r.Total
	}
	var items []hub.InspectionItem
	// The items as the advisor sent them: what the customer declined.
	if err := db.Raw(`SELECT it.item_id AS id, it.inspection_id, it.code, it.position, it.name, it.state, it.value, it.unit, it.note
		FROM inspection_sent_items it JOIN inspections i ON i.id = it.inspection_id
		WHERE i.work_order_id = ? AND it.code IN ? AND it.state IN ?
		AND NOT EXISTS (SELECT 1 FROM work_order_lines l WHERE l.work_order_id = i.work_order_id
			AND l.inspection_item = it.code AND l.decision = ?)`,
		w.ID, codes, []string{hub.ItemRed, hub.ItemYellow}, hub.DecisionApproved).Scan(&items).Error; err != nil {
		return fmt.Errorf("declined items of work order %d: %w", w.ID, err)
	}
	if len(items) == 0 {
		return nil
	}
	settings, err := s.BranchReminderSettings(ctx, w.BranchID) // s is the caller's transaction
	if err != nil {
		return fmt.Errorf("declined work of work order %d: %w", w.ID, err)
	}
	days := settings.DeclinedOfferDays
	if days < MinDeclinedOfferDays || days > MaxDeclinedOfferDays {
		days = DefaultDeclinedOfferDays
	}
	for _, it := range items {
		// ON CONFLICT: one row per (work order, item) however many of its
		// lines are declined, in one request or several; its total is
		// the declined lines' total now. The name goes into the
		// reminder's SMS: no direction override may turn its text around.
		if err := db.Exec(`INSERT INTO declined_work (vehicle_id, branch_id, work_order_id, item_code, name, state, note,
				total_minor, currency, declined_at, offer_after)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (work_order_id, item_code) DO UPDATE SET total_minor = excluded.total_minor`,
			*w.VehicleID, w.BranchID, w.ID, it.Code, hub.WithoutDirectionOverrides(it.Name), it.State,
			hub.WithoutDirectionOverrides(it.Note), declined[it.Code], w.Currency,
			at, at.AddDate(0, 0, days)).Error; err != nil {
			return fmt.Errorf("remember declined %s of work order %d: %w", it.Code, w.ID, err)
		}
	}
	return nil
}

// closeDeclinedWorkDone closes the vehicle's open declined work that work
// order workOrderID now does: a line of it prices the same item and is
// approved or needs no approval. Only rows of earlier work orders (a
// smaller id: stored before it) are closed by lines that need no approval,
// so the DMS re-sending an old order does not close what was declined
// since; an approval closes the same order's row too (the customer changed
// their mind on another line of the item).
func (s *Store) closeDeclinedWorkDone(ctx context.Context, workOrderID int64, at time.Time) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE declined_work SET closed_at = ?
		WHERE closed_at IS NULL AND work_order_id <= ?
		AND vehicle_id = (SELECT vehicle_id FROM work_orders WHERE id = ?)
		AND EXISTS (SELECT 1 FROM work_order_lines l WHERE l.work_order_id = ? AND l.inspection_item = declined_work.item_code
			AND (l.decision = ? OR (NOT l.needs_approval AND declined_work.work_order_id < ?)))`,
		at, workOrderID, workOrderID, workOrderID, hub.DecisionApproved, workOrderID).Error
	if err != nil {
		return fmt.Errorf("close declined work done by work order %d: %w", workOrderID, err)
	}
	return nil
}

// DeclinedDue is one vehicle's declined work a branch's reminder may offer
// again: its rows due and not offered, and whom to write to.
type DeclinedDue struct {
	VehicleID  int64
	CustomerID int64
	Vehicle    hub.Vehicle
	Items      []hub.DeclinedWork // oldest first
}

// DeclinedWorkDue lists, per vehicle, the branch's open declined work
// whose offer_after is after from and not after until, never offered, for
// the vehicle's owner (the declining work order's customer when the
// vehicle names none). Vehicles with no customer are left out, and so are
// rows of a vehicle that changed hands since: the offer speaks of "your
// last visit" and its prices, which were another customer's.
func (s *Store) DeclinedWorkDue(ctx context.Context, branchID int64, from, until time.Time) ([]DeclinedDue, error) {
	var rows []struct {
		hub.DeclinedWork
		CustomerID *int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT d.*, COALESCE(v.customer_id, w.customer_id) AS customer_id
		FROM declined_work d JOIN vehicles v ON v.id = d.vehicle_id JOIN work_orders w ON w.id = d.work_order_id
		WHERE d.branch_id = ? AND d.offered_at IS NULL AND d.closed_at IS NULL AND d.offer_after > ? AND d.offer_after <= ?
		AND (v.customer_id IS NULL OR w.customer_id IS NULL OR v.customer_id = w.customer_id)
		ORDER BY d.vehicle_id, d.declined_at, d.id`, branchID, from.UTC(), until.UTC()).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("declined work due at branch %d: %w", branchID, err)
	}
	var out []DeclinedDue
	for _, r := range rows {
		if r.CustomerID == nil {
			continue
		}
		if n := len(out); n == 0 || out[n-1].VehicleID != r.VehicleID {
			out = append(out, DeclinedDue{VehicleID: r.VehicleID, CustomerID: *r.CustomerID})
		}
		out[len(out)-1].Items = append(out[len(out)-1].Items, r.DeclinedWork)
	}
	for n := range out {
		v, err := s.Vehicle(ctx, out[n].VehicleID)
		if err != nil {
			return nil, err
		}
		out[n].Vehicle = v
	}
	return out, nil
}

// MarkDeclinedOffered records that a reminder offered the rows ids again
// (inside the reminder's sending transaction, so they are offered once).
func (s *Store) MarkDeclinedOffered(ctx context.Context, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.db.WithContext(ctx).Exec(`UPDATE declined_work SET offered_at = ? WHERE id IN ? AND offered_at IS NULL`,
		at.UTC(), ids).Error
	if err != nil {
		return fmt.Errorf("mark declined work %v offered: %w", ids, err)
	}
	return nil
}

// DeclinedWorkOfVehicle lists all of a vehicle's declined work, newest
// first, closed and offered rows too. Only the tests read it.
func (s *Store) DeclinedWorkOfVehicle(ctx context.Context, vehicleID int64) ([]hub.DeclinedWork, error) {
	var out []hub.DeclinedWork
	if err := s.db.WithContext(ctx).Where("vehicle_id = ?", vehicleID).Order("declined_at DESC, id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("declined work of vehicle %d: %w", vehicleID, err)
	}
	return out, nil
}

// declinedWorkOf is what a customer's decisions on w change in the
// vehicle's declined work, inside DecideLines's transaction: declined red
// and yellow items remembered, approved ones closed.
func (s *Store) declinedWorkOf(ctx context.Context, w hub.WorkOrder, decided []hub.WorkOrderLine, at time.Time) error {
	if err := s.recordDeclinedWork(ctx, w, decided, at); err != nil {
		return err
	}
	if w.VehicleID == nil {
		return nil
	}
	return s.closeDeclinedWorkDone(ctx, w.ID, at)
}
