package dms

import (
	"context"
	"errors"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// applyBooking records the DMS's answer to a customer's booking (a
// service_request change) and tells the customer in the booking's thread,
// on its channel. A booking the customer cancelled meanwhile stays
// cancelled: the event is kept as stale (the feed already carries the
// cancellation), so a replay answers duplicate.
func (a *applier) applyBooking(ctx context.Context, v *validBooking) (string, error) {
	// The feed lock first, as the booking writes of the account pages take
	// it: the state read here cannot change before this commits.
	if err := a.tx.LockChangeFeed(ctx); err != nil {
		return "", err
	}
	b, err := a.tx.Booking(ctx, v.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !a.serves(b.BranchID)) {
		// Another node's branch's booking is as unknown to this node as none.
		return "", rejectf("booking.booking_id: unknown booking %d", v.ID)
	}
	if err != nil {
		return "", err
	}
	branch, err := a.tx.Branch(ctx, b.BranchID)
	if err != nil {
		return "", err
	}
	loc := a.zones.Of(branch)
	var start time.Time
	if v.StartsAt != "" {
		if start, _, err = parseTime(v.StartsAt, loc); err != nil {
			return "", rejectf("booking.starts_at: %v", err)
		}
		// Telling a customer their visit moved to a time already gone
		// helps nobody: it is a typing error in 1C, refused so it is seen.
		if v.State == hub.BookingMoved && start.Before(time.Now()) {
			return "", rejectf("booking.starts_at: %s has passed; a booking moves to a time to come", start.In(loc).Format("02.01.2006 15:04"))
		}
	}
	claimed, err := a.tx.ClaimEvent(ctx, a.node.ID, a.event.ID, a.event.Type)
	if err != nil || !claimed {
		return store.EventDuplicate, err
	}
	if b.State == hub.BookingCancelled {
		return store.EventStale, a.tx.MarkEventStale(ctx, a.node.ID, a.event.ID)
	}
	b, changed, err := a.tx.ApplyBookingDecision(ctx, b.ID, v.State, start, v.Note, time.Now())
	if err != nil {
		return "", err
	}
	if !changed { // the same answer under a new id: the customer knows already
		return store.EventApplied, nil
	}
	return store.EventApplied, a.tellBooking(ctx, b, branch)
}

// serves tells whether the node writes for the branch.
func (a *applier) serves(branchID int64) bool {
	return a.node.BranchID == nil || *a.node.BranchID == branchID
}

// bookingKeys are the customer's messages for each answer.
var bookingKeys = map[string]string{
	hub.BookingConfirmed: templates.KeyBookingConfirmed,
	hub.BookingMoved:     templates.KeyBookingMoved,
	hub.BookingDeclined:  templates.KeyBookingDeclined,
}

// tellBooking queues the answer to the customer in the booking's thread,
// in the language they booked in, with the time on the branch's clock and
// a link to their account.
func (a *applier) tellBooking(ctx context.Context, b hub.Booking, branch hub.Branch) error {
	if b.ThreadID == nil {
		return nil // every booking has a thread; an old row without one has nobody to tell
	}
	t, err := a.tx.Thread(ctx, *b.ThreadID)
	if err != nil {
		return err
	}
	key := bookingKeys[b.State]
	d := templates.Data{
		BranchName: branch.Name, BranchPhone: branch.Phone, Vehicle: b.VehicleText,
		BookingAt: b.StartsAt, Text: b.DMSNote, Link: a.links.AccountURL(),
		Location: a.zones.Of(branch), Locale: branch.Locale,
	}
	if b.Locale != "" {
		d.Locale = b.Locale
	}
	body, err := a.texts.Render(ctx, branch.ID, key, d)
	if err != nil {
		return err
	}
	m, err := a.tx.QueueMessage(ctx, store.Outgoing{
		ThreadID: t.ID, Channel: t.Channel, Recipient: t.Phone, Body: body, TemplateKey: key,
		Purpose: store.ConsentService, // a phone that refused service messages reads the answer on /account/bookings
	})
	if err == nil && m.Delivery == hub.DeliveryQueued {
		a.queued = true
	}
	return err
}
