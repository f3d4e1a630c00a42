package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Row is one exported record, column by column.
type Row = map[string]any

// PersonalData is everything the hub keeps that is tied to an account's
// verified phones: what "download my data" hands over.
type PersonalData struct {
	Account        Row             `json:"account"`
	Phones         []string        `json:"phones"`
	Consents       []Consent       `json:"consents"`
	ConsentHistory []ConsentChange `json:"consent_history"`
	Customers      []Row           `json:"customers"`
	Vehicles       []Row           `json:"vehicles"`
	WorkOrders     []Row           `json:"work_orders"`
	WorkOrderLines []Row           `json:"work_order_lines"`
	Threads        []Row           `json:"threads"`
	Messages       []Row           `json:"messages"`
	Bookings       []Row           `json:"bookings,omitempty"`
}

// PersonalDataOf gathers the account's data across every branch and DMS
// node, as far as the garage shows it to the phones. Messages are the conversation the customer saw (in and out);
// staff notes and system lines are the staff's and stay out.
func (s *Store) PersonalDataOf(ctx context.Context, accountID int64) (PersonalData, error) {
	var d PersonalData
	db := s.db.WithContext(ctx)
	phones, err := s.AccountPhones(ctx, accountID)
	if err != nil {
		return d, err
	}
	d.Phones = phones
	rows := func(into *[]Row, what, query string, args ...any) {
		if err != nil {
			return
		}
		*into = []Row{}
		if e := db.Raw(query, args...).Scan(into).Error; e != nil {
			err = fmt.Errorf("export %s of account %d: %w", what, accountID, e)
		}
	}
	var acc []Row
	rows(&acc, "account", "SELECT id, locale, created_at, deletion_requested_at FROM accounts WHERE id = ?", accountID)
	if err == nil && len(acc) == 1 {
		d.Account = acc[0]
	}
	for _, p := range phones {
		if err != nil {
			break
		}
		cs, e := s.Consents(ctx, p)
		if e != nil {
			return d, e
		}
		hs, e := s.ConsentHistory(ctx, p)
		if e != nil {
			return d, e
		}
		d.Consents = append(d.Consents, cs...)
		d.ConsentHistory = append(d.ConsentHistory, hs...)
	}
	// The garage's rule (garage.go) bounds the export too: the customers
	// the phones speak for in full (a company only to its manager), the cars
	// and work orders the garage shows, and only the conversations on the
	// phones themselves, not other drivers' on the same company record.
	scope, e := s.scopeOf(ctx, phones)
	if e != nil {
		return d, e
	}
	orderIDs := make([]int64, 0, len(scope.orders))
	for id := range scope.orders {
		orderIDs = append(orderIDs, id)
	}
	rows(&d.Customers, "customers", `SELECT id, external_id, name, email, locale, opted_out_at, created_at FROM customers
		WHERE id IN (`+ownerCustomers+`) ORDER BY id`, phones)
	rows(&d.Vehicles, "vehicles", "SELECT id, customer_id, vin, plate, make, model, year FROM vehicles WHERE id IN ? ORDER BY id",
		append(scope.vehicleIDs(), 0))
	orders := db.Table("work_orders").Select("id").Where("customer_id IN (?) OR id IN ?",
		gorm.Expr(ownerCustomers, phones), append(orderIDs, 0))
	rows(&d.WorkOrders, "work orders", `SELECT id, branch_id, number, status, customer_id, vehicle_id, promised_at, currency,
		paid, total_minor, opened_at, handed_over_at FROM work_orders WHERE id IN (?) ORDER BY opened_at, id`, orders)
	rows(&d.WorkOrderLines, "work order lines", "SELECT * FROM work_order_lines WHERE work_order_id IN (?) ORDER BY id", orders)
	threads := db.Table("threads").Select("id").Where("phone IN ?", phones)
	rows(&d.Threads, "threads", "SELECT id, branch_id, work_order_id, phone, channel, created_at FROM threads WHERE id IN (?) ORDER BY id", threads)
	rows(&d.Messages, "messages", `SELECT id, thread_id, direction, body, delivery, created_at FROM messages
		WHERE thread_id IN (?) AND direction IN ('in', 'out') ORDER BY id`, threads)
	if err != nil {
		return d, err
	}
	if b, e := s.bookingsOf(ctx, accountID, phones); e != nil {
		return d, e
	} else {
		d.Bookings = b
	}
	return d, nil
}

// bookingsOf reads the account's bookings when the table exists (booking
// comes in its own migration): by account, else by phone.
func (s *Store) bookingsOf(ctx context.Context, accountID int64, phones []string) ([]Row, error) {
	m := s.db.WithContext(ctx).Migrator()
	if !m.HasTable("bookings") {
		return nil, nil
	}
	var out []Row
	var err error
	switch {
	case m.HasColumn("bookings", "account_id"):
		err = s.db.WithContext(ctx).Raw("SELECT * FROM bookings WHERE account_id = ? ORDER BY id", accountID).Scan(&out).Error
	case m.HasColumn("bookings", "e164"):
		err = s.db.WithContext(ctx).Raw("SELECT * FROM bookings WHERE e164 IN ? ORDER BY id", phones).Scan(&out).Error
	case m.HasColumn("bookings", "phone"):
		err = s.db.WithContext(ctx).Raw("SELECT * FROM bookings WHERE phone IN ? ORDER BY id", phones).Scan(&out).Error
	}
	if err != nil {
		return nil, fmt.Errorf("export bookings of account %d: %w", accountID, err)
	}
	return out, nil
}

// TaskPrivacyDeletion is the kind of the tasks asking staff to delete a
// customer's data.
const TaskPrivacyDeletion = "privacy_deletion"

// RequestAccountDeletion records the account's request to delete its data
// and raises a staff task at every branch its phones' threads belong to
// (or the first branch, when there are none), worded by words in the
// branch's language. Asking again changes nothing: it reports whether this
// call was the first.
func (s *Store) RequestAccountDeletion(ctx context.Context, accountID int64, words func(locale string) (title, body string), at time.Time) (bool, error) {
	at = at.UTC().Truncate(time.Microsecond)
	first := false
	err := s.Tx(ctx, func(tx *Store) error {
		db := tx.db.WithContext(ctx)
		res := db.Exec("UPDATE accounts SET deletion_requested_at = ? WHERE id = ? AND deletion_requested_at IS NULL", at, accountID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return nil // asked before (or no such account): the tasks exist
		}
		first = true
		phones, err := tx.AccountPhones(ctx, accountID)
		if err != nil {
			return err
		}
		customers := db.Table("customer_phones").Select("customer_id").Where("e164 IN ?", phones)
		var branches []int64
		err = db.Table("threads").Distinct("branch_id").Where("phone IN ? OR customer_id IN (?)", phones, customers).
			Order("branch_id").Pluck("branch_id", &branches).Error
		if err != nil {
			return err
		}
		if len(branches) == 0 {
			if err := db.Table("branches").Order("id").Limit(1).Pluck("id", &branches).Error; err != nil {
				return err
			}
		}
		for _, b := range branches {
			var locale []string
			if err := db.Table("branches").Where("id = ?", b).Pluck("locale", &locale).Error; err != nil {
				return err
			}
			title, body := words(append(locale, "")[0])
			if err := tx.AddStaffTask(ctx, &StaffTask{BranchID: b, Kind: TaskPrivacyDeletion, Title: title, Body: body}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("request deletion of account %d: %w", accountID, err)
	}
	return first, nil
}
