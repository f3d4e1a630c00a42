package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"naryad/hub"
	"naryad/templates"
)

// What happens to a booking after it is made: the customer cancels or
// moves it (until the branch's cancel hours before the start), the DMS
// confirms, moves or declines it. Each change frees and takes slots and
// writes a system line in the booking's thread, in one transaction.

// Booking loads a booking by id.
func (s *Store) Booking(ctx context.Context, id int64) (hub.Booking, error) {
	var b hub.Booking
	err := s.db.WithContext(ctx).Take(&b, id).Error
	return b, notFound(err, "booking %d", id)
}

// BookingsOfAccount lists an account's bookings, the latest start first.
func (s *Store) BookingsOfAccount(ctx context.Context, accountID int64) ([]hub.Booking, error) {
	var out []hub.Booking
	if err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("starts_at DESC, id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("bookings of account %d: %w", accountID, err)
	}
	return out, nil
}

// lockedBooking loads a booking inside a booking transaction (the feed
// lock taken first serialises booking writes, so the row cannot change
// under it).
func (s *Store) lockedBooking(ctx context.Context, id int64) (hub.Booking, hub.Branch, error) {
	if err := s.LockChangeFeed(ctx); err != nil {
		return hub.Booking{}, hub.Branch{}, err
	}
	b, err := s.Booking(ctx, id)
	if err != nil {
		return b, hub.Branch{}, err
	}
	branch, err := s.Branch(ctx, b.BranchID)
	return b, branch, err
}

// customerMayChange refuses a change by the customer: ErrNotFound for
// another account's booking (it is not theirs to know of),
// ErrBookingClosed once cancelled or declined, ErrTooLateToChange within
// the branch's cancel hours of the start.
func (s *Store) customerMayChange(ctx context.Context, b hub.Booking, accountID int64, asOf time.Time) error {
	if b.AccountID != accountID {
		return fmt.Errorf("booking %d: %w", b.ID, ErrNotFound)
	}
	if !hub.BookingHoldsSlot(b.State) {
		return ErrBookingClosed
	}
	rules, err := s.BranchBooking(ctx, b.BranchID)
	if err != nil {
		return err
	}
	if asOf.After(b.StartsAt.Add(-time.Duration(rules.CancelHours) * time.Hour)) {
		return ErrTooLateToChange
	}
	return nil
}

// CancelBooking cancels a booking for its account: the slot is freed, a
// line written, and the DMS told with a service_request change (state
// cancelled).
func (s *Store) CancelBooking(ctx context.Context, bookingID, accountID int64, asOf time.Time) (hub.Booking, error) {
	var b hub.Booking
	err := s.Tx(ctx, func(tx *Store) error {
		var branch hub.Branch
		var err error
		if b, branch, err = tx.lockedBooking(ctx, bookingID); err != nil {
			return err
		}
		if err := tx.customerMayChange(ctx, b, accountID, asOf); err != nil {
			return err
		}
		if err := tx.freeSlot(ctx, b.BranchID, b.Kind, b.StartsAt); err != nil {
			return err
		}
		b.State, b.UpdatedAt = hub.BookingCancelled, now()
		if err := tx.saveBookingState(ctx, b); err != nil {
			return err
		}
		if err := tx.bookingLine(ctx, b, templates.SysBookingCancelled, branch, map[string]string{}); err != nil {
			return err
		}
		return tx.appendServiceRequest(ctx, b, branch)
	})
	if err != nil {
		return hub.Booking{}, fmt.Errorf("cancel booking %d: %w", bookingID, err)
	}
	return b, nil
}

// MoveBooking moves a booking of the account to another slot of its kind
// (checked as a new booking is, ErrSlotFull when taken), back to
// requested: the DMS hears of it as a service_request at the new time.
func (s *Store) MoveBooking(ctx context.Context, bookingID, accountID int64, newStart, asOf time.Time) (hub.Booking, error) {
	var b hub.Booking
	err := s.Tx(ctx, func(tx *Store) error {
		var branch hub.Branch
		var err error
		if b, branch, err = tx.lockedBooking(ctx, bookingID); err != nil {
			return err
		}
		if err := tx.customerMayChange(ctx, b, accountID, asOf); err != nil {
			return err
		}
		c, err := tx.loadCalendar(ctx, b.BranchID, b.Kind)
		if err != nil {
			return err
		}
		start := newStart.UTC().Truncate(time.Second)
		if start.Equal(b.StartsAt) {
			return nil
		}
		if err := tx.checkStart(ctx, c, start, asOf); err != nil {
			return err
		}
		if err := tx.takeSlot(ctx, b.BranchID, b.Kind, start, c.cap.PerSlot); err != nil {
			return err
		}
		if err := tx.freeSlot(ctx, b.BranchID, b.Kind, b.StartsAt); err != nil {
			return err
		}
		from := bookingWhen(b.StartsAt, c.loc)
		b.StartsAt, b.EndsAt = start, start.Add(time.Duration(c.cap.SlotMinutes)*time.Minute)
		b.State, b.UpdatedAt = hub.BookingRequested, now()
		if err := tx.saveBookingState(ctx, b); err != nil {
			return err
		}
		if err := tx.bookingLine(ctx, b, templates.SysBookingMovedByMe, branch, map[string]string{"from": from}); err != nil {
			return err
		}
		return tx.appendServiceRequest(ctx, b, branch)
	})
	if err != nil {
		if errors.Is(err, ErrSlotFull) {
			return hub.Booking{}, ErrSlotFull
		}
		return hub.Booking{}, fmt.Errorf("move booking %d: %w", bookingID, err)
	}
	return b, nil
}

// ApplyBookingDecision records the DMS's answer to a booking (its booking
// event): confirmed (startsAt zero keeps the time), moved to startsAt
// (taken even when the slot is full: the DMS knows its workshop), or
// declined (the slot is freed). A line in the thread tells staff. The
// same decision again changes nothing (changed false); a booking the
// customer cancelled meanwhile stays cancelled (ErrBookingClosed).
func (s *Store) ApplyBookingDecision(ctx context.Context, bookingID int64, state string, startsAt time.Time, note string, asOf time.Time) (hub.Booking, bool, error) {
	note = strings.TrimSpace(note)
	switch {
	case state != hub.BookingConfirmed && state != hub.BookingMoved && state != hub.BookingDeclined:
		return hub.Booking{}, false, &hub.InvalidField{Field: "state", Problem: hub.ProblemFormat}
	case state == hub.BookingMoved && startsAt.IsZero():
		return hub.Booking{}, false, &hub.InvalidField{Field: "starts_at", Problem: hub.ProblemRequired}
	case utf8.RuneCountInString(note) > maxBookingNote:
		return hub.Booking{}, false, &hub.InvalidField{Field: "note", Problem: hub.ProblemTooLong}
	}
	var b hub.Booking
	changed := false
	err := s.Tx(ctx, func(tx *Store) error {
		var branch hub.Branch
		var err error
		if b, branch, err = tx.lockedBooking(ctx, bookingID); err != nil {
			return err
		}
		if b.State == hub.BookingCancelled {
			return ErrBookingClosed
		}
		start := b.StartsAt
		if !startsAt.IsZero() {
			start = startsAt.UTC().Truncate(time.Second)
		}
		if b.State == state && b.StartsAt.Equal(start) && b.DMSNote == note {
			return nil
		}
		held, holds := hub.BookingHoldsSlot(b.State), hub.BookingHoldsSlot(state)
		moved := !start.Equal(b.StartsAt)
		if held && (!holds || moved) {
			if err := tx.freeSlot(ctx, b.BranchID, b.Kind, b.StartsAt); err != nil {
				return err
			}
		}
		if holds && (!held || moved) {
			if err := tx.takeSlot(ctx, b.BranchID, b.Kind, start, 0); err != nil {
				return err
			}
		}
		if moved {
			b.EndsAt = start.Add(b.EndsAt.Sub(b.StartsAt))
			b.StartsAt = start
		}
		b.State, b.DMSNote, b.UpdatedAt = state, note, now()
		if err := tx.saveBookingState(ctx, b); err != nil {
			return err
		}
		key := map[string]string{hub.BookingConfirmed: templates.SysBookingConfirmed, hub.BookingMoved: templates.SysBookingMoved,
			hub.BookingDeclined: templates.SysBookingDeclined}[state]
		changed = true
		return tx.bookingLine(ctx, b, key, branch, map[string]string{"note": note})
	})
	if err != nil {
		return hub.Booking{}, false, fmt.Errorf("apply %s to booking %d: %w", state, bookingID, err)
	}
	return b, changed, nil
}

// saveBookingState writes what a change of a booking changes.
func (s *Store) saveBookingState(ctx context.Context, b hub.Booking) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE bookings SET state = ?, starts_at = ?, ends_at = ?, dms_note = ?, updated_at = ? WHERE id = ?`,
		b.State, b.StartsAt.UTC(), b.EndsAt.UTC(), b.DMSNote, b.UpdatedAt, b.ID).Error
	if err != nil {
		return fmt.Errorf("save booking %d: %w", b.ID, err)
	}
	return nil
}

// bookingLine writes a system line about the booking in its thread, with
// {when} its (new) start on the branch's clock.
func (s *Store) bookingLine(ctx context.Context, b hub.Booking, key string, branch hub.Branch, args map[string]string) error {
	if b.ThreadID == nil {
		return nil
	}
	args["when"] = bookingWhen(b.StartsAt, s.zone(branch.TimeZone))
	line := hub.SystemLine(*b.ThreadID, "", key, args)
	return s.AddMessage(ctx, &line)
}
