package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
)

// The visitor's bookings: the list, one booking, and cancelling or moving
// it until the branch's cancel time. Only the visitor's own bookings are
// found; anyone else's is a 404, as if it did not exist.

// bookingCard is one booking as the list and the booking's page show it.
type bookingCard struct {
	ID                                   int64
	State, StateText                     string
	BranchName, BranchAddress, BranchTel string
	When                                 string // on the branch's clock
	Vehicle, Services, Note, DMSNote     string
	Changeable                           bool   // the visitor may still cancel or move it
	ChangeText                           string // until when, or why no longer
}

// bookingDetail is the data of booking_view.html and booking_move.html.
type bookingDetail struct {
	Booking  bookingCard
	Done     string // the message of what was just done, "" for none
	Error    string
	Calendar calendarView // the move page
}

// bookingsPage serves GET /account/bookings.
func (h *Handler) bookingsPage(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	v := h.current(c)
	list, err := h.store.BookingsOfAccount(ctx, v.Account.ID)
	if err != nil {
		return h.internal(c, "bookings", err)
	}
	cards := make([]bookingCard, 0, len(list))
	cat := catalogueCache{}
	for _, b := range list {
		card, err := h.bookingCard(ctx, v.Locale, b, cat)
		if err != nil {
			return h.internal(c, "bookings", err)
		}
		cards = append(cards, card)
	}
	return h.render(c, fiber.StatusOK, "booking_list.html", v.Locale, "bk_list_title", cards)
}

// catalogueCache keeps each branch's directory entry and catalogue for
// one page, so a list of many bookings reads each branch once.
type catalogueCache map[int64]*branchWords

type branchWords struct {
	branch    hub.DirectoryBranch
	catalogue []hub.Service
}

// load reads every branch's entry once.
func (cache catalogueCache) load(ctx context.Context, st *store.Store) error {
	if len(cache) > 0 {
		return nil
	}
	dir, err := st.BranchDirectory(ctx)
	if err != nil {
		return err
	}
	for _, b := range dir {
		cache[b.ID] = &branchWords{branch: b}
	}
	return nil
}

// bookingCard words a booking for locale.
func (h *Handler) bookingCard(ctx context.Context, locale string, b hub.Booking, cache catalogueCache) (bookingCard, error) {
	if err := cache.load(ctx, h.store); err != nil {
		return bookingCard{}, err
	}
	bw, ok := cache[b.BranchID]
	if !ok {
		return bookingCard{}, fmt.Errorf("booking %d: branch %d: %w", b.ID, b.BranchID, store.ErrNotFound)
	}
	if bw.catalogue == nil {
		var err error
		if bw.catalogue, err = h.store.ServiceCatalogue(ctx, b.BranchID); err != nil {
			return bookingCard{}, err
		}
	}
	loc := h.zones.Of(bw.branch.Branch)
	names := make([]string, 0, len(b.Services))
	for _, code := range b.Services {
		name := code
		for _, s := range bw.catalogue {
			if s.Code == code {
				name = s.Name(locale)
			}
		}
		names = append(names, name)
	}
	card := bookingCard{ID: b.ID, State: b.State, StateText: h.t(locale, "bk_state_"+b.State), BranchName: bw.branch.Name,
		BranchTel: bw.branch.Phone, When: h.when(locale, b.StartsAt.In(loc)), Vehicle: b.VehicleText,
		Services: strings.Join(names, ", "), Note: b.Note, DMSNote: b.DMSNote,
		BranchAddress: joinNonEmpty(", ", bw.branch.City, bw.branch.Address)}
	if hub.BookingHoldsSlot(b.State) {
		until := b.StartsAt.Add(-time.Duration(bw.branch.CancelHours) * time.Hour)
		if h.now().Before(until) {
			card.Changeable = true
			card.ChangeText = strings.ReplaceAll(h.t(locale, "bk_change_until"), "{when}", h.when(locale, until.In(loc)))
		} else {
			card.ChangeText = h.tooLate(locale, bw.branch.CancelHours)
		}
	}
	return card, nil
}

// tooLate says the booking can no longer be changed online.
func (h *Handler) tooLate(locale string, hours int) string {
	return strings.ReplaceAll(h.t(locale, "bk_too_late"), "{hours}", strconv.Itoa(hours))
}

// ownBooking loads the booking of the path's id if it is the visitor's;
// ok false when it answered (404 or 500) already.
func (h *Handler) ownBooking(ctx context.Context, c *fiber.Ctx, v visitor) (hub.Booking, bool, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return hub.Booking{}, false, h.bookingNotFound(c, v)
	}
	b, err := h.store.Booking(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && b.AccountID != v.Account.ID) {
		return hub.Booking{}, false, h.bookingNotFound(c, v)
	}
	if err != nil {
		return hub.Booking{}, false, h.internal(c, "booking", err)
	}
	return b, true, nil
}

// bookingNotFound answers 404 in the visitor's language.
func (h *Handler) bookingNotFound(c *fiber.Ctx, v visitor) error {
	return h.render(c, fiber.StatusNotFound, "booking_missing.html", v.Locale, "bk_detail_title", nil)
}

// bookingPage serves GET /account/bookings/:id.
func (h *Handler) bookingPage(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	v := h.current(c)
	b, ok, err := h.ownBooking(ctx, c, v)
	if !ok {
		return err
	}
	d := bookingDetail{}
	switch c.Query("done") {
	case "created", "cancelled", "moved":
		d.Done = h.t(v.Locale, "bk_done_"+c.Query("done"))
	}
	return h.showBooking(ctx, c, v, b, fiber.StatusOK, d)
}

// showBooking renders a booking's page with status.
func (h *Handler) showBooking(ctx context.Context, c *fiber.Ctx, v visitor, b hub.Booking, status int, d bookingDetail) error {
	card, err := h.bookingCard(ctx, v.Locale, b, catalogueCache{})
	if err != nil {
		return h.internal(c, "booking", err)
	}
	d.Booking = card
	return h.render(c, status, "booking_view.html", v.Locale, "bk_detail_title", d)
}

// bookingCancel serves POST /account/bookings/:id/cancel.
func (h *Handler) bookingCancel(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	v := h.current(c)
	b, ok, err := h.ownBooking(ctx, c, v)
	if !ok {
		return err
	}
	if _, err := h.store.CancelBooking(ctx, b.ID, v.Account.ID, h.now()); err != nil {
		return h.changeRefused(ctx, c, v, b, err)
	}
	return c.Redirect(bookingsPath+"/"+strconv.FormatInt(b.ID, 10)+"?done=cancelled", fiber.StatusSeeOther)
}

// changeRefused shows the booking again with why a change was refused
// (422), or answers 404/500.
func (h *Handler) changeRefused(ctx context.Context, c *fiber.Ctx, v visitor, b hub.Booking, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return h.bookingNotFound(c, v)
	}
	_, key := bookingProblem(err)
	if key == "" {
		return h.internal(c, "change booking", err)
	}
	msg := h.t(v.Locale, key)
	if key == "bk_too_late" {
		rules, rerr := h.store.BranchBooking(ctx, b.BranchID)
		if rerr != nil {
			return h.internal(c, "change booking", rerr)
		}
		msg = h.tooLate(v.Locale, rules.CancelHours)
	}
	if fresh, ferr := h.store.Booking(ctx, b.ID); ferr == nil {
		b = fresh
	}
	return h.showBooking(ctx, c, v, b, fiber.StatusUnprocessableEntity, bookingDetail{Error: msg})
}

// bookingMovePage serves GET /account/bookings/:id/move: the calendar of
// the booking's branch and kind; each free time is a button posting the
// move.
func (h *Handler) bookingMovePage(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	v := h.current(c)
	b, ok, err := h.ownBooking(ctx, c, v)
	if !ok {
		return err
	}
	return h.showMove(ctx, c, v, b, fiber.StatusOK, "")
}

// showMove renders the move page with status and an error ("" for none).
func (h *Handler) showMove(ctx context.Context, c *fiber.Ctx, v visitor, b hub.Booking, status int, problem string) error {
	card, err := h.bookingCard(ctx, v.Locale, b, catalogueCache{})
	if err != nil {
		return h.internal(c, "move booking", err)
	}
	d := bookingDetail{Booking: card, Error: problem}
	if !card.Changeable {
		if d.Error == "" {
			d.Error = card.ChangeText
		}
		return h.render(c, status, "booking_move.html", v.Locale, "bk_move_title", d)
	}
	dir, err := h.store.BranchDirectory(ctx)
	if err != nil {
		return h.internal(c, "move booking", err)
	}
	var branch hub.DirectoryBranch
	for _, e := range dir {
		if e.ID == b.BranchID {
			branch = e
		}
	}
	base := bookingsPath + "/" + strconv.FormatInt(b.ID, 10) + "/move"
	d.Calendar, err = h.calendar(ctx, v.Locale, branch, b.Kind, c.Query(fMonth), c.Query(fDay), b.StartsAt, calendarLinks{
		day: func(month, day string) string {
			if day == "" {
				return base + "?" + fMonth + "=" + month
			}
			return base + "?" + fMonth + "=" + month + "&" + fDay + "=" + day
		},
	})
	d.Calendar.Action = base
	if errors.Is(err, store.ErrNoCapacity) {
		status, d.Error = fiber.StatusUnprocessableEntity, h.t(v.Locale, "bk_err_no_capacity")
	} else if err != nil {
		return h.internal(c, "move booking", err)
	}
	return h.render(c, status, "booking_move.html", v.Locale, "bk_move_title", d)
}

// bookingMove serves POST /account/bookings/:id/move (field at, a slot
// start on the branch's clock).
func (h *Handler) bookingMove(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	v := h.current(c)
	b, ok, err := h.ownBooking(ctx, c, v)
	if !ok {
		return err
	}
	branch, err := h.store.Branch(ctx, b.BranchID)
	if err != nil {
		return h.internal(c, "move booking", err)
	}
	start, err := time.ParseInLocation(slotLayout, strings.TrimSpace(c.FormValue(fAt)), h.zones.Of(branch))
	if err != nil {
		return h.showMove(ctx, c, v, b, fiber.StatusUnprocessableEntity, h.t(v.Locale, "bk_err_slot"))
	}
	if _, err := h.store.MoveBooking(ctx, b.ID, v.Account.ID, start, h.now()); err != nil {
		if errors.Is(err, store.ErrTooLateToChange) || errors.Is(err, store.ErrBookingClosed) || errors.Is(err, store.ErrNotFound) {
			return h.changeRefused(ctx, c, v, b, err)
		}
		_, key := bookingProblem(err)
		if key == "" {
			return h.internal(c, "move booking", err)
		}
		return h.showMove(ctx, c, v, b, fiber.StatusUnprocessableEntity, h.t(v.Locale, key))
	}
	return c.Redirect(bookingsPath+"/"+strconv.FormatInt(b.ID, 10)+"?done=moved", fiber.StatusSeeOther)
}
