package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

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
	// Managers are the numbers of Phones that are the company's fleet
	// managers (hub.PhoneRoleManager); the others get no role.
	Managers []string
	// Kind is hub.CustomerPerson or hub.CustomerCompany; "" keeps the
	// stored one (a new customer is a person).
	Kind string
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
		`INSERT INTO customers (node_id, external_id, name, email, locale, kind, default_branch_id, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (node_id, external_id) DO UPDATE SET
		   name = excluded.name, email = excluded.email, locale = excluded.locale,
		   email_invalid_at = CASE WHEN lower(customers.email) = lower(excluded.email) THEN customers.email_invalid_at END,
		   email_invalid_reason = CASE WHEN lower(customers.email) = lower(excluded.email) THEN customers.email_invalid_reason ELSE '' END,
		   kind = CASE WHEN ? THEN excluded.kind ELSE customers.kind END,
		   default_branch_id = COALESCE(excluded.default_branch_id, customers.default_branch_id), updated_at = excluded.updated_at
		 RETURNING id`,
		c.NodeID, c.ExternalID, c.Name, c.Email, c.Locale, cmp.Or(c.Kind, hub.CustomerPerson), c.DefaultBranchID, t, t, c.Kind != "").Scan(&id).Error
	if err != nil {
		return 0, fmt.Errorf("upsert customer %q: %w", c.ExternalID, err)
	}
	if err := s.setPhones(ctx, id, phoneRows(id, c.Phones, c.Managers)); err != nil {
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

// phoneRows pairs each number with its role.
func phoneRows(customerID int64, phones, managers []string) []hub.CustomerPhone {
	rows := make([]hub.CustomerPhone, len(phones))
	for i, p := range phones {
		rows[i] = hub.CustomerPhone{CustomerID: customerID, E164: p}
		if slices.Contains(managers, p) {
			rows[i].Role = hub.PhoneRoleManager
		}
	}
	return rows
}

// upsertPhones writes rows, changing the role of a number already there.
// The role is only updated when it differs, so a resend rewrites nothing.
func upsertPhones(n int) string {
	return strings.TrimSuffix(insertIgnoring("customer_phones", "customer_id, e164, role", n, 3), " ON CONFLICT DO NOTHING") +
		" ON CONFLICT (customer_id, e164) DO UPDATE SET role = excluded.role WHERE customer_phones.role <> excluded.role"
}

// setPhones makes the customer's numbers exactly rows, roles included.
func (s *Store) setPhones(ctx context.Context, customerID int64, rows []hub.CustomerPhone) error {
	if s.dialect == migrations.Postgres && len(rows) > 0 {
		return s.setPhonesPostgres(ctx, customerID, rows)
	}
	db := s.db.WithContext(ctx)
	del := db.Where("customer_id = ?", customerID)
	if len(rows) > 0 {
		del = del.Where("e164 NOT IN ?", numbers(rows))
	}
	if err := del.Delete(&hub.CustomerPhone{}).Error; err != nil {
		return fmt.Errorf("replace phones of customer %d: %w", customerID, err)
	}
	if len(rows) == 0 {
		return nil
	}
	if err := db.Exec(upsertPhones(len(rows)), flattenPhones(rows)...).Error; err != nil {
		return fmt.Errorf("add phones of customer %d: %w", customerID, err)
	}
	return nil
}

func numbers(rows []hub.CustomerPhone) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.E164
	}
	return out
}

func flattenPhones(rows []hub.CustomerPhone) []any {
	args := make([]any, 0, 3*len(rows))
	for _, r := range rows {
		args = append(args, r.CustomerID, r.E164, r.Role)
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

// CustomerPhoneRoles lists a customer's numbers with their roles.
func (s *Store) CustomerPhoneRoles(ctx context.Context, customerID int64) ([]hub.CustomerPhone, error) {
	var out []hub.CustomerPhone
	err := s.db.WithContext(ctx).Where("customer_id = ?", customerID).Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("phone roles of customer %d: %w", customerID, err)
	}
	return out, nil
}

// setPhonesPostgres does setPhones in one round trip: PostgreSQL runs the
// DELETE and the INSERT of one statement on one snapshot, and they touch
// different rows (the numbers dropped, the numbers kept or added).
func (s *Store) setPhonesPostgres(ctx context.Context, customerID int64, rows []hub.CustomerPhone) error {
	args := append([]any{customerID, numbers(rows)}, flattenPhones(rows)...)
	q := "WITH dropped AS (DELETE FROM customer_phones WHERE customer_id = ? AND e164 NOT IN ?) " + upsertPhones(len(rows))
	if err := s.db.WithContext(ctx).Exec(q, args...).Error; err != nil {
		return fmt.Errorf("replace phones of customer %d: %w", customerID, err)
	}
	return nil
}
