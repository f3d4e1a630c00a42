package store

import (
	"context"
	"fmt"

	"naryad/hub"
	"naryad/migrations"
)

// CustomerData is what the DMS says about a customer.
type CustomerData struct {
	NodeID     int64
	ExternalID string
	Name       string
	Email      string
	Locale     string
	Phones     []string // E.164, already normalised
	// DefaultBranchID is the branch the customer belongs to while no work
	// order names one; nil keeps the stored one.
	DefaultBranchID *int64
}

// UpsertCustomer creates or updates a customer by its DMS id and replaces its
// phone list. Returns the customer id.
func (s *Store) UpsertCustomer(ctx context.Context, c CustomerData) (int64, error) {
	t := now()
	var id int64
	err := s.db.WithContext(ctx).Raw(
		`INSERT INTO customers (node_id, external_id, name, email, locale, default_branch_id, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (node_id, external_id) DO UPDATE SET
		   name = excluded.name, email = excluded.email, locale = excluded.locale,
		   default_branch_id = COALESCE(excluded.default_branch_id, customers.default_branch_id), updated_at = excluded.updated_at
		 RETURNING id`,
		c.NodeID, c.ExternalID, c.Name, c.Email, c.Locale, c.DefaultBranchID, t, t).Scan(&id).Error
	if err != nil {
		return 0, fmt.Errorf("upsert customer %q: %w", c.ExternalID, err)
	}
	if err := s.setPhones(ctx, id, c.Phones); err != nil {
		return 0, err
	}
	return id, nil
}

// CustomerRef returns the id of the customer with this DMS id, creating an
// empty placeholder when the DMS mentions it before sending it (a vehicle
// before its owner); the customer's own event fills it in later.
func (s *Store) CustomerRef(ctx context.Context, nodeID int64, externalID string) (int64, error) {
	t := now()
	var id int64
	err := s.db.WithContext(ctx).Raw(
		`INSERT INTO customers (node_id, external_id, created_at, updated_at) VALUES (?, ?, ?, ?)
		 ON CONFLICT (node_id, external_id) DO UPDATE SET updated_at = customers.updated_at
		 RETURNING id`,
		nodeID, externalID, t, t).Scan(&id).Error
	if err != nil {
		return 0, fmt.Errorf("customer ref %q: %w", externalID, err)
	}
	return id, nil
}

// setPhones makes the customer's numbers exactly phones.
func (s *Store) setPhones(ctx context.Context, customerID int64, phones []string) error {
	if s.dialect == migrations.Postgres && len(phones) > 0 {
		return s.setPhonesPostgres(ctx, customerID, phones)
	}
	db := s.db.WithContext(ctx)
	del := db.Where("customer_id = ?", customerID)
	if len(phones) > 0 {
		del = del.Where("e164 NOT IN ?", phones)
	}
	if err := del.Delete(&hub.CustomerPhone{}).Error; err != nil {
		return fmt.Errorf("replace phones of customer %d: %w", customerID, err)
	}
	if len(phones) == 0 {
		return nil
	}
	rows := make([]hub.CustomerPhone, len(phones))
	for i, p := range phones {
		rows[i] = hub.CustomerPhone{CustomerID: customerID, E164: p}
	}
	if err := db.Exec(insertIgnoring("customer_phones", "customer_id, e164", len(rows), 2), flattenPhones(rows)...).Error; err != nil {
		return fmt.Errorf("add phones of customer %d: %w", customerID, err)
	}
	return nil
}

func flattenPhones(rows []hub.CustomerPhone) []any {
	args := make([]any, 0, 2*len(rows))
	for _, r := range rows {
		args = append(args, r.CustomerID, r.E164)
	}
	return args
}

// CustomerPhones lists a customer's numbers.
func (s *Store) CustomerPhones(ctx context.Context, customerID int64) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Model(&hub.CustomerPhone{}).Where("customer_id = ?", customerID).Order("id").Pluck("e164", &out).Error
	if err != nil {
		return nil, fmt.Errorf("phones of customer %d: %w", customerID, err)
	}
	return out, nil
}

// Customer loads one customer.
func (s *Store) Customer(ctx context.Context, id int64) (hub.Customer, error) {
	var c hub.Customer
	err := s.db.WithContext(ctx).Take(&c, id).Error
	return c, notFound(err, "customer %d", id)
}

// setPhonesPostgres does setPhones in one round trip: PostgreSQL runs the
// DELETE and the INSERT of one statement on one snapshot, and they touch
// different rows (the numbers dropped, the numbers kept or added).
func (s *Store) setPhonesPostgres(ctx context.Context, customerID int64, phones []string) error {
	rows := make([]hub.CustomerPhone, len(phones))
	for i, p := range phones {
		rows[i] = hub.CustomerPhone{CustomerID: customerID, E164: p}
	}
	args := append([]any{customerID, phones}, flattenPhones(rows)...)
	q := "WITH dropped AS (DELETE FROM customer_phones WHERE customer_id = ? AND e164 NOT IN ?) " +
		insertIgnoring("customer_phones", "customer_id, e164", len(rows), 2)
	if err := s.db.WithContext(ctx).Exec(q, args...).Error; err != nil {
		return fmt.Errorf("replace phones of customer %d: %w", customerID, err)
	}
	return nil
}
