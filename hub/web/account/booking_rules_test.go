package account

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// Fifty customers post the same slot of capacity 2 at once: two bookings,
// and forty-eight pages saying the time is taken, in their language.
func TestBookingRaceForTheLastPlaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newBookingRig(t, st)
		at := r.slot(3, 11)
		type visitor struct {
			ck   *http.Cookie
			csrf string
		}
		visitors := make([]visitor, 50)
		for i := range visitors {
			visitors[i].ck, visitors[i].csrf = signIn(t, r.h, fmt.Sprintf("+7916100%04d", i))
		}
		answers := make([]answer, len(visitors))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, v := range visitors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				form := r.bookingForm(v.csrf, at, fmt.Sprintf("race-%d", i))
				form.Set(fVehicle, otherCar)
				form.Set(fMake, "Lada")
				answers[i] = r.post(bookPath, form, v.ck)
			}()
		}
		close(start)
		wg.Wait()
		made, taken := 0, 0
		for _, a := range answers {
			switch {
			case a.status == http.StatusSeeOther && strings.HasPrefix(a.location, bookingsPath+"/"):
				made++
			case a.status == http.StatusUnprocessableEntity && strings.Contains(a.body, "That time is already taken"):
				taken++
				// The page offers the rest of that day.
				if !strings.Contains(a.body, url.QueryEscape(r.slot(3, 12))) {
					t.Fatalf("a slot-taken page without the day's other times\n%s", a.body)
				}
			default:
				t.Fatalf("unexpected answer %d %q\n%s", a.status, a.location, a.body)
			}
		}
		if made != 2 || taken != 48 || r.bookingCount() != 2 {
			t.Fatalf("made %d, taken %d, stored %d; want 2, 48, 2", made, taken, r.bookingCount())
		}
		// The full slot is no longer offered, and a stale link to it says so.
		ck, _ := signIn(t, r.h, rigPhone)
		steps := bookPath + "?branch=msk1&vehicle=" + itoa(r.vehicle) + "&sd=1&svc=to"
		if p := r.get(steps+"&day="+at[:10], ck); strings.Contains(p.body, url.QueryEscape(at)) {
			t.Fatalf("a full slot offered\n%s", p.body)
		}
		wantIn(t, r.get(steps+"&at="+url.QueryEscape(at), ck), http.StatusUnprocessableEntity, "That time is already taken")
	})
}

// A form submitted twice (a double tap, a reload) makes one booking.
func TestBookingDoubleSubmitIsOneBooking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newBookingRig(t, st)
		ck, csrf := signIn(t, r.h, rigPhone)
		form := r.bookingForm(csrf, r.slot(2, 10), "one-form")
		first := r.createdID(r.post(bookPath, form, ck))
		second := r.createdID(r.post(bookPath, form, ck))
		if first != second || r.bookingCount() != 1 {
			t.Fatalf("ids %d and %d, %d stored; want one booking", first, second, r.bookingCount())
		}
	})
}

// A slot in the past, on a holiday, outside hours or too far ahead is
// refused on the slot step with a 422 saying why; nothing is stored.
func TestBookingRefusedTimes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newBookingRig(t, st)
		holiday := r.slot(4, 10)
		must(t, st.AddHoliday(context.Background(), r.branch.ID, holiday[:10], "День города"))
		ck, csrf := signIn(t, r.h, rigPhone)
		for _, c := range []struct{ at, want string }{
			{r.slot(-1, 10), "That time has passed"},
			{holiday, "The service centre is closed that day"},
			{r.slot(2, 20), "outside the opening hours"},
			{r.slot(2, 10)[:11] + "10:30", "outside the opening hours"},
			{r.slot(90, 10), "does not take bookings that far ahead"},
			{"2026-13-45T99:00", "Please choose a time in the calendar"},
		} {
			p := r.post(bookPath, r.bookingForm(csrf, c.at, "k-"+c.at), ck)
			wantIn(t, p, http.StatusUnprocessableEntity, c.want, "Choose a time", `role="alert"`)
		}
		// In Russian for a Russian visitor.
		req := r.bookingForm(csrf, r.slot(-1, 10), "k-ru")
		ruReq := httpPost(bookPath, req)
		ruReq.Header.Set("Accept-Language", "ru")
		wantIn(t, r.do(ruReq, ck), http.StatusUnprocessableEntity, "Это время уже прошло")
		if n := r.bookingCount(); n != 0 {
			t.Fatalf("%d bookings stored", n)
		}
		// The GET confirm step of a day off never offers it.
		p := r.get(bookPath+"?branch=msk1&vehicle="+itoa(r.vehicle)+"&sd=1&svc=to&at="+url.QueryEscape(holiday), ck)
		wantIn(t, p, http.StatusUnprocessableEntity, "Please choose a time in the calendar", "Choose a time")
	})
}

// Wrong answers on a step keep the visitor there with why.
func TestBookingBadAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newBookingRig(t, st)
		ck, csrf := signIn(t, r.h, rigPhone)
		base := bookPath + "?branch=msk1&vehicle=" + itoa(r.vehicle)
		wantIn(t, r.get(bookPath+"?branch=msk1&vehicle=other&make=&model=&plate=", ck), http.StatusUnprocessableEntity,
			"Give the car&#39;s make, model or number plate", "Choose the car")
		wantIn(t, r.get(bookPath+"?branch=msk1&vehicle=other&make="+strings.Repeat("x", 61), ck), http.StatusUnprocessableEntity,
			"The text is too long")
		wantIn(t, r.get(base+"&sd=1&note=", ck), http.StatusUnprocessableEntity, "Choose at least one service")
		wantIn(t, r.get(base+"&sd=1&svc=nope", ck), http.StatusUnprocessableEntity, "no longer in the catalogue")
		wantIn(t, r.get(base+"&sd=1&note="+strings.Repeat("я", 1001), ck), http.StatusUnprocessableEntity, "The text is too long")
		wantIn(t, r.get(bookPath+"?branch=nowhere", ck), http.StatusOK, "Choose a service centre")
		// A note alone books the branch's "other" kind, or its first.
		p := r.get(base+"&sd=1&note=стучит", ck)
		wantIn(t, p, http.StatusOK, "Choose a time", "стучит")
		// A deactivated service between the steps: the POST is refused on the services step.
		must(t, st.DeactivateService(context.Background(), r.branch.ID, "to"))
		wantIn(t, r.post(bookPath, r.bookingForm(csrf, r.slot(2, 10), "k1"), ck), http.StatusUnprocessableEntity,
			"no longer in the catalogue", "What needs doing")
		// A POST missing its answers is a stale page, not a booking.
		wantIn(t, r.post(bookPath, url.Values{"_csrf": {csrf}}, ck), http.StatusUnprocessableEntity, "This page is out of date")
		if n := r.bookingCount(); n != 0 {
			t.Fatalf("%d bookings stored", n)
		}
	})
}

// Only the visitor's own bookings exist for them.
func TestBookingOfAnotherIsNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newBookingRig(t, st)
		ck, csrf := signIn(t, r.h, rigPhone)
		id := r.book(ck, csrf, r.slot(2, 10))
		other, otherCSRF := signIn(t, r.h, "+79169999999")
		path := fmt.Sprintf("%s/%d", bookingsPath, id)
		wantIn(t, r.get(path, other), http.StatusNotFound, "There is no such booking")
		wantIn(t, r.get(path+"/move", other), http.StatusNotFound, "There is no such booking")
		wantIn(t, r.post(path+"/cancel", url.Values{"_csrf": {otherCSRF}}, other), http.StatusNotFound)
		wantIn(t, r.post(path+"/move", url.Values{"_csrf": {otherCSRF}, fAt: {r.slot(3, 10)}}, other), http.StatusNotFound)
		wantIn(t, r.get(bookingsPath+"/999999", ck), http.StatusNotFound)
		wantIn(t, r.get(bookingsPath+"/abc", ck), http.StatusNotFound)
		if p := r.get(bookingsPath, other); strings.Contains(p.body, path) {
			t.Fatal("another's booking listed")
		}
		b, err := st.Booking(context.Background(), id)
		must(t, err)
		if b.State != hub.BookingRequested || !b.StartsAt.Equal(r.slotTime(r.slot(2, 10))) {
			t.Fatalf("booking changed by another: %+v", b)
		}
	})
}

// Cancel and move until the branch's cancel time; then a clear refusal.
func TestBookingCancelMoveAndTooLate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		r := newBookingRig(t, st)
		ck, csrf := signIn(t, r.h, rigPhone)
		id := r.book(ck, csrf, r.slot(2, 10))
		path := fmt.Sprintf("%s/%d", bookingsPath, id)

		p := r.get(path+"/move?day="+r.slot(3, 10)[:10], ck)
		wantIn(t, p, http.StatusOK, "Move the booking", `action="`+path+`/move"`, `value="`+r.slot(3, 12)+`"`)
		p = r.post(path+"/move", url.Values{"_csrf": {csrf}, fAt: {r.slot(3, 12)}}, ck)
		if p.status != http.StatusSeeOther || p.location != path+"?done=moved" {
			t.Fatalf("move: %d %q\n%s", p.status, p.location, p.body)
		}
		b, err := st.Booking(ctx, id)
		must(t, err)
		if !b.StartsAt.Equal(r.slotTime(r.slot(3, 12))) {
			t.Fatalf("moved to %v", b.StartsAt)
		}
		wantIn(t, r.post(path+"/move", url.Values{"_csrf": {csrf}, fAt: {r.slot(3, 20)}}, ck), http.StatusUnprocessableEntity,
			"outside the opening hours")
		wantIn(t, r.post(path+"/move", url.Values{"_csrf": {csrf}, fAt: {"garbage"}}, ck), http.StatusUnprocessableEntity,
			"Please choose a time in the calendar")

		p = r.post(path+"/cancel", url.Values{"_csrf": {csrf}}, ck)
		if p.status != http.StatusSeeOther || p.location != path+"?done=cancelled" {
			t.Fatalf("cancel: %d %q\n%s", p.status, p.location, p.body)
		}
		wantIn(t, r.get(path+"?done=cancelled", ck), http.StatusOK, "The booking is cancelled.", "Cancelled")
		wantIn(t, r.post(path+"/cancel", url.Values{"_csrf": {csrf}}, ck), http.StatusUnprocessableEntity, "already cancelled")

		// Another booking, and the clock an hour before it: too late (cancel hours 2).
		late := r.slot(2, 15)
		id2 := r.book(ck, csrf, late)
		path2 := fmt.Sprintf("%s/%d", bookingsPath, id2)
		r.clock.Set(r.slotTime(late).Add(-time.Hour))
		p = r.get(path2, ck)
		wantIn(t, p, http.StatusOK, "can no longer be cancelled or moved online", "up to 2 h before")
		if strings.Contains(p.body, "/cancel") {
			t.Fatal("a cancel button too late")
		}
		wantIn(t, r.post(path2+"/cancel", url.Values{"_csrf": {csrf}}, ck), http.StatusUnprocessableEntity,
			"can no longer be cancelled or moved online")
		wantIn(t, r.post(path2+"/move", url.Values{"_csrf": {csrf}, fAt: {r.slot(3, 10)}}, ck), http.StatusUnprocessableEntity,
			"can no longer be cancelled or moved online")
		b, err = st.Booking(ctx, id2)
		must(t, err)
		if b.State != hub.BookingRequested || !b.StartsAt.Equal(r.slotTime(late)) {
			t.Fatalf("too-late change stored: %+v", b)
		}
	})
}
