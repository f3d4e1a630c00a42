//go:build linux || darwin

package station_test

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/web/loan"
	"naryad/locker/kiosk"
	"naryad/templates"
)

// lendCar offers a courtesy car to the customer of work order number, as
// the advisor's offer does, and returns the loan.
func lendCar(t *testing.T, h *apptest.Hub, number, plate string) hub.Loan {
	t.Helper()
	car := hub.CourtesyCar{BranchID: h.Branch.ID, Plate: plate, Model: "Škoda Fabia", Fuel: hub.FuelPetrol}
	if err := h.Store.AddCourtesyCar(t.Context(), &car); err != nil {
		t.Fatal(err)
	}
	w := workOrder(t, h, number)
	at := time.Now().UTC().Truncate(time.Second)
	l := hub.Loan{BranchID: h.Branch.ID, ThreadID: h.Thread(t, number).ID, WorkOrderID: &w.ID, CarID: car.ID,
		TokenHash: hub.HashToken("loan-" + number), Locale: "ru", CustomerName: "Иван", CustomerPhone: "+79161234567",
		HandoverAt: at, DueBackAt: at.Add(48 * time.Hour), FuelEighths: 8, OdometerKm: 12000,
		IdentityMethod: hub.IdentityManual, OfferedBy: "Ольга"}
	if err := h.Store.CreateLoan(t.Context(), &l); err != nil {
		t.Fatal(err)
	}
	return l
}

// makeReady verifies the customer and signs the agreement, as the identity
// check and the customer's page do.
func makeReady(t *testing.T, h *apptest.Hub, l hub.Loan) hub.Loan {
	t.Helper()
	l, err := h.Store.ChangeLoan(t.Context(), l.ID, hub.LoanEventVerified, func(x *hub.Loan) error {
		x.IdentityStatus = hub.IdentityVerified
		return nil
	})
	if err == nil {
		l, err = h.Store.ChangeLoan(t.Context(), l.ID, hub.LoanEventSigned, func(x *hub.Loan) error {
			at := time.Now().UTC()
			x.SignedAt, x.SignedName = &at, "Иван Петров"
			return nil
		})
	}
	if err != nil || !l.Ready() {
		t.Fatalf("ready: %+v %v", l, err)
	}
	return l
}

// loanCodeText is the code in a loan message, Russian or Polish ("…
// введите код 123456.", "… wpisz kod 123456.").
var loanCodeText = regexp.MustCompile(`(?:код|kod) (\d{6})\.`)

func loanCodeIn(t *testing.T, msgs []hub.Message, key string) string {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].TemplateKey == key {
			if m := loanCodeText.FindStringSubmatch(msgs[i].Body); m != nil {
				return m[1]
			}
			t.Fatalf("%s carries no code: %q", key, msgs[i].Body)
		}
	}
	t.Fatalf("no %s message in the thread", key)
	return ""
}

// waitLoan waits until the hub holds the loan in state.
func waitLoan(t *testing.T, h *apptest.Hub, id int64, state string) hub.Loan {
	t.Helper()
	var l hub.Loan
	waitUntil(t, 5*time.Second, func() string { return "loan " + l.State + ", want " + state }, func() bool {
		var err error
		l, err = h.Store.Loan(t.Context(), id)
		return err == nil && l.State == state
	})
	return l
}

// Issue #20's keys at a real locker: the hub serving HTTP, a station with
// the Kerong driver on a pseudo-terminal. Staff put the courtesy car's key
// in from the staff menu; before the loan is ready no code exists; once
// ready, the code the customer is sent opens that box and the loan goes
// out; the code then opens nothing; the return code sent with it takes the
// key back and the loan is returned.
func TestCourtesyCarKeyOutAndBackThroughTheLocker(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		site := addLockerSite(t, h, "Yard", 1)
		addStaffPIN(t, h, "olga", staffPIN)
		hubURL, _ := h.ServeAt(t, "127.0.0.1:0")
		boards, link := simulateBoards(t, 1)
		st, _ := startStation(t, link, hubURL, site.Token)
		k := &front{t: t, e: st.Engine(), boards: boards}
		keys := h.Server.LoanKeys()
		const number = "ЛК-301"
		h.PushWorkOrder(t, "wo-1", number, 1, "Принят", nil)
		l := lendCar(t, h, number, "WA 12345")
		k.sync()

		// Staff put the key in: the staff menu offers the car.
		if err := k.enter(kiosk.ModeStaff, staffPIN); err != nil || k.e.Screen().Kind != kiosk.ScreenStaffMenu {
			t.Fatalf("staff PIN: %v, screen %+v", err, k.e.Screen())
		}
		if lk := k.e.Screen().LoanKeys; len(lk) != 1 || lk[0].LoanID != l.ID || lk[0].Car != "WA 12345 Škoda Fabia" {
			t.Fatalf("staff menu's courtesy cars: %+v", lk)
		}
		box := k.opens("staff putting the key in", func() error { return k.e.StaffPutLoanKey(ctx, l.ID) })
		k.shut(box, true, kiosk.ScreenStaffMenu)
		k.e.Home()
		k.sync()

		// Not ready: no code to give, none sent; nothing typed opens the box.
		if _, err := keys.PickupCode(ctx, l); !errors.Is(err, loan.ErrNotReady) {
			t.Fatalf("pickup code before the loan is ready: %v", err)
		}
		if n := sentCount(threadOf(t, h, number), templates.KeyLoanKeyPickup); n != 0 {
			t.Fatalf("%d codes sent before the loan is ready", n)
		}

		// Verified and signed: the code sent opens the key's box.
		l = makeReady(t, h, l)
		code, err := keys.PickupCode(ctx, l)
		if err != nil || code.Code == "" || code.SiteName != "Yard" {
			t.Fatalf("pickup code: %+v %v", code, err)
		}
		if sent := loanCodeIn(t, threadOf(t, h, number), templates.KeyLoanKeyPickup); sent != code.Code {
			t.Fatalf("sent %s, shown %s", sent, code.Code)
		}
		k.sync()
		out := k.opens("pickup of the courtesy car's key", func() error { return k.enter(kiosk.ModePickup, code.Code) })
		if out != box {
			t.Fatalf("the code opened box %d, the key is in box %d", out+1, box+1)
		}
		k.shut(out, false, kiosk.ScreenDone)
		k.e.Home()
		k.sync()
		if got := waitLoan(t, h, l.ID, hub.LoanOut); got.OutAt == nil {
			t.Fatalf("loan out without its time: %+v", got)
		}

		// The code has done its job: it opens nothing now.
		before := k.totalUnlocks()
		if err := k.enter(kiosk.ModePickup, code.Code); err != nil {
			t.Fatal(err)
		}
		if s := k.e.Screen(); s.Kind != kiosk.ScreenEntry || s.Problem != kiosk.ProblemWrongCode || k.totalUnlocks() != before {
			t.Fatalf("the used code: screen %+v, %d pulses", s, k.totalUnlocks()-before)
		}
		k.e.Home()

		// The car comes back: the return code takes the key.
		ret := loanCodeIn(t, threadOf(t, h, number), templates.KeyLoanKeyReturn)
		back := k.opens("return of the courtesy car's key", func() error { return k.enter(kiosk.ModeDropOff, ret) })
		k.shut(back, true, kiosk.ScreenDone)
		k.e.Home()
		k.sync()
		if got := waitLoan(t, h, l.ID, hub.LoanReturned); got.ReturnedAt == nil {
			t.Fatalf("loan returned without its time: %+v", got)
		}
		msgs := threadOf(t, h, number)
		if sentCount(msgs, templates.KeyLoanKeyReturned) != 1 || noteCount(msgs, "the car is back") != 1 {
			t.Fatalf("thread after the return: %d thanks, %d lines", sentCount(msgs, templates.KeyLoanKeyReturned), noteCount(msgs, "the car is back"))
		}
	})
}

// A loan withdrawn after its code was sent: the kiosk learns at its next
// sync, and the code opens nothing.
func TestWithdrawnLoansCodeNoLongerOpensTheLocker(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		site := addLockerSite(t, h, "Yard", 1)
		addStaffPIN(t, h, "olga", staffPIN)
		hubURL, _ := h.ServeAt(t, "127.0.0.1:0")
		boards, link := simulateBoards(t, 1)
		st, _ := startStation(t, link, hubURL, site.Token)
		k := &front{t: t, e: st.Engine(), boards: boards}
		const number = "ЛК-302"
		h.PushWorkOrder(t, "wo-1", number, 1, "Принят", nil)
		l := makeReady(t, h, lendCar(t, h, number, "WA 777"))
		k.sync()
		if err := k.enter(kiosk.ModeStaff, staffPIN); err != nil {
			t.Fatal(err)
		}
		box := k.opens("staff putting the key in", func() error { return k.e.StaffPutLoanKey(ctx, l.ID) })
		k.shut(box, true, kiosk.ScreenStaffMenu)
		k.e.Home()
		k.sync() // the key is in and the loan ready: the code goes out
		code := loanCodeIn(t, threadOf(t, h, number), templates.KeyLoanKeyPickup)
		k.sync()

		if _, err := h.Store.ChangeLoan(ctx, l.ID, hub.LoanEventWithdrawn, func(x *hub.Loan) error {
			x.State = hub.LoanWithdrawn
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		k.sync()
		before := k.totalUnlocks()
		if err := k.enter(kiosk.ModePickup, code); err != nil {
			t.Fatal(err)
		}
		if s := k.e.Screen(); s.Kind != kiosk.ScreenEntry || s.Problem != kiosk.ProblemWrongCode || k.totalUnlocks() != before {
			t.Fatalf("the withdrawn loan's code: screen %+v, %d pulses", s, k.totalUnlocks()-before)
		}
	})
}
