package account

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// An outsider's tries at the booking pages: garbage ids and calendar
// parameters, another account's booking, its request key, and 15 cancels
// at once. None is a 500; nothing of another account is shown or changed.
func TestBookingAttacks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		r := newBookingRig(t, st)
		ck, csrf := signIn(t, r.h, rigPhone)
		id := r.book(ck, csrf, r.slot(3, 10))
		path := bookingsPath + "/" + itoa(id)

		for _, q := range []string{"?month=0000-01", "?month=9999-12", "?month=2026-13", "?day=0000-00-00", "?day=9999-12-31",
			"?month=%00", "?month=" + strings.Repeat("9", 1000), "?day=2030-03-31&month=2030-10"} {
			if a := r.get(path+"/move"+q, ck); a.status != http.StatusOK {
				t.Fatalf("move page %s: %d", q, a.status)
			}
			if a := r.get(bookPath+"?"+fBranch+"="+r.branch.Code+"&"+fVehicle+"="+itoa(r.vehicle)+"&"+fService+"=to&"+fServDone+"=1&"+q[1:], ck); a.status >= 500 {
				t.Fatalf("slot step %s: %d", q, a.status)
			}
		}
		for _, bad := range []string{"0", "-1", "99999999999999999999", "1e3", "%20" + itoa(id)} {
			if a := r.get(bookingsPath+"/"+bad, ck); a.status != http.StatusNotFound {
				t.Fatalf("booking %q: %d", bad, a.status)
			}
		}

		// Another account: its pages and changes are a 404, the key is refused.
		ck2, csrf2 := signIn(t, r.h, "+79169990000")
		if a := r.get(path, ck2); a.status != http.StatusNotFound || strings.Contains(a.body, "А123ВС77") {
			t.Fatalf("another's booking: %d", a.status)
		}
		for _, p := range []string{path + "/cancel", path + "/move"} {
			if a := r.post(p, url.Values{"_csrf": {csrf2}, fAt: {r.slot(4, 10)}}, ck2); a.status != http.StatusNotFound {
				t.Fatalf("another's %s: %d", p, a.status)
			}
		}
		form := r.bookingForm(csrf2, r.slot(3, 10), "key-"+r.slot(3, 10)+"-"+ck.Value[:8])
		form.Set(fVehicle, "other")
		form.Set(fMake, "Lada")
		form.Set(fModel, "Vesta")
		if a := r.post(bookPath, form, ck2); a.status == http.StatusSeeOther || a.status >= 500 {
			t.Fatalf("another's request key: %d %s", a.status, a.location)
		}

		// Move into its own slot: nothing changes.
		if a := r.post(path+"/move", url.Values{"_csrf": {csrf}, fAt: {r.slot(3, 10)}}, ck); a.status >= 500 {
			t.Fatalf("move into its own slot: %d", a.status)
		}

		// 15 cancels at once: one cancellation, the slot freed once.
		var wg sync.WaitGroup
		for i := 0; i < 15; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if a := r.post(path+"/cancel", url.Values{"_csrf": {csrf}}, ck); a.status >= 500 {
					t.Errorf("cancel: %d", a.status)
				}
			}()
		}
		wg.Wait()
		var taken, feed int64
		must(t, st.Gorm(t.Context()).Raw("SELECT COALESCE(SUM(taken), 0) FROM booking_slots").Scan(&taken).Error)
		must(t, st.Gorm(t.Context()).Raw("SELECT COUNT(*) FROM changes").Scan(&feed).Error)
		if taken != 0 || feed != 2 {
			t.Fatalf("after 15 cancels: %d places taken, %d changes in the feed (want 0, 2)", taken, feed)
		}
	})
}
