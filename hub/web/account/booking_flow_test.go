package account

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

var (
	timeLink     = regexp.MustCompile(`href="(/account/book\?[^"]*at=[^"]*)"`)
	hiddenFields = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// formOf reads a page's hidden fields as the browser would post them.
func formOf(body string) url.Values {
	v := url.Values{}
	for _, m := range hiddenFields.FindAllStringSubmatch(body, -1) {
		v.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

func wantIn(t *testing.T, p answer, status int, texts ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d\n%s", p.status, status, p.body)
	}
	for _, s := range texts {
		if !strings.Contains(p.body, s) {
			t.Fatalf("page lacks %q\n%s", s, p.body)
		}
	}
}

func TestBookingFlowStepByStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newBookingRig(t, st)
		ck, _ := signIn(t, r.h, rigPhone)

		wantIn(t, r.get(bookPath, ck), http.StatusOK, "Choose a service centre", "Автоцентр Север", `href="/account/book?branch=msk1"`)
		wantIn(t, r.get(bookPath+"?branch=msk1", ck), http.StatusOK, "Choose the car", "Kia Rio А123ВС77", "Another car")
		p := r.get(bookPath+"?branch=msk1&vehicle="+itoa(r.vehicle), ck)
		wantIn(t, p, http.StatusOK, "What needs doing", "Scheduled service", "Suspension check", `name="svc" value="to"`)
		p = r.get(bookPath+"?branch=msk1&vehicle="+itoa(r.vehicle)+"&sd=1&svc=to&note=", ck)
		wantIn(t, p, http.StatusOK, "Choose a time", "Scheduled service")
		links := timeLink.FindAllStringSubmatch(p.body, -1)
		if len(links) == 0 {
			t.Fatalf("no free time on the slot step\n%s", p.body)
		}
		p = r.get(html.UnescapeString(links[0][1]), ck)
		wantIn(t, p, http.StatusOK, "Check and confirm", `name="request_key"`, "Kia Rio А123ВС77", "Автоцентр Север")
		form := formOf(p.body)
		id := r.createdID(r.post(bookPath, form, ck))

		wantIn(t, r.get(fmt.Sprintf("%s/%d?done=created", bookingsPath, id), ck), http.StatusOK,
			"Your request has been sent", "Sent, awaiting confirmation", "Kia Rio А123ВС77", "Scheduled service", "Cancel the booking")
		wantIn(t, r.get(bookingsPath, ck), http.StatusOK, fmt.Sprintf(`href="/account/bookings/%d"`, id), "Автоцентр Север")
		b, err := st.Booking(context.Background(), id)
		must(t, err)
		if b.VehicleID == nil || *b.VehicleID != r.vehicle || b.Kind != hub.KindMaintenance || b.Phone != rigPhone ||
			!b.StartsAt.Equal(r.slotTime(form.Get(fAt))) || b.State != hub.BookingRequested {
			t.Fatalf("stored booking %+v", b)
		}
	})
}

func TestBookingPreselectedLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newBookingRig(t, st)
		ck, _ := signIn(t, r.h, rigPhone)
		// A reminder's link names the car and branch: the services step comes first.
		wantIn(t, r.get(bookPath+"?vehicle="+itoa(r.vehicle)+"&branch=msk1", ck), http.StatusOK,
			"What needs doing", "Kia Rio А123ВС77")
		// Another customer's car (or a guessed id) is ignored: the visitor chooses.
		other, _ := signIn(t, r.h, "+79169999999")
		p := r.get(bookPath+"?vehicle="+itoa(r.vehicle)+"&branch=msk1", other)
		wantIn(t, p, http.StatusOK, "Choose the car", "There are no cars on your phone number")
		if strings.Contains(p.body, "А123ВС77") {
			t.Fatal("another customer's car shown")
		}
		// Signed out, the link leads through sign-in and back.
		p = r.get(bookPath+"?vehicle="+itoa(r.vehicle)+"&branch=msk1", nil)
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, SignInPath+"?next=") {
			t.Fatalf("signed out: %d %q", p.status, p.location)
		}
	})
}
