package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"naryad/hub"
)

// The capacity calendar: slots laid over a branch's working hours in its
// zone (hub.SlotStarts), minus holidays, between now+lead and the horizon;
// booking_slots counts how many bookings hold each.

// Why a booking time is refused; the pages translate each.
var (
	ErrBookingPast         = errors.New("booking: the time has passed")
	ErrBookingTooSoon      = errors.New("booking: the time is sooner than the branch takes bookings")
	ErrBookingTooFar       = errors.New("booking: the time is further ahead than the branch takes bookings")
	ErrBookingHoliday      = errors.New("booking: the branch is closed that day")
	ErrBookingOutsideHours = errors.New("booking: not a slot within the branch's working hours")
	ErrSlotFull            = errors.New("booking: the slot is full")
	ErrNoCapacity          = errors.New("booking: the branch does not take bookings of this kind")
	ErrUnknownService      = errors.New("booking: a service is not in the branch's catalogue")
	ErrTooLateToChange     = errors.New("booking: too late to cancel or move")
	ErrBookingClosed       = errors.New("booking: cancelled or declined already")
	ErrBookingKeyReused    = errors.New("booking: request key used for another booking")
)

// calendar is what deciding on slots of one branch and kind needs.
type calendar struct {
	branchID int64
	rules    hub.BranchBooking
	cap      hub.Capacity
	hours    hub.Hours
	loc      *time.Location
}

// calendarRow is a branch's row with its capacity for one kind; the
// capacity columns are nil when the branch never set the kind. (gorm
// skips embedded unexported structs, so branchRulesRow's columns are
// spelled out.)
type calendarRow struct {
	ID                                                         int64
	Code, TimeZone, WorkingHours, City, Address, Brands        string
	BookingCancelHours, BookingHorizonDays, BookingLeadMinutes int
	SlotMinutes, PerSlot                                       *int
}

func (r calendarRow) rules() hub.BranchBooking {
	return branchRulesRow{ID: r.ID, City: r.City, Address: r.Address, Brands: r.Brands, BookingCancelHours: r.BookingCancelHours,
		BookingHorizonDays: r.BookingHorizonDays, BookingLeadMinutes: r.BookingLeadMinutes}.rules()
}

// loadCalendar reads a branch's calendar for kind in one query (branch,
// rules and capacity): ErrNoCapacity when the branch does not book it.
func (s *Store) loadCalendar(ctx context.Context, branchID int64, kind string) (calendar, error) {
	var rows []calendarRow
	err := s.db.WithContext(ctx).Raw(`SELECT b.id, b.code, b.time_zone, b.working_hours, b.city, b.address, b.brands,
		  b.booking_cancel_hours, b.booking_horizon_days, b.booking_lead_minutes, c.slot_minutes, c.per_slot
		FROM branches b LEFT JOIN branch_capacity c ON c.branch_id = b.id AND c.kind = ?
		WHERE b.id = ?`, kind, branchID).Scan(&rows).Error
	if err != nil {
		return calendar{}, fmt.Errorf("%s calendar of branch %d: %w", kind, branchID, err)
	}
	if len(rows) == 0 {
		return calendar{}, fmt.Errorf("branch %d: %w", branchID, ErrNotFound)
	}
	r := rows[0]
	if r.PerSlot == nil || *r.PerSlot == 0 || r.SlotMinutes == nil {
		return calendar{}, ErrNoCapacity
	}
	c := calendar{branchID: r.ID, rules: r.rules(), loc: s.zone(r.TimeZone),
		cap: hub.Capacity{BranchID: r.ID, Kind: kind, SlotMinutes: *r.SlotMinutes, PerSlot: *r.PerSlot}}
	if c.hours, err = hub.ParseHours(r.WorkingHours); err != nil {
		// The hours were typed by an admin; unreadable ones give no slots
		// rather than slots at the wrong times.
		return c, fmt.Errorf("branch %s: %w (%v)", r.Code, ErrBookingOutsideHours, err)
	}
	return c, nil
}

// window is the bookable range [earliest, latest] as of asOf (the caller's clock).
func (c calendar) window(asOf time.Time) (earliest, latest time.Time) {
	return asOf.Add(time.Duration(c.rules.LeadMinutes) * time.Minute), asOf.AddDate(0, 0, c.rules.HorizonDays)
}

// checkStart tells whether start is a bookable slot as of asOf (the caller's clock), apart from how
// full it is.
func (s *Store) checkStart(ctx context.Context, c calendar, start, asOf time.Time) error {
	earliest, latest := c.window(asOf)
	switch {
	case start.Before(asOf):
		return ErrBookingPast
	case start.Before(earliest):
		return ErrBookingTooSoon
	case start.After(latest):
		return ErrBookingTooFar
	}
	day := start.In(c.loc).Format(time.DateOnly)
	var n int64
	if err := s.db.WithContext(ctx).Raw(`SELECT COUNT(*) FROM branch_holidays WHERE branch_id = ? AND day = ?`, c.branchID, day).
		Scan(&n).Error; err != nil {
		return fmt.Errorf("holiday %s of branch %d: %w", day, c.branchID, err)
	}
	if n > 0 {
		return ErrBookingHoliday
	}
	for _, t := range hub.SlotStarts(c.hours, c.loc, start, c.cap.SlotMinutes) {
		if t.Equal(start) {
			return nil
		}
	}
	return ErrBookingOutsideHours
}

// FreeSlots lists the bookable slots of a kind at a branch in the month
// holding month (read in the branch's zone): within working hours, not on
// holidays, from asOf+lead to the horizon, each with its free places (0
// when full, so pages can show it taken). ErrNoCapacity when the branch
// does not book the kind. Two queries: the calendar, then the month's
// holidays and taken slots.
func (s *Store) FreeSlots(ctx context.Context, branchID int64, kind string, month, asOf time.Time) ([]hub.Slot, error) {
	c, err := s.loadCalendar(ctx, branchID, kind)
	if err != nil {
		return nil, err
	}
	local := month.In(c.loc)
	first := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, c.loc)
	next := first.AddDate(0, 1, 0)
	earliest, latest := c.window(asOf)
	if !next.After(earliest) || first.After(latest) {
		return []hub.Slot{}, nil
	}
	m, err := s.monthBookings(ctx, branchID, kind, first, next)
	if err != nil {
		return nil, err
	}
	slot := time.Duration(c.cap.SlotMinutes) * time.Minute
	out := []hub.Slot{}
	for day := first; day.Before(next); day = day.AddDate(0, 0, 1) {
		if m.closed[day.Format(time.DateOnly)] {
			continue
		}
		for _, start := range hub.SlotStarts(c.hours, c.loc, day, c.cap.SlotMinutes) {
			if start.Before(earliest) || start.After(latest) {
				continue
			}
			out = append(out, hub.Slot{Start: start, End: start.Add(slot), Free: max(0, c.cap.PerSlot-m.held[start.Unix()])})
		}
	}
	return out, nil
}

// monthState is what the database knows of a branch's month: its holidays
// ("YYYY-MM-DD") and how many bookings hold each slot of a kind, by the
// slot's start in Unix seconds.
type monthState struct {
	closed map[string]bool
	held   map[int64]int
}

// monthBookings reads a month [from, to) of a branch in one round trip:
// the holidays, and the taken slots in one range over booking_slots'
// primary key (branch_id, kind, starts_at). The rows are scanned without
// gorm's reflection and the starts read as integers, not times to parse.
func (s *Store) monthBookings(ctx context.Context, branchID int64, kind string, from, to time.Time) (monthState, error) {
	m := monthState{closed: map[string]bool{}, held: map[int64]int{}}
	rows, err := s.db.WithContext(ctx).Raw(`SELECT `+s.unixSeconds("starts_at")+` AS at, taken, '' AS day FROM booking_slots
		  WHERE branch_id = ? AND kind = ? AND starts_at >= ? AND starts_at < ?
		UNION ALL
		SELECT 0, 0, day FROM branch_holidays WHERE branch_id = ? AND day >= ? AND day < ?`,
		branchID, kind, from.UTC(), to.UTC(), branchID, from.Format(time.DateOnly), to.Format(time.DateOnly)).Rows()
	if err != nil {
		return m, fmt.Errorf("bookings of branch %d in %s: %w", branchID, from.Format("2006-01"), err)
	}
	defer rows.Close()
	for rows.Next() {
		var at int64
		var taken int
		var day string
		if err := rows.Scan(&at, &taken, &day); err != nil {
			return m, fmt.Errorf("bookings of branch %d in %s: %w", branchID, from.Format("2006-01"), err)
		}
		if day != "" {
			m.closed[day] = true
		} else {
			m.held[at] = taken
		}
	}
	if err := rows.Err(); err != nil {
		return m, fmt.Errorf("bookings of branch %d in %s: %w", branchID, from.Format("2006-01"), err)
	}
	return m, nil
}

// takeSlot counts one more booking in a slot, in one conditional upsert:
// with limit > 0 only while fewer than limit hold it (ErrSlotFull
// otherwise), so parallel takers of the last place cannot both win; with
// limit 0 regardless (the DMS moved a booking there and decides).
func (s *Store) takeSlot(ctx context.Context, branchID int64, kind string, start time.Time, limit int) error {
	q := `INSERT INTO booking_slots (branch_id, kind, starts_at, taken) VALUES (?, ?, ?, 1)
		ON CONFLICT (branch_id, kind, starts_at) DO UPDATE SET taken = booking_slots.taken + 1`
	args := []any{branchID, kind, start.UTC()}
	if limit > 0 {
		q += ` WHERE booking_slots.taken < ?`
		args = append(args, limit)
	}
	res := s.db.WithContext(ctx).Exec(q, args...)
	if res.Error != nil {
		return fmt.Errorf("take %s slot %s of branch %d: %w", kind, start.UTC().Format(time.RFC3339), branchID, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrSlotFull
	}
	return nil
}

// freeSlot counts one booking fewer in a slot.
func (s *Store) freeSlot(ctx context.Context, branchID int64, kind string, start time.Time) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE booking_slots SET taken = taken - 1 WHERE branch_id = ? AND kind = ? AND starts_at = ? AND taken > 0`,
		branchID, kind, start.UTC()).Error
	if err != nil {
		return fmt.Errorf("free %s slot %s of branch %d: %w", kind, start.UTC().Format(time.RFC3339), branchID, err)
	}
	return nil
}
