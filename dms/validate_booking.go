package dms

import (
	"strings"
	"time"

	"naryad/hub"
)

// validBooking is a validated booking event. StartsAt stays text: a time
// without an offset is read on the clock of the booking's branch, which
// only the stored booking names (see applyBooking).
type validBooking struct {
	ID       int64
	State    string
	StartsAt string
	Note     string
}

// bookingStates are the answers a DMS gives to a service_request.
var bookingStates = map[string]string{
	"confirmed": hub.BookingConfirmed, "moved": hub.BookingMoved, "declined": hub.BookingDeclined,
}

func validateBooking(in *bookingIn, p *problems) *validBooking {
	b := &validBooking{Note: text(in.Note, "booking.note", lineRule, p)}
	b.ID = bookingID(in.BookingID, p)
	raw := strings.ToLower(strings.TrimSpace(in.State))
	state, ok := bookingStates[raw]
	switch {
	case raw == "":
		p.addf("booking.state", "required (confirmed, moved or declined)")
	case !ok:
		p.addf("booking.state", "unknown booking state %q (want confirmed, moved or declined)", in.State)
	}
	b.State = state
	if short(in.StartsAt, "booking.starts_at", p) {
		_, set, err := parseTime(in.StartsAt, time.UTC) // the syntax only; read again in the branch's zone
		switch {
		case err != nil:
			p.add("booking.starts_at", err)
		case set:
			b.StartsAt = strings.TrimSpace(in.StartsAt)
		case state == hub.BookingMoved:
			p.addf("booking.starts_at", "required when the state is moved")
		}
	}
	return b
}

// bookingID reads the hub's id of a booking, as the service_request change
// gave it: a whole number ≥ 1.
func bookingID(f flexText, p *problems) int64 {
	const path = "booking.booking_id"
	if !f.isCode() {
		p.addf(path, "expected a number, got %s", f.Kind)
		return 0
	}
	if f.String() == "" {
		p.addf(path, "required")
		return 0
	}
	if !short(f.Raw, path, p) {
		return 0
	}
	id, err := parseWhole(f.String())
	switch {
	case err != nil:
		p.add(path, err)
	case id < 1:
		p.addf(path, "must be a positive whole number, got %d", id)
	default:
		return id
	}
	return 0
}
