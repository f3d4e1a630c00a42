package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"naryad/hub"
)

// The garage of the customer's own account: every car tied to the
// customer's verified phones across every branch and DMS node. Nodes keep
// their own external ids and never share a customer; the hub links them by
// phone (customer_phones, threads.phone) and joins one car known to two
// nodes by its VIN.
//
// Who sees which car (the company rule):
//   - a person's phone: the person's cars (vehicles.customer_id) and the
//     cars of the person's work orders, with their whole history;
//   - a company's phone the DMS marks manager (customer_phones.role): the
//     same for the company, the whole fleet;
//   - any phone: the car of each work order whose thread is on that phone,
//     but then only those work orders (a driver sees the cars they brought
//     and their own visits, not the fleet's other drivers' visits).
//
// Only vehicles reached by these rules are joined by VIN: a car's earlier
// life under another customer at another node (same VIN, not tied to the
// phone) is somebody else's data and stays out.

// GarageCar is one car of the garage: one vehicles row per DMS node that
// knows it, joined by VIN.
type GarageCar struct {
	// ID is the car's key in links: the smallest of VehicleIDs.
	ID         int64
	VehicleIDs []int64
	VIN        string
	Plate      string
	Make       string
	Model      string
	Year       int
	// LastVisit is when the latest visible work order was opened; nil
	// when the car has none.
	LastVisit *time.Time
	// ServiceDueOn is the predicted next maintenance ("YYYY-MM-DD", see
	// hub.PredictServiceDue), "" when unknown.
	ServiceDueOn string
	// OpenDeclined counts the declined work still not done.
	OpenDeclined int
}

// Title is how the customer recognises the car: make, model and plate.
func (c GarageCar) Title() string {
	return hub.Vehicle{Make: c.Make, Model: c.Model, Plate: c.Plate}.Title()
}

// VINTail is the end of the VIN, enough to tell two cars apart without
// showing the whole number on a shared screen.
func (c GarageCar) VINTail() string {
	r := []rune(c.VIN)
	if len(r) <= 6 {
		return c.VIN
	}
	return "…" + string(r[len(r)-6:])
}

// garageScope is what a set of phones may see: vehicles with their whole
// history (whole) and single work orders through their thread (orders,
// work order id → vehicle id).
type garageScope struct {
	whole  map[int64]bool
	orders map[int64]int64
}

// sees tells whether the scope covers a work order of a vehicle.
func (g garageScope) sees(vehicleID, workOrderID int64) bool {
	if g.whole[vehicleID] {
		return true
	}
	_, ok := g.orders[workOrderID]
	return ok
}

// ownerCustomers selects the customers a phone speaks for in full: persons
// holding one of the phones and companies whose phone is a manager's.
const ownerCustomers = `SELECT cp.customer_id FROM customer_phones cp JOIN customers c ON c.id = cp.customer_id
	WHERE cp.e164 IN ? AND (c.kind <> '` + hub.CustomerCompany + `' OR cp.role = '` + hub.PhoneRoleManager + `')`

// scopeOf finds what the phones see, in two queries.
func (s *Store) scopeOf(ctx context.Context, phones []string) (garageScope, error) {
	g := garageScope{whole: map[int64]bool{}, orders: map[int64]int64{}}
	if len(phones) == 0 {
		return g, nil
	}
	var whole []int64
	err := s.db.WithContext(ctx).Raw(
		`SELECT v.id FROM vehicles v WHERE v.customer_id IN (`+ownerCustomers+`)
		 UNION
		 SELECT w.vehicle_id FROM work_orders w WHERE w.vehicle_id IS NOT NULL AND w.customer_id IN (`+ownerCustomers+`)`,
		phones, phones).Scan(&whole).Error
	if err != nil {
		return g, fmt.Errorf("garage: owned vehicles: %w", err)
	}
	for _, id := range whole {
		g.whole[id] = true
	}
	var byThread []struct{ ID, VehicleID int64 }
	err = s.db.WithContext(ctx).Raw(
		`SELECT w.id, w.vehicle_id FROM threads t JOIN work_orders w ON w.id = t.work_order_id
		 WHERE t.phone IN ? AND w.vehicle_id IS NOT NULL`, phones).Scan(&byThread).Error
	if err != nil {
		return g, fmt.Errorf("garage: vehicles of threads: %w", err)
	}
	for _, r := range byThread {
		g.orders[r.ID] = r.VehicleID
	}
	return g, nil
}

// vehicleIDs lists every vehicle the scope reaches.
func (g garageScope) vehicleIDs() []int64 {
	seen := map[int64]bool{}
	for id := range g.whole {
		seen[id] = true
	}
	for _, v := range g.orders {
		seen[v] = true
	}
	out := make([]int64, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// garageOrder is what the garage cards read of a work order.
type garageOrder struct {
	ID        int64
	VehicleID int64
	OpenedAt  time.Time
}

// Garage lists every car the phones (verified E.164 numbers) see, the
// most recently visited first. A few queries whatever the number of cars.
func (s *Store) Garage(ctx context.Context, phones []string) ([]GarageCar, error) {
	cars, _, err := s.garage(ctx, phones)
	return cars, err
}

// garage is Garage with the scope it was built from.
func (s *Store) garage(ctx context.Context, phones []string) ([]GarageCar, garageScope, error) {
	g, err := s.scopeOf(ctx, phones)
	if err != nil {
		return nil, g, err
	}
	ids := g.vehicleIDs()
	if len(ids) == 0 {
		return nil, g, nil
	}
	var vehicles []struct {
		hub.Vehicle
		ServiceDueOn *string
	}
	if err := s.db.WithContext(ctx).Table("vehicles").Where("id IN ?", ids).Order("id").Scan(&vehicles).Error; err != nil {
		return nil, g, fmt.Errorf("garage: vehicles: %w", err)
	}
	var orders []garageOrder
	if err := s.db.WithContext(ctx).Raw(`SELECT id, vehicle_id, opened_at FROM work_orders WHERE vehicle_id IN ?`, ids).
		Scan(&orders).Error; err != nil {
		return nil, g, fmt.Errorf("garage: work orders: %w", err)
	}
	var declined []struct{ VehicleID, WorkOrderID int64 }
	if err := s.db.WithContext(ctx).Raw(`SELECT vehicle_id, work_order_id FROM declined_work WHERE closed_at IS NULL AND vehicle_id IN ?`, ids).
		Scan(&declined).Error; err != nil {
		return nil, g, fmt.Errorf("garage: declined work: %w", err)
	}

	cars := []*GarageCar{}
	byKey := map[string]*GarageCar{}
	carOf := map[int64]*GarageCar{} // vehicle id → its car
	lastService := map[*GarageCar]time.Time{}
	for _, v := range vehicles {
		key := vinKey(v.VIN)
		if key == "" {
			key = fmt.Sprintf("#%d", v.ID) // no VIN: a car of its own
		}
		c := byKey[key]
		if c == nil {
			c = &GarageCar{ID: v.ID, VIN: strings.TrimSpace(v.VIN)}
			byKey[key] = c
			cars = append(cars, c)
		}
		c.VehicleIDs = append(c.VehicleIDs, v.ID)
		carOf[v.ID] = c
		// The newest record of the car names it and predicts its service.
		if t := timeOr(v.LastServiceAt); len(c.VehicleIDs) == 1 || !t.Before(lastService[c]) {
			lastService[c] = t
			c.Plate, c.Make, c.Model, c.Year = firstOf(v.Plate, c.Plate), firstOf(v.Make, c.Make), firstOf(v.Model, c.Model), max(v.Year, c.Year)
			if v.ServiceDueOn != nil && *v.ServiceDueOn != "" {
				c.ServiceDueOn = *v.ServiceDueOn
			}
		} else if c.ServiceDueOn == "" && v.ServiceDueOn != nil {
			c.ServiceDueOn = *v.ServiceDueOn
		}
	}
	for _, o := range orders {
		if c := carOf[o.VehicleID]; c != nil && g.sees(o.VehicleID, o.ID) {
			if c.LastVisit == nil || o.OpenedAt.After(*c.LastVisit) {
				at := o.OpenedAt
				c.LastVisit = &at
			}
		}
	}
	for _, d := range declined {
		if c := carOf[d.VehicleID]; c != nil && g.sees(d.VehicleID, d.WorkOrderID) {
			c.OpenDeclined++
		}
	}
	out := make([]GarageCar, 0, len(cars))
	for _, c := range cars {
		out = append(out, *c)
	}
	slices.SortStableFunc(out, func(a, b GarageCar) int {
		at, bt := timeOr(a.LastVisit), timeOr(b.LastVisit)
		if c := bt.Compare(at); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out, g, nil
}

// GarageCarOf finds the car one of whose vehicles is vehicleID among the
// phones' cars; ErrNotFound when the phones do not see it.
func (s *Store) GarageCarOf(ctx context.Context, phones []string, vehicleID int64) (GarageCar, error) {
	car, _, err := s.garageCar(ctx, phones, vehicleID)
	return car, err
}

// garageCar is GarageCarOf with the scope.
func (s *Store) garageCar(ctx context.Context, phones []string, vehicleID int64) (GarageCar, garageScope, error) {
	cars, g, err := s.garage(ctx, phones)
	if err != nil {
		return GarageCar{}, g, err
	}
	for _, c := range cars {
		if slices.Contains(c.VehicleIDs, vehicleID) {
			return c, g, nil
		}
	}
	return GarageCar{}, g, fmt.Errorf("garage car %d: %w", vehicleID, ErrNotFound)
}

// vinKey folds a VIN for joining: upper case, no spaces. A VIN too short
// to be one (a DMS placeholder such as "-" or "0") joins nothing.
func vinKey(vin string) string {
	k := strings.ToUpper(strings.Join(strings.Fields(vin), ""))
	if len(k) < 11 {
		return ""
	}
	return k
}

// firstOf is a when it is set, else b.
func firstOf(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

// timeOr is *t, or the zero time for nil.
func timeOr(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
