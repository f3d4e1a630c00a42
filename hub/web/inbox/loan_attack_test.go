package inbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// Attacks on the loan card from outside: many identical presses at once,
// opposite actions racing each other and the customer's own page. Each
// must end in exactly one outcome, with the car where the loan says.

// loanRequest is a POST of the card with anna's session and CSRF token,
// for a test that sends many at once.
func loanRequest(b *browser, path string, fields ...string) *http.Request {
	form := url.Values{"csrf": {b.CSRF}}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "en")
	b.AddCookies(req)
	return req
}

// sendAtOnce sends the requests together and returns their statuses.
func sendAtOnce(t *testing.T, h *apptest.Hub, reqs []*http.Request) []int {
	t.Helper()
	codes := make([]int, len(reqs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, req := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := h.Server.App().Test(req, -1)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	return codes
}

// tally counts the statuses; any other than those allowed fails the test.
func tally(t *testing.T, what string, codes []int, allowed ...int) map[int]int {
	t.Helper()
	n := map[int]int{}
	for _, c := range codes {
		n[c]++
		ok := false
		for _, a := range allowed {
			ok = ok || a == c
		}
		if !ok {
			t.Errorf("%s: a request answered %d, want one of %v", what, c, allowed)
		}
	}
	return n
}

// Two advisors offering two different cars on one work order at the same
// moment: one car at a time per work order holds, exactly one offer is
// made and the other car stays available.
func TestLoanAttackTwoCarsOnOneWorkOrderAtOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		second := hub.CourtesyCar{BranchID: w.a.BranchID, Plate: "К 222 КК 77", Model: "Kia Ceed", Fuel: hub.FuelPetrol}
		if err := h.Store.AddCourtesyCar(ctx, &second); err != nil {
			t.Fatal(err)
		}
		anna, boris := w.signIn(t, "anna"), w.signIn(t, "boris")
		reqs := make([]*http.Request, 14)
		for i := range reqs {
			b, car := anna, w.car
			if i%2 == 1 {
				b, car = boris, second
			}
			reqs[i] = loanRequest(b, w.url+"/loans", w.offerFields(car)...)
		}
		n := tally(t, "offer", sendAtOnce(t, h, reqs), http.StatusSeeOther, http.StatusConflict)
		ls, err := h.Store.LoansOfThread(ctx, w.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n[http.StatusSeeOther] != 1 || len(ls) != 1 {
			t.Fatalf("two cars offered at once on one work order: %v, %d loans", n, len(ls))
		}
		for _, car := range []hub.CourtesyCar{w.car, second} {
			got, err := h.Store.CourtesyCar(ctx, car.BranchID, car.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := hub.CarAvailable
			if car.ID == ls[0].CarID {
				want = hub.CarReserved
			}
			if got.State != want {
				t.Errorf("car %s is %s, want %s", car.Plate, got.State, want)
			}
		}
	})
}
