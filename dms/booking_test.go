package dms_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// bookingAsOf is when the customer books (Monday 4 March 2030, 08:00 in
// Moscow); the slot asked for is Tuesday 10:00 there.
var (
	moscow      = mustLoad("Europe/Moscow")
	bookingAsOf = time.Date(2030, 3, 4, 8, 0, 0, 0, moscow)
	bookedSlot  = time.Date(2030, 3, 5, 10, 0, 0, 0, moscow)
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// bookVisit opens the hub's branch for maintenance bookings and books the
// Tuesday slot for a customer writing in locale; it returns the booking
// id the DMS reads in the service_request change.
func bookVisit(t *testing.T, h *apptest.Hub, key, locale string) int64 {
	t.Helper()
	ctx := context.Background()
	if err := h.Store.Gorm(ctx).Exec(`UPDATE branches SET working_hours = ? WHERE id = ?`, "Пн-Пт 09:00-18:00", h.Branch.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := h.Store.SetCapacity(ctx, h.Branch.ID, hub.KindMaintenance, 60, 2); err != nil {
		t.Fatal(err)
	}
	svc := hub.Service{BranchID: h.Branch.ID, Code: "to-15", Kind: hub.KindMaintenance, NameRU: "ТО-15 000 км", NameEN: "15,000 km service", Minutes: 60}
	if err := h.Store.SaveService(ctx, &svc); err != nil {
		t.Fatal(err)
	}
	_, err := h.Store.CreateBooking(ctx, store.BookingRequest{AccountID: 7, Phone: "+79161234567", BranchID: h.Branch.ID,
		VehicleText: "Kia Rio", Kind: hub.KindMaintenance, Services: []string{"to-15"}, Note: "Стучит подвеска", StartsAt: bookedSlot,
		Locale: locale, RequestKey: key}, bookingAsOf)
	if err != nil {
		t.Fatal(err)
	}
	_, page := h.Get(t, "/api/dms/v1/changes?after=0")
	for _, c := range page["changes"].([]any) {
		c := c.(map[string]any)
		if c["type"] == hub.ChangeServiceRequest {
			return int64(c["data"].(map[string]any)["booking_id"].(float64))
		}
	}
	t.Fatalf("no service_request in the feed: %v", page)
	return 0
}

func bookingEvent(id string, fields map[string]any) map[string]any {
	return map[string]any{"id": id, "type": "booking", "occurred_at": "2030-03-04T09:00:00+03:00", "booking": fields}
}

// customerTold lists what the customer was sent in the booking's thread
// (template key and text), with each message's outbox row checked.
func customerTold(t *testing.T, h *apptest.Hub, bookingID int64) []hub.Message {
	t.Helper()
	ctx := context.Background()
	b, err := h.Store.Booking(ctx, bookingID)
	if err != nil || b.ThreadID == nil {
		t.Fatalf("booking %d: %+v, %v", bookingID, b, err)
	}
	msgs, err := h.Store.Messages(ctx, *b.ThreadID)
	if err != nil {
		t.Fatal(err)
	}
	var out []hub.Message
	for _, m := range msgs {
		if m.Direction != hub.DirectionOut {
			continue
		}
		var recipient string
		h.Store.Gorm(ctx).Table("outbox").Where("message_id = ?", m.ID).Select("recipient").Scan(&recipient)
		if recipient != "+79161234567" {
			t.Errorf("message %q has outbox recipient %q", m.Body, recipient)
		}
		out = append(out, m)
	}
	return out
}

func TestBookingConfirmedMovedAndDeclinedTellTheCustomerOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		id := bookVisit(t, h, "k1", "ru")

		confirm := bookingEvent("bk1", map[string]any{"booking_id": id, "state": "confirmed", "note": "Ждём вас, возьмите СТС"})
		expectResults(t, h, batch(confirm), "applied")
		told := customerTold(t, h, id)
		if len(told) != 1 || told[0].TemplateKey != "booking.confirmed" ||
			!strings.Contains(told[0].Body, "05.03.2030 10:00") || !strings.Contains(told[0].Body, "Ждём вас, возьмите СТС") ||
			!strings.Contains(told[0].Body, "Сервис на Ленинском") || !strings.Contains(told[0].Body, "/account") {
			t.Fatalf("after confirm the customer was told %+v", told)
		}

		// The replay is a duplicate; the same answer under a new id changes
		// nothing and tells nobody again.
		expectResults(t, h, batch(confirm), "duplicate")
		same := bookingEvent("bk1-again", map[string]any{"booking_id": id, "state": "confirmed", "note": "Ждём вас, возьмите СТС"})
		expectResults(t, h, batch(same), "applied")
		if told := customerTold(t, h, id); len(told) != 1 {
			t.Fatalf("a repeated answer told the customer again: %+v", told)
		}

		// Moved to 12:30 written without an offset: the branch's clock.
		move := bookingEvent("bk2", map[string]any{"booking_id": float64(id), "state": "moved", "starts_at": "2030-03-05T12:30:00"})
		expectResults(t, h, batch(move), "applied")
		b, err := h.Store.Booking(ctx, id)
		if err != nil || b.State != hub.BookingMoved || !b.StartsAt.Equal(time.Date(2030, 3, 5, 12, 30, 0, 0, moscow)) {
			t.Fatalf("after move: %+v, %v", b, err)
		}
		told = customerTold(t, h, id)
		if len(told) != 2 || told[1].TemplateKey != "booking.moved" || !strings.Contains(told[1].Body, "05.03.2030 12:30") {
			t.Fatalf("after move the customer was told %+v", told)
		}

		decline := bookingEvent("bk3", map[string]any{"booking_id": itoa(id), "state": "Declined", "note": "Мастер заболел"})
		expectResults(t, h, batch(decline), "applied")
		told = customerTold(t, h, id)
		if len(told) != 3 || told[2].TemplateKey != "booking.declined" || !strings.Contains(told[2].Body, "Мастер заболел") {
			t.Fatalf("after decline the customer was told %+v", told)
		}
		if b, _ := h.Store.Booking(ctx, id); b.State != hub.BookingDeclined {
			t.Fatalf("state after decline = %s", b.State)
		}
	})
}

func TestBookingAnswerIsInTheCustomersLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		id := bookVisit(t, h, "k-en", "en")
		expectResults(t, h, batch(bookingEvent("bk1", map[string]any{"booking_id": id, "state": "confirmed"})), "applied")
		told := customerTold(t, h, id)
		if len(told) != 1 || !strings.Contains(told[0].Body, "confirmed for 5 Mar 2030, 10:00") {
			t.Fatalf("told %+v", told)
		}
	})
}

func TestBookingAfterTheCustomerCancelledIsStale(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		id := bookVisit(t, h, "k1", "ru")
		if _, err := h.Store.CancelBooking(ctx, id, 7, bookingAsOf); err != nil {
			t.Fatal(err)
		}
		ev := bookingEvent("bk1", map[string]any{"booking_id": id, "state": "confirmed"})
		expectResults(t, h, batch(ev), "stale")
		expectResults(t, h, batch(ev), "duplicate")
		if b, _ := h.Store.Booking(ctx, id); b.State != hub.BookingCancelled {
			t.Fatalf("state = %s, want cancelled", b.State)
		}
		if told := customerTold(t, h, id); len(told) != 0 {
			t.Fatalf("a cancelled booking told the customer %+v", told)
		}
	})
}

func TestBadBookingEventsAreRejectedAndChangeNothing(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		id := bookVisit(t, h, "k1", "ru")
		cases := []struct {
			fields map[string]any
			want   string
		}{
			{map[string]any{"booking_id": 999999, "state": "confirmed"}, `booking.booking_id: unknown booking 999999`},
			{map[string]any{"state": "confirmed"}, `booking.booking_id: required`},
			{map[string]any{"booking_id": "abc", "state": "confirmed"}, `booking.booking_id: not a number`},
			{map[string]any{"booking_id": 0, "state": "confirmed"}, `booking.booking_id: must be a positive whole number`},
			{map[string]any{"booking_id": true, "state": "confirmed"}, `booking.booking_id: expected a number, got a boolean`},
			{map[string]any{"booking_id": id, "state": "maybe"}, `booking.state: unknown booking state "maybe" (want confirmed, moved or declined)`},
			{map[string]any{"booking_id": id}, `booking.state: required`},
			{map[string]any{"booking_id": id, "state": "moved"}, `booking.starts_at: required when the state is moved`},
			{map[string]any{"booking_id": id, "state": "moved", "starts_at": "завтра"}, `booking.starts_at: not an ISO 8601 time`},
			{map[string]any{"booking_id": id, "state": "moved", "starts_at": "2020-01-10T10:00:00"}, `booking.starts_at: 10.01.2020 10:00 has passed; a booking moves to a time to come`},
			{map[string]any{"booking_id": id, "state": "moved", "starts_at": "0001-01-01T00:00:00Z"}, `booking.starts_at:`},
			{map[string]any{"booking_id": id, "state": "confirmed", "note": "a\x00b"}, `booking.note:`},
		}
		var events []map[string]any
		var want []string
		for i, c := range cases {
			events = append(events, bookingEvent("bad"+itoa(int64(i)), c.fields))
			want = append(want, "rejected")
		}
		events = append(events, map[string]any{"id": "nobody", "type": "booking", "occurred_at": "2030-03-04T09:00:00"})
		want = append(want, "rejected")
		results := expectResults(t, h, batch(events...), want...)
		for i, c := range cases {
			if got, _ := results[i]["error"].(string); !strings.Contains(got, c.want) {
				t.Errorf("case %d error = %q, want it to contain %q", i, got, c.want)
			}
		}
		if got, _ := results[len(cases)]["error"].(string); got != "booking: required for type booking" {
			t.Errorf("no booking object: %q", got)
		}
		if b, _ := h.Store.Booking(ctx, id); b.State != hub.BookingRequested {
			t.Fatalf("state = %s after rejected events", b.State)
		}
		if told := customerTold(t, h, id); len(told) != 0 {
			t.Fatalf("rejected events told the customer %+v", told)
		}

		// A node of another branch does not see this branch's booking.
		spb := hub.Branch{Code: "SPB1", Name: "СПб", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := h.Store.CreateBranch(ctx, &spb); err != nil {
			t.Fatal(err)
		}
		token, _, err := h.Store.CreateNodeWithToken(ctx, "1c-spb", "SPB1")
		if err != nil {
			t.Fatal(err)
		}
		h.Token = token
		results = expectResults(t, h, batch(bookingEvent("other", map[string]any{"booking_id": id, "state": "declined"})), "rejected")
		if got, _ := results[0]["error"].(string); got != "booking.booking_id: unknown booking "+itoa(id) {
			t.Errorf("another branch's node: %q", got)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A phone that refused service messages reads the DMS's answer on its
// account page: the message is kept on the thread, nothing is sent.
func TestBookingAnswerToAPhoneThatRefusedServiceMessagesStaysOnThePage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		id := bookVisit(t, h, "k1", "ru")
		if _, err := h.Store.SetConsent(ctx, "+79161234567", store.ConsentService, false, store.ConsentFromAccount, time.Now()); err != nil {
			t.Fatal(err)
		}
		expectResults(t, h, batch(bookingEvent("bk1", map[string]any{"booking_id": float64(id), "state": "confirmed"})), "applied")
		b, err := h.Store.Booking(ctx, id)
		if err != nil || b.State != hub.BookingConfirmed {
			t.Fatalf("booking %+v %v", b, err)
		}
		msgs, err := h.Store.Messages(ctx, *b.ThreadID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, m := range msgs {
			if m.TemplateKey != "booking.confirmed" {
				continue
			}
			found = true
			if m.Delivery != hub.DeliveryPageOnly {
				t.Fatalf("the answer's delivery is %q, want %q", m.Delivery, hub.DeliveryPageOnly)
			}
			if _, err := h.Store.OutboxByMessage(ctx, m.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("the answer was queued for sending: %v", err)
			}
		}
		if !found {
			t.Fatal("no booking.confirmed message on the thread")
		}
	})
}
