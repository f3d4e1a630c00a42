package payments_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A returned car's deposit settled by staff, taken in part or released,
// settles the loan: it closes, and the DMS's last loan change is `closed`
// with the deposit's outcome. A loan withdrawn before the car left keeps
// its end when the hub lets its hold go.
func TestSettledDepositClosesTheReturnedLoan(t *testing.T) {
	for _, c := range []struct {
		name        string
		capture     int64
		end, status string
		events      []string
	}{
		{"captured", 250000, hub.LoanClosed, hub.DepositCaptured,
			[]string{hub.LoanEventOffered, hub.LoanEventDepositHeld, hub.LoanEventOut, hub.LoanEventReturned, hub.LoanEventClosed}},
		{"released", 0, hub.LoanClosed, hub.DepositReleased,
			[]string{hub.LoanEventOffered, hub.LoanEventDepositHeld, hub.LoanEventOut, hub.LoanEventReturned, hub.LoanEventClosed}},
		{"withdrawn", -1, hub.LoanWithdrawn, hub.DepositReleased,
			[]string{hub.LoanEventOffered, hub.LoanEventDepositHeld, hub.LoanEventWithdrawn}},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
				ctx := context.Background()
				d := newDepositEnv(t, s, hub.ProviderYooKassa)
				d.startHold(t)
				h := d.holds(t)[0]
				d.yk.Pay(h.ProviderID, "")
				d.yooKassaNotice(t, "payment.waiting_for_capture", h.ProviderID)
				if c.capture < 0 {
					d.move(t, hub.LoanEventWithdrawn, hub.LoanWithdrawn)
					if err := d.svc.ReleaseDeposit(ctx, d.loan.ID); err != nil {
						t.Fatal(err)
					}
				} else {
					d.move(t, hub.LoanEventOut, hub.LoanOut)
					d.move(t, hub.LoanEventReturned, hub.LoanReturned)
					if err := d.svc.SettleDeposit(ctx, d.loan.ID, c.capture, "Ольга"); err != nil {
						t.Fatal(err)
					}
				}
				if l := d.loanNow(t); l.State != c.end || l.DepositStatus != c.status {
					t.Fatalf("loan %s, deposit %s; want %s, %s", l.State, l.DepositStatus, c.end, c.status)
				}
				if ev := d.loanEvents(t); !slices.Equal(ev, c.events) {
					t.Fatalf("loan changes %v, want %v", ev, c.events)
				}
				changes := d.changes(t, hub.ChangeLoan)
				var last hub.LoanData
				if err := json.Unmarshal([]byte(changes[len(changes)-1].Data), &last); err != nil {
					t.Fatal(err)
				}
				if c.end == hub.LoanClosed && (last.State != hub.LoanClosed || last.DepositStatus != c.status) {
					t.Fatalf("the closed change: %+v", last)
				}
			})
		})
	}
}
