package ui

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"naryad/locker/kiosk"
	"naryad/lockerwire"
)

// A courtesy car's key (a loan entry from the hub): the staff menu offers
// to put it in with one tap, in every language; the box it goes into is
// ready for pickup and shows the car; the customer's code opens it; the
// plate's digits typed as a work-order number match nothing.
func TestStaffPutsACourtesyCarsKeyIn(t *testing.T) {
	r := startKiosk(t, rigOptions{})
	const loanID, loanCode = 7, "777777"
	loanKey := lockerwire.WorkOrder{ID: lockerwire.LoanKeysID(loanID), Number: "WA 12345 Škoda Fabia", Ready: true, Paid: true,
		PickupSalt: "pl7", PickupHash: lockerwire.Hash("pl7", loanCode)}
	waiting := lockerwire.WorkOrder{ID: lockerwire.LoanKeysID(8), Number: "WA 999 Kia Ceed"} // not offered any more: not Ready
	r.hub.mu.Lock()
	r.hub.state.Digest = "v2"
	r.hub.state.WorkOrders = append(r.hub.state.WorkOrders, loanKey, waiting)
	r.hub.mu.Unlock()
	if err := r.engine.SyncNow(t.Context()); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, r, Options{})
	c.post("/begin/staff", nil)
	c.post("/entry", url.Values{"code": {staffPIN}})
	r.waitScreen(t, kiosk.ScreenStaffMenu)
	for _, lang := range []string{"ru", "pl", "en"} {
		body := c.page(lang)
		if want := texts[lang]["loan_put"] + ": WA 12345 Škoda Fabia"; !strings.Contains(body, want) || !strings.Contains(body, `action="/staff/loan/7"`) {
			t.Errorf("%s staff menu does not offer %q:\n%s", lang, want, body)
		}
		if strings.Contains(body, "Kia Ceed") {
			t.Errorf("%s staff menu offers the key of a loan not waiting for it", lang)
		}
	}

	// The plate's digits are not a work-order number.
	c.post("/staff/return", url.Values{"order": {"12345"}})
	if s := r.engine.Screen(); s.Problem != kiosk.ProblemUnknownOrder {
		t.Fatalf("the plate's digits as a number: %+v", s)
	}
	c.post("/staff/loan/8", nil)
	if s := r.engine.Screen(); s.Kind != kiosk.ScreenStaffMenu || s.Problem != kiosk.ProblemUnknownOrder {
		t.Fatalf("the key of a loan not waiting for it: %+v", s)
	}
	for _, path := range []string{"/staff/loan/0", "/staff/loan/-7", "/staff/loan/x"} {
		req := httptest.NewRequest(http.MethodPost, path, nil)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if resp, _ := c.do(req); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("POST %s = %d, want 400", path, resp.StatusCode)
		}
	}

	before := r.unlocks()
	c.post("/staff/loan/7", nil)
	s := r.waitScreen(t, kiosk.ScreenDoorOpen)
	if s.Compartment != "1" || r.unlocks() != before+1 {
		t.Fatalf("put the key in: box %q, %d pulses", s.Compartment, r.unlocks()-before)
	}
	r.putIn(1)
	s = r.waitScreen(t, kiosk.ScreenStaffMenu)
	if len(s.LoanKeys) != 0 {
		t.Fatalf("the key is in, the menu still offers it: %+v", s.LoanKeys)
	}
	body := c.page("en")
	if !strings.Contains(body, "Courtesy car WA 12345 Škoda Fabia") || strings.Contains(body, `action="/staff/loan/7"`) {
		t.Fatalf("staff menu after the key went in:\n%s", body)
	}
	if err := r.engine.SyncNow(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := lastEvent(r.hub, lockerwire.EventKeysReturned); got.WorkOrderID != loanKey.ID || got.Actor != "staff:anna" {
		t.Fatalf("the hub heard %+v", got)
	}

	// The customer's code opens the box; the key taken, the box is free.
	c.post("/home", nil)
	c.post("/begin/pickup", nil)
	c.post("/entry", url.Values{"code": {loanCode}})
	if s := r.waitScreen(t, kiosk.ScreenDoorOpen); s.Compartment != "1" {
		t.Fatalf("the loan's code opened box %q", s.Compartment)
	}
	r.takeOut(1)
	r.waitScreen(t, kiosk.ScreenDone)
	if err := r.engine.SyncNow(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := lastEvent(r.hub, lockerwire.EventKeysCollected); got.WorkOrderID != loanKey.ID {
		t.Fatalf("the hub heard %+v", got)
	}
}

// lastEvent is the last event of a kind the hub holds.
func lastEvent(h *memHub, kind string) lockerwire.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := len(h.events) - 1; i >= 0; i-- {
		if h.events[i].Kind == kind {
			return h.events[i]
		}
	}
	return lockerwire.Event{}
}
