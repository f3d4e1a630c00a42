package store_test

import (
	"fmt"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// LoansOut lists the loans out due in [from, until), earliest first, with
// their car and work order; offers not taken and loans back are left out.
func TestLoansOutByDueTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		base := time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)
		lend := func(n int, due time.Time, states ...string) hub.Loan {
			car := hub.CourtesyCar{BranchID: f.Branch.ID, Plate: fmt.Sprintf("WA %05d", n), Model: "Fiat Panda", Fuel: hub.FuelPetrol}
			if err := s.AddCourtesyCar(ctx, &car); err != nil {
				t.Fatal(err)
			}
			l := hub.Loan{BranchID: f.Branch.ID, ThreadID: f.Thread.ID, WorkOrderID: &f.Order.ID, CarID: car.ID,
				TokenHash: fmt.Sprint("due-", n), Locale: "pl", CustomerName: "Jan", HandoverAt: base.AddDate(0, 0, -3),
				DueBackAt: due, IdentityMethod: hub.IdentityManual, OfferedBy: "Ola"}
			if err := s.CreateLoan(ctx, &l); err != nil {
				t.Fatal(err)
			}
			for _, to := range states {
				var err error
				if l, err = s.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error { x.State = to; return nil }); err != nil {
					t.Fatal(err)
				}
			}
			return l
		}
		later := lend(1, base.Add(2*time.Hour), hub.LoanOut)
		first := lend(2, base, hub.LoanOut)
		lend(3, base.Add(time.Hour))                                // offered, not taken
		lend(4, base.Add(time.Hour), hub.LoanOut, hub.LoanReturned) // back
		lend(5, base.Add(24*time.Hour), hub.LoanOut)                // at until: outside

		got, err := s.LoansOut(ctx, f.Branch.ID, base, base.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != first.ID || got[1].ID != later.ID {
			t.Fatalf("loans out %+v, want loans %d and %d", got, first.ID, later.ID)
		}
		g := got[0]
		if g.ThreadID != f.Thread.ID || g.Plate != "WA 00002" || g.Model != "Fiat Panda" || g.WorkOrderNumber != f.Order.Number ||
			g.Locale != "pl" || !g.DueBackAt.Equal(base) || g.CustomerID != nil {
			t.Fatalf("loan out %+v", g)
		}
		if got, err := s.LoansOut(ctx, f.Branch.ID, time.Time{}, base.Add(time.Hour)); err != nil || len(got) != 1 || got[0].ID != first.ID {
			t.Fatalf("no lower bound: %+v %v", got, err)
		}
	})
}
