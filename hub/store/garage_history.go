package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"naryad/hub"
)

// CarHistory is one garage car's life across the network.
type CarHistory struct {
	Car GarageCar
	// Orders are the visible work orders of every branch, newest first.
	Orders []HistoryOrder
	// Expiring are the warranties, insurances and plans of the car's
	// owners the phones speak for, soonest first.
	Expiring []hub.ExpiringItem
	// Declined is the declined work still not done, newest first.
	Declined []hub.DeclinedWork
}

// HistoryOrder is one work order as the customer's history shows it.
type HistoryOrder struct {
	hub.WorkOrder
	BranchName string
	BranchZone string // IANA zone the order's dates are shown in
	// MileageKm is the odometer read at the visit; 0 when unknown.
	MileageKm int                 `gorm:"-"`
	Lines     []hub.WorkOrderLine `gorm:"-"`
	// Findings are the red and yellow items of the inspection the customer
	// was sent, in the checklist's order.
	Findings  []Finding        `gorm:"-"`
	Documents []hub.Attachment `gorm:"-"`
}

// Finding is one red or yellow item of a sent inspection.
type Finding struct {
	Name  string
	State string
	Note  string
}

// VehicleHistory is the history of the garage car one of whose vehicles
// is vehicleID, as the phones see it; ErrNotFound when the car is not in
// Garage(phones) (a guessed id shows nothing of another customer's car).
func (s *Store) VehicleHistory(ctx context.Context, phones []string, vehicleID int64) (CarHistory, error) {
	car, g, err := s.garageCar(ctx, phones, vehicleID)
	if err != nil {
		return CarHistory{}, err
	}
	h := CarHistory{Car: car}
	var whole, orderIDs []int64
	for _, id := range car.VehicleIDs {
		if g.whole[id] {
			whole = append(whole, id)
		}
	}
	for wo, v := range g.orders {
		if slices.Contains(car.VehicleIDs, v) {
			orderIDs = append(orderIDs, wo)
		}
	}
	if h.Orders, err = s.historyOrders(ctx, whole, orderIDs); err != nil {
		return CarHistory{}, err
	}
	if h.Declined, err = s.historyDeclined(ctx, car.VehicleIDs, g); err != nil {
		return CarHistory{}, err
	}
	if len(whole) > 0 {
		err = s.db.WithContext(ctx).Raw(
			`SELECT e.* FROM expiring_items e WHERE e.customer_id IN (
			   SELECT v.customer_id FROM vehicles v WHERE v.id IN ? AND v.customer_id IN (`+ownerCustomers+`))
			 ORDER BY e.expires_on, e.id`, whole, phones).Scan(&h.Expiring).Error
		if err != nil {
			return CarHistory{}, fmt.Errorf("car history: expiring items: %w", err)
		}
	}
	return h, nil
}

// AccountWorkOrder is one work order the phones see (its vehicle is in
// their garage and the rules let them see the order), with its lines,
// findings and documents; ErrNotFound otherwise.
func (s *Store) AccountWorkOrder(ctx context.Context, phones []string, workOrderID int64) (HistoryOrder, error) {
	var vehicleID *int64
	err := s.db.WithContext(ctx).Raw(`SELECT vehicle_id FROM work_orders WHERE id = ?`, workOrderID).Scan(&vehicleID).Error
	if err != nil {
		return HistoryOrder{}, fmt.Errorf("account work order %d: %w", workOrderID, err)
	}
	if vehicleID == nil {
		return HistoryOrder{}, fmt.Errorf("account work order %d: %w", workOrderID, ErrNotFound)
	}
	g, err := s.scopeOf(ctx, phones)
	if err != nil {
		return HistoryOrder{}, err
	}
	if !g.sees(*vehicleID, workOrderID) {
		return HistoryOrder{}, fmt.Errorf("account work order %d: %w", workOrderID, ErrNotFound)
	}
	orders, err := s.historyOrders(ctx, nil, []int64{workOrderID})
	if err != nil {
		return HistoryOrder{}, err
	}
	if len(orders) == 0 {
		return HistoryOrder{}, fmt.Errorf("account work order %d: %w", workOrderID, ErrNotFound)
	}
	return orders[0], nil
}

// historyOrders loads the work orders of the vehicles in whole and the
// orders in orderIDs, newest first, each with its branch, mileage, lines,
// findings and documents: one query per kind, not per order.
func (s *Store) historyOrders(ctx context.Context, whole, orderIDs []int64) ([]HistoryOrder, error) {
	if len(whole) == 0 && len(orderIDs) == 0 {
		return nil, nil
	}
	// IN () is not valid SQL; -1 is no id.
	whole, orderIDs = orNone(whole), orNone(orderIDs)
	var rows []HistoryOrder
	err := s.db.WithContext(ctx).Raw(
		`SELECT w.*, b.name AS branch_name, b.time_zone AS branch_zone FROM work_orders w JOIN branches b ON b.id = w.branch_id
		 WHERE w.vehicle_id IN ? OR w.id IN ? ORDER BY w.opened_at DESC, w.id DESC`, whole, orderIDs).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("car history: work orders: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	ids, vehicles := make([]int64, len(rows)), []int64{}
	at := map[int64]int{}
	for i, o := range rows {
		ids[i], at[o.ID] = o.ID, i
		if o.VehicleID != nil && !slices.Contains(vehicles, *o.VehicleID) {
			vehicles = append(vehicles, *o.VehicleID)
		}
	}
	var lines []hub.WorkOrderLine
	if err := s.db.WithContext(ctx).Where("work_order_id IN ?", ids).Order("work_order_id, position, id").Find(&lines).Error; err != nil {
		return nil, fmt.Errorf("car history: lines: %w", err)
	}
	for _, l := range lines {
		rows[at[l.WorkOrderID]].Lines = append(rows[at[l.WorkOrderID]].Lines, l)
	}
	var findings []struct {
		WorkOrderID int64
		Finding
	}
	err = s.db.WithContext(ctx).Raw(
		`SELECT i.work_order_id, si.name, si.state, si.note FROM inspection_sent_items si JOIN inspections i ON i.id = si.inspection_id
		 WHERE i.work_order_id IN ? AND i.sent_at IS NOT NULL AND si.state IN (?, ?)
		 ORDER BY i.work_order_id, si.position, si.item_id`, ids, hub.ItemRed, hub.ItemYellow).Scan(&findings).Error
	if err != nil {
		return nil, fmt.Errorf("car history: inspections: %w", err)
	}
	for _, f := range findings {
		rows[at[f.WorkOrderID]].Findings = append(rows[at[f.WorkOrderID]].Findings, f.Finding)
	}
	var docs []struct {
		WorkOrderID int64
		hub.Attachment
	}
	err = s.db.WithContext(ctx).Raw(
		`SELECT t.work_order_id, a.* FROM attachments a JOIN messages m ON m.id = a.message_id JOIN threads t ON t.id = m.thread_id
		 WHERE t.work_order_id IN ? AND `+accountDocument+` ORDER BY a.id`, ids).Scan(&docs).Error
	if err != nil {
		return nil, fmt.Errorf("car history: documents: %w", err)
	}
	for _, d := range docs {
		rows[at[d.WorkOrderID]].Documents = append(rows[at[d.WorkOrderID]].Documents, d.Attachment)
	}
	var readings []hub.MileageReading
	if err := s.db.WithContext(ctx).Where("vehicle_id IN ?", vehicles).Order("read_at, id").Find(&readings).Error; err != nil {
		return nil, fmt.Errorf("car history: mileage: %w", err)
	}
	for i := range rows {
		rows[i].MileageKm = mileageAt(rows[i].WorkOrder, readings)
	}
	return rows, nil
}

// mileageAt is the odometer of the order's vehicle at the visit: the first
// reading from the day before it opened until it was handed over (or a
// month after it opened, for an order still open); 0 when none was read.
func mileageAt(w hub.WorkOrder, readings []hub.MileageReading) int {
	if w.VehicleID == nil {
		return 0
	}
	from, until := w.OpenedAt.Add(-24*time.Hour), w.OpenedAt.AddDate(0, 1, 0)
	if w.HandedOverAt != nil {
		until = w.HandedOverAt.Add(24 * time.Hour)
	}
	for _, r := range readings {
		if r.VehicleID == *w.VehicleID && !r.ReadAt.Before(from) && !r.ReadAt.After(until) {
			return r.MileageKm
		}
	}
	return 0
}

// historyDeclined lists the open declined work of the vehicles the scope
// sees, newest first.
func (s *Store) historyDeclined(ctx context.Context, vehicleIDs []int64, g garageScope) ([]hub.DeclinedWork, error) {
	var all []hub.DeclinedWork
	err := s.db.WithContext(ctx).Where("vehicle_id IN ? AND closed_at IS NULL", vehicleIDs).
		Order("declined_at DESC, id DESC").Find(&all).Error
	if err != nil {
		return nil, fmt.Errorf("car history: declined work: %w", err)
	}
	out := all[:0]
	for _, d := range all {
		if g.sees(d.VehicleID, d.WorkOrderID) {
			out = append(out, d)
		}
	}
	return out, nil
}

// orNone is ids, or a list holding only an id no row has.
func orNone(ids []int64) []int64 {
	if len(ids) == 0 {
		return []int64{-1}
	}
	return ids
}
