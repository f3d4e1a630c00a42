package account

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestBranchDirectory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		r := newBookingRig(t, st)
		waw := hub.Branch{Code: "waw1", Name: "Serwis Mokotów", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl",
			Phone: "+48221234567", WorkingHours: "Pn-Pt 08:00-18:00"}
		must(t, st.CreateBranch(ctx, &waw))
		must(t, st.SetBranchBooking(ctx, waw.ID, hub.BranchBooking{City: "Warszawa", Address: "ul. Puławska 1",
			Brands: []string{"Škoda"}, CancelHours: 2, HorizonDays: 30, LeadMinutes: 60}))
		day := time.Now().In(waw.Location()).AddDate(0, 0, 5).Format(time.DateOnly)
		must(t, st.AddHoliday(ctx, waw.ID, day, "Święto"))

		req := httpGet("/account/branches")
		req.Header.Set("Accept-Language", "pl-PL,pl;q=0.9")
		p := r.do(req, nil) // public: no sign-in
		wantIn(t, p, http.StatusOK, "Serwisy", "Serwis Mokotów", "ul. Puławska 1", "Škoda", "Pn-Pt 08:00-18:00",
			`href="tel:&#43;48221234567"`, "Najbliższe dni wolne", "Święto", "Автоцентр Север", "Kia, Hyundai",
			`href="/account/book?branch=msk1"`)
		// Warsaw takes no bookings (no capacity): no booking button for it.
		if strings.Contains(p.body, "/account/book?branch=waw1") {
			t.Fatal("a book link for a branch without capacity")
		}
		p = r.get("/account/branches?city="+url.QueryEscape("Warszawa"), nil)
		wantIn(t, p, http.StatusOK, "Serwis Mokotów", `<option value="Warszawa" selected>`)
		if strings.Contains(p.body, "Автоцентр Север") {
			t.Fatal("the city filter kept another city")
		}
		// An unknown city filters nothing.
		wantIn(t, r.get("/account/branches?city=Atlantis", nil), http.StatusOK, "Serwis Mokotów", "Автоцентр Север")
		// Signed in, the page speaks the account's language and shows its menu.
		ck, _ := signIn(t, r.h, rigPhone)
		wantIn(t, r.get("/account/branches", ck), http.StatusOK, `action="/account/sign-out"`)
	})
}
