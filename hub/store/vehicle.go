package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// VehicleData is what the DMS says about a vehicle. Service fields are kept
// as they are only when HasService is set, so a work order that mentions the
// car without its service plan does not erase it.
type VehicleData struct {
	NodeID     int64
	ExternalID string
	CustomerID *int64
	VIN        string
	Plate      string
	Make       string
	Model      string
	Year       int
	// DefaultBranchID is the branch the vehicle belongs to while no work
	// order names one; nil keeps the stored one.
	DefaultBranchID *int64

	HasService           bool
	LastServiceAt        *time.Time
	LastServiceMileageKm int
	IntervalMonths       int
	IntervalKm           int
	TyreSeason           string
}

// UpsertVehicle creates or updates a vehicle by its DMS id.
func (s *Store) UpsertVehicle(ctx context.Context, v VehicleData) (int64, error) {
	t := now()
	service := ""
	if v.HasService {
		service = `, last_service_at = excluded.last_service_at,
		   last_service_mileage_km = excluded.last_service_mileage_km,
		   interval_months = excluded.interval_months, interval_km = excluded.interval_km,
		   tyre_season = excluded.tyre_season`
	}
	var id int64
	err := s.db.WithContext(ctx).Raw(
		`INSERT INTO vehicles (node_id, external_id, customer_id, vin, plate, make, model, year, default_branch_id,
		   last_service_at, last_service_mileage_km, interval_months, interval_km, tyre_season, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (node_id, external_id) DO UPDATE SET
		   customer_id = COALESCE(excluded.customer_id, vehicles.customer_id),
		   default_branch_id = COALESCE(excluded.default_branch_id, vehicles.default_branch_id),
		   vin = excluded.vin, plate = excluded.plate, make = excluded.make, model = excluded.model,
		   year = excluded.year, updated_at = excluded.updated_at`+service+`
		 RETURNING id`,
		v.NodeID, v.ExternalID, v.CustomerID, v.VIN, v.Plate, v.Make, v.Model, v.Year, v.DefaultBranchID,
		v.LastServiceAt, v.LastServiceMileageKm, v.IntervalMonths, v.IntervalKm, v.TyreSeason, t, t).Scan(&id).Error
	if err != nil {
		return 0, fmt.Errorf("upsert vehicle %q: %w", v.ExternalID, err)
	}
	return id, nil
}

// AddMileage keeps an odometer reading; the same reading twice is kept
// once (inside a transaction, written at its commit).
func (s *Store) AddMileage(ctx context.Context, vehicleID int64, km int, at time.Time) error {
	if s.buf != nil {
		s.buf.mileage = append(s.buf.mileage, mileageReading{vehicleID: vehicleID, km: km, at: at.UTC()})
		return nil
	}
	err := s.db.WithContext(ctx).Exec(
		`INSERT INTO mileage_readings (vehicle_id, mileage_km, read_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		vehicleID, km, at.UTC()).Error
	if err != nil {
		return fmt.Errorf("add mileage of vehicle %d: %w", vehicleID, err)
	}
	return nil
}

// ExpiringItemData is a warranty, insurance or plan with its end date.
type ExpiringItemData struct {
	NodeID     int64
	ExternalID string
	CustomerID int64
	Kind       string
	Title      string
	ExpiresOn  string // YYYY-MM-DD
	// DefaultBranchID is the branch the item belongs to while its customer
	// has no work order; nil keeps the stored one.
	DefaultBranchID *int64
}

// UpsertExpiringItem creates or updates an expiring item by its DMS id.
func (s *Store) UpsertExpiringItem(ctx context.Context, e ExpiringItemData) error {
	err := s.db.WithContext(ctx).Exec(
		`INSERT INTO expiring_items (node_id, external_id, customer_id, kind, title, expires_on, default_branch_id, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (node_id, external_id) DO UPDATE SET
		   customer_id = excluded.customer_id, kind = excluded.kind, title = excluded.title,
		   expires_on = excluded.expires_on,
		   default_branch_id = COALESCE(excluded.default_branch_id, expiring_items.default_branch_id), updated_at = excluded.updated_at`,
		e.NodeID, e.ExternalID, e.CustomerID, e.Kind, e.Title, e.ExpiresOn, e.DefaultBranchID, now()).Error
	if err != nil {
		return fmt.Errorf("upsert expiring item %q: %w", e.ExternalID, err)
	}
	return nil
}

// Vehicle loads a vehicle by id.
func (s *Store) Vehicle(ctx context.Context, id int64) (hub.Vehicle, error) {
	var v hub.Vehicle
	err := s.db.WithContext(ctx).Take(&v, id).Error
	return v, notFound(err, "vehicle %d", id)
}
