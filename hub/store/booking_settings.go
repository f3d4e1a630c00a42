package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"naryad/hub"
)

// What an admin sets for booking at a branch (issue 19): the directory
// fields and rules on the branches row, holidays, the service catalogue
// and the capacity per kind. Every setter validates and returns a
// *hub.InvalidField the admin page translates; nothing is stored then.

// Limits of the settings.
const (
	maxCityLen, maxAddressLen, maxBrandLen, maxBrands = 100, 200, 40, 40
	maxServiceNameLen, maxHolidayNameLen              = 120, 100
	minServiceMinutes, maxServiceMinutes              = 5, 720
	maxPerSlot                                        = 50
	maxCancelHours, maxHorizonDays, maxLeadMinutes    = 14 * 24, 365, 14 * 24 * 60
)

var serviceCode = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// branchRulesRow reads the booking columns of branches.
type branchRulesRow struct {
	ID                                                         int64
	City, Address, Brands                                      string
	BookingCancelHours, BookingHorizonDays, BookingLeadMinutes int
}

func (r branchRulesRow) rules() hub.BranchBooking {
	return hub.BranchBooking{City: r.City, Address: r.Address, Brands: splitBrands(r.Brands),
		CancelHours: r.BookingCancelHours, HorizonDays: r.BookingHorizonDays, LeadMinutes: r.BookingLeadMinutes}
}

// splitBrands reads the comma list of brands, trimmed, empties dropped.
func splitBrands(list string) []string {
	var out []string
	for _, b := range strings.Split(list, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}

// BranchBooking reads a branch's directory fields and booking rules.
func (s *Store) BranchBooking(ctx context.Context, branchID int64) (hub.BranchBooking, error) {
	var rows []branchRulesRow
	err := s.db.WithContext(ctx).Raw(`SELECT id, city, address, brands, booking_cancel_hours, booking_horizon_days, booking_lead_minutes
		FROM branches WHERE id = ?`, branchID).Scan(&rows).Error
	if err != nil {
		return hub.BranchBooking{}, fmt.Errorf("booking rules of branch %d: %w", branchID, err)
	}
	if len(rows) == 0 {
		return hub.BranchBooking{}, fmt.Errorf("booking rules of branch %d: %w", branchID, ErrNotFound)
	}
	return rows[0].rules(), nil
}

// SetBranchBooking stores a branch's directory fields and booking rules.
func (s *Store) SetBranchBooking(ctx context.Context, branchID int64, r hub.BranchBooking) error {
	r.City, r.Address = strings.TrimSpace(r.City), strings.TrimSpace(r.Address)
	var brands []string
	for _, b := range r.Brands {
		for _, one := range splitBrands(b) { // a brand typed as "Kia, Hyundai" is two
			if utf8.RuneCountInString(one) > maxBrandLen {
				return &hub.InvalidField{Field: "brands", Problem: hub.ProblemTooLong}
			}
			brands = append(brands, one)
		}
	}
	switch {
	case utf8.RuneCountInString(r.City) > maxCityLen:
		return &hub.InvalidField{Field: "city", Problem: hub.ProblemTooLong}
	case utf8.RuneCountInString(r.Address) > maxAddressLen:
		return &hub.InvalidField{Field: "address", Problem: hub.ProblemTooLong}
	case len(brands) > maxBrands:
		return &hub.InvalidField{Field: "brands", Problem: hub.ProblemTooLong}
	case r.CancelHours < 0 || r.CancelHours > maxCancelHours:
		return &hub.InvalidField{Field: "cancel_hours", Problem: hub.ProblemRange}
	case r.HorizonDays < 1 || r.HorizonDays > maxHorizonDays:
		return &hub.InvalidField{Field: "horizon_days", Problem: hub.ProblemRange}
	case r.LeadMinutes < 0 || r.LeadMinutes > maxLeadMinutes:
		return &hub.InvalidField{Field: "lead_minutes", Problem: hub.ProblemRange}
	}
	res := s.db.WithContext(ctx).Exec(`UPDATE branches SET city = ?, address = ?, brands = ?, booking_cancel_hours = ?,
		booking_horizon_days = ?, booking_lead_minutes = ? WHERE id = ?`,
		r.City, r.Address, strings.Join(brands, ", "), r.CancelHours, r.HorizonDays, r.LeadMinutes, branchID)
	if res.Error != nil {
		return fmt.Errorf("set booking rules of branch %d: %w", branchID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("set booking rules of branch %d: %w", branchID, ErrNotFound)
	}
	return nil
}

// BranchDirectory lists every branch as the customer picks one: contacts,
// hours, holidays from today (in each branch's zone) and the kinds it
// takes bookings for. Three queries whatever the number of branches.
func (s *Store) BranchDirectory(ctx context.Context) ([]hub.DirectoryBranch, error) {
	db := s.db.WithContext(ctx)
	branches, err := s.Branches(ctx)
	if err != nil {
		return nil, err
	}
	var rules []branchRulesRow
	err = db.Raw(`SELECT id, city, address, brands, booking_cancel_hours, booking_horizon_days, booking_lead_minutes FROM branches`).
		Scan(&rules).Error
	if err != nil {
		return nil, fmt.Errorf("branch directory: %w", err)
	}
	var holidays []hub.Holiday
	if err := db.Raw(`SELECT branch_id, day, name FROM branch_holidays ORDER BY day`).Scan(&holidays).Error; err != nil {
		return nil, fmt.Errorf("branch directory holidays: %w", err)
	}
	var caps []hub.Capacity
	if err := db.Where("per_slot > 0").Find(&caps).Error; err != nil {
		return nil, fmt.Errorf("branch directory capacity: %w", err)
	}
	out := make([]hub.DirectoryBranch, 0, len(branches))
	for _, b := range branches {
		d := hub.DirectoryBranch{Branch: b}
		for _, r := range rules {
			if r.ID == b.ID {
				d.BranchBooking = r.rules()
			}
		}
		today := time.Now().In(s.zone(b.TimeZone)).Format(time.DateOnly)
		for _, h := range holidays {
			if h.BranchID == b.ID && h.Day >= today {
				d.Holidays = append(d.Holidays, h)
			}
		}
		for _, k := range hub.BookingKinds() {
			for _, c := range caps {
				if c.BranchID == b.ID && c.Kind == k {
					d.Kinds = append(d.Kinds, k)
				}
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// Holidays lists a branch's holidays by day.
func (s *Store) Holidays(ctx context.Context, branchID int64) ([]hub.Holiday, error) {
	var out []hub.Holiday
	err := s.db.WithContext(ctx).Raw(`SELECT branch_id, day, name FROM branch_holidays WHERE branch_id = ? ORDER BY day`, branchID).
		Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("holidays of branch %d: %w", branchID, err)
	}
	return out, nil
}

// AddHoliday closes a day (YYYY-MM-DD) for booking; adding it again
// renames it. Bookings already on the day stay: the DMS decides on them.
func (s *Store) AddHoliday(ctx context.Context, branchID int64, day, name string) error {
	day, name = strings.TrimSpace(day), strings.TrimSpace(name)
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return &hub.InvalidField{Field: "day", Problem: hub.ProblemFormat}
	}
	if utf8.RuneCountInString(name) > maxHolidayNameLen {
		return &hub.InvalidField{Field: "holiday_name", Problem: hub.ProblemTooLong}
	}
	if _, err := s.Branch(ctx, branchID); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Exec(`INSERT INTO branch_holidays (branch_id, day, name) VALUES (?, ?, ?)
		ON CONFLICT (branch_id, day) DO UPDATE SET name = excluded.name`, branchID, day, name).Error
	if err != nil {
		return fmt.Errorf("add holiday %s to branch %d: %w", day, branchID, err)
	}
	return nil
}

// RemoveHoliday opens a day again; removing a day that is not a holiday
// is not an error.
func (s *Store) RemoveHoliday(ctx context.Context, branchID int64, day string) error {
	err := s.db.WithContext(ctx).Exec(`DELETE FROM branch_holidays WHERE branch_id = ? AND day = ?`, branchID, day).Error
	if err != nil {
		return fmt.Errorf("remove holiday %s of branch %d: %w", day, branchID, err)
	}
	return nil
}

// ServiceCatalogue lists a branch's services, inactive ones included, in
// the order the customer sees them.
func (s *Store) ServiceCatalogue(ctx context.Context, branchID int64) ([]hub.Service, error) {
	var out []hub.Service
	if err := s.db.WithContext(ctx).Where("branch_id = ?", branchID).Order("position, code").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("service catalogue of branch %d: %w", branchID, err)
	}
	return out, nil
}

// SaveService adds a service to the branch's catalogue or, when its code
// is there already, replaces it (and makes it active again).
func (s *Store) SaveService(ctx context.Context, svc *hub.Service) error {
	svc.Code = strings.TrimSpace(svc.Code)
	svc.NameRU, svc.NamePL, svc.NameEN = strings.TrimSpace(svc.NameRU), strings.TrimSpace(svc.NamePL), strings.TrimSpace(svc.NameEN)
	switch {
	case !serviceCode.MatchString(svc.Code):
		return &hub.InvalidField{Field: "code", Problem: hub.ProblemFormat}
	case !hub.IsBookingKind(svc.Kind):
		return &hub.InvalidField{Field: "kind", Problem: hub.ProblemFormat}
	case svc.NameRU == "" && svc.NamePL == "" && svc.NameEN == "":
		return &hub.InvalidField{Field: "name", Problem: hub.ProblemRequired}
	case max(utf8.RuneCountInString(svc.NameRU), utf8.RuneCountInString(svc.NamePL), utf8.RuneCountInString(svc.NameEN)) > maxServiceNameLen:
		return &hub.InvalidField{Field: "name", Problem: hub.ProblemTooLong}
	case svc.Minutes < minServiceMinutes || svc.Minutes > maxServiceMinutes:
		return &hub.InvalidField{Field: "minutes", Problem: hub.ProblemRange}
	case svc.Position < 0 || svc.Position > 10000:
		return &hub.InvalidField{Field: "position", Problem: hub.ProblemRange}
	}
	if _, err := s.Branch(ctx, svc.BranchID); err != nil {
		return err
	}
	svc.Active = true
	err := s.db.WithContext(ctx).Raw(`INSERT INTO service_catalogue (branch_id, code, kind, name_ru, name_pl, name_en, minutes, active, position)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (branch_id, code) DO UPDATE SET kind = excluded.kind, name_ru = excluded.name_ru, name_pl = excluded.name_pl,
			name_en = excluded.name_en, minutes = excluded.minutes, active = excluded.active, position = excluded.position
		RETURNING id`, svc.BranchID, svc.Code, svc.Kind, svc.NameRU, svc.NamePL, svc.NameEN, svc.Minutes, true, svc.Position).
		Scan(&svc.ID).Error
	if err != nil {
		return fmt.Errorf("save service %q of branch %d: %w", svc.Code, svc.BranchID, err)
	}
	return nil
}

// DeactivateService takes a service out of what customers may book;
// bookings that name it keep it.
func (s *Store) DeactivateService(ctx context.Context, branchID int64, code string) error {
	res := s.db.WithContext(ctx).Exec(`UPDATE service_catalogue SET active = ? WHERE branch_id = ? AND code = ?`, false, branchID, code)
	if res.Error != nil {
		return fmt.Errorf("deactivate service %q of branch %d: %w", code, branchID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("deactivate service %q of branch %d: %w", code, branchID, ErrNotFound)
	}
	return nil
}

// Capacities lists a branch's capacity per kind (kinds never set are
// absent: no bookings of that kind).
func (s *Store) Capacities(ctx context.Context, branchID int64) ([]hub.Capacity, error) {
	var out []hub.Capacity
	if err := s.db.WithContext(ctx).Where("branch_id = ?", branchID).Order("kind").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("capacity of branch %d: %w", branchID, err)
	}
	return out, nil
}

// SetCapacity sets how a branch books one kind: slots of slotMinutes,
// perSlot bookings each (0 stops new bookings of the kind). Changing the
// slot length leaves existing bookings where they are.
func (s *Store) SetCapacity(ctx context.Context, branchID int64, kind string, slotMinutes, perSlot int) error {
	switch {
	case !hub.IsBookingKind(kind):
		return &hub.InvalidField{Field: "kind", Problem: hub.ProblemFormat}
	case slotMinutes < minServiceMinutes || slotMinutes > maxServiceMinutes:
		return &hub.InvalidField{Field: "slot_minutes", Problem: hub.ProblemRange}
	case perSlot < 0 || perSlot > maxPerSlot:
		return &hub.InvalidField{Field: "per_slot", Problem: hub.ProblemRange}
	}
	if _, err := s.Branch(ctx, branchID); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Exec(`INSERT INTO branch_capacity (branch_id, kind, slot_minutes, per_slot) VALUES (?, ?, ?, ?)
		ON CONFLICT (branch_id, kind) DO UPDATE SET slot_minutes = excluded.slot_minutes, per_slot = excluded.per_slot`,
		branchID, kind, slotMinutes, perSlot).Error
	if err != nil {
		return fmt.Errorf("set %s capacity of branch %d: %w", kind, branchID, err)
	}
	return nil
}

// capacity reads one kind's capacity; ErrNoCapacity when the branch does
// not book it.
func (s *Store) capacity(ctx context.Context, branchID int64, kind string) (hub.Capacity, error) {
	var rows []hub.Capacity
	if err := s.db.WithContext(ctx).Where("branch_id = ? AND kind = ?", branchID, kind).Find(&rows).Error; err != nil {
		return hub.Capacity{}, fmt.Errorf("%s capacity of branch %d: %w", kind, branchID, err)
	}
	if len(rows) == 0 || rows[0].PerSlot == 0 {
		return hub.Capacity{}, ErrNoCapacity
	}
	return rows[0], nil
}

// IsInvalidField tells whether err names a field an admin or customer got
// wrong, and which.
func IsInvalidField(err error) (*hub.InvalidField, bool) {
	var f *hub.InvalidField
	ok := errors.As(err, &f)
	return f, ok
}
