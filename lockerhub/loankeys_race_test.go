package lockerhub_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/lockerwire"
	"naryad/templates"
)

// errNotOffered stops a withdrawal of a loan no longer offered, as the
// card's withdraw does.
var errNotOffered = errors.New("not offered")

// The customer takes the key at the kiosk at the moment the advisor
// withdraws the offer, the kiosk's batch sent fifteen times (a flaky
// link) and fifteen withdrawals at once: exactly one of the two wins, and
// the car follows it — out with the loan out (every withdrawal refused),
// or available with the loan withdrawn and the key's leaving recorded
// for staff (ATTENTION, once). Never a loan out with its car available,
// nor two `out` changes.
func TestLoanKeyTakenRacesTheWithdrawal(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		k := newKiosk(t, h, "Main")
		h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Принят", nil)
		l := ready(t, h, lend(t, h, "ЛК-101"))
		id := lockerwire.LoanKeysID(l.ID)
		box := k.boxes[0]
		k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-in", lockerwire.EventKeysReturned, box, id)},
			Compartments: k.holding(box, lockerwire.StateReady, id)})

		body, err := json.Marshal(lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-out", lockerwire.EventKeysCollected, box, id)},
			Compartments: k.holding(k.boxes[1], lockerwire.StateFree, 0)})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		syncs, withdrawn := make([]int, 15), make([]error, 15)
		for i := range 15 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				req := httptest.NewRequest(http.MethodPost, lockerwire.SyncPath, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+k.token)
				<-start
				resp, err := h.Server.App().Test(req, -1)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				syncs[i] = resp.StatusCode
			}()
			go func() {
				defer wg.Done()
				<-start
				_, withdrawn[i] = h.Store.ChangeLoan(t.Context(), l.ID, hub.LoanEventWithdrawn, func(x *hub.Loan) error {
					if x.State != hub.LoanOffered {
						return errNotOffered
					}
					x.State = hub.LoanWithdrawn
					return nil
				})
			}()
		}
		close(start)
		wg.Wait()
		for _, code := range syncs {
			if code != http.StatusOK {
				t.Errorf("a sync answered %d", code)
			}
		}
		won := 0
		for _, err := range withdrawn {
			switch {
			case err == nil:
				won++
			case errors.Is(err, errNotOffered), errors.Is(err, store.ErrLoanChanged):
			default:
				t.Errorf("a withdrawal: %v", err)
			}
		}
		got := loanOf(t, h, l.ID)
		car, err := h.Store.CourtesyCar(t.Context(), h.Branch.ID, l.CarID)
		if err != nil {
			t.Fatal(err)
		}
		events := strings.Join(loanEvents(t, h, l.ID), ",")
		attention := 0
		for _, line := range notes(thread(t, h, "ЛК-101")) {
			if strings.HasPrefix(line, "ATTENTION") {
				attention++
			}
		}
		t.Logf("the %s won", map[bool]string{true: "key", false: "withdrawal"}[got.State == hub.LoanOut])
		switch {
		case got.State == hub.LoanOut:
			if won != 0 || car.State != hub.CarOut || events != "offered,verified,signed,out" || attention != 0 {
				t.Fatalf("out: %d withdrawals won, car %s, changes %s, %d ATTENTION lines", won, car.State, events, attention)
			}
			if n := count(sent(thread(t, h, "ЛК-101")), templates.KeyLoanKeyReturn); n != 1 {
				t.Fatalf("%d return codes sent", n)
			}
		case got.State == hub.LoanWithdrawn:
			if won != 1 || car.State != hub.CarAvailable || events != "offered,verified,signed,withdrawn" || attention != 1 {
				t.Fatalf("withdrawn: %d withdrawals won, car %s, changes %s, %d ATTENTION lines", won, car.State, events, attention)
			}
		default:
			t.Fatalf("loan %s", got.State)
		}
	})
}
