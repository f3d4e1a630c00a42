package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// holdLoan offers a loan with a deposit of 1 500 RUB on the fixture's
// work order.
func holdLoan(t *testing.T, s *store.Store, f storetest.Fixture, hash string) hub.Loan {
	t.Helper()
	ctx := context.Background()
	car := hub.CourtesyCar{BranchID: f.Branch.ID, Plate: "А 1" + hash + " ВС 77", Model: "Škoda Rapid", Fuel: hub.FuelPetrol}
	if err := s.AddCourtesyCar(ctx, &car); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	l := hub.Loan{BranchID: f.Branch.ID, ThreadID: f.Thread.ID, WorkOrderID: &f.Order.ID, CarID: car.ID, TokenHash: hash,
		Locale: "ru", CustomerName: "Иван", CustomerPhone: "+79161234567", HandoverAt: at, DueBackAt: at.Add(48 * time.Hour),
		FuelEighths: 8, OdometerKm: 12000, IdentityMethod: hub.IdentityManual, OfferedBy: "Ольга", DepositMinor: 150000, DepositCurrency: "RUB"}
	if err := s.CreateLoan(ctx, &l); err != nil {
		t.Fatal(err)
	}
	return l
}

func newHold(l hub.Loan, key string) hub.Payment {
	return hub.Payment{BranchID: l.BranchID, LoanID: &l.ID, Kind: hub.PaymentForLoanDeposit, AmountMinor: l.DepositMinor,
		Currency: l.DepositCurrency, Provider: hub.ProviderYooKassa, IdempotencyKey: key, Status: hub.PaymentPending}
}

// A hold is the loan's, not the work order's: it is stored without a work
// order, read back, one open per loan however many presses race, moved
// only forward, and invisible to every work-order payment query (paid
// online, the open payment, the list, the report's sums).
func TestHoldIsTheLoansAndOnlyMovesForward(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		l := holdLoan(t, s, f, "h1")

		const presses = 15
		var wg sync.WaitGroup
		errs := make([]error, presses)
		for i := range presses {
			wg.Go(func() {
				p := newHold(l, "key-"+string(rune('a'+i)))
				errs[i] = s.CreateHold(ctx, &p)
			})
		}
		wg.Wait()
		made := 0
		for _, err := range errs {
			switch {
			case err == nil:
				made++
			case !errors.Is(err, store.ErrOpenHoldExists):
				t.Fatalf("racing hold: %v", err)
			}
		}
		if made != 1 {
			t.Fatalf("%d holds made by %d presses, want 1", made, presses)
		}
		p, err := s.OpenHoldOfLoan(ctx, l.ID)
		if err != nil || p.WorkOrderID != 0 || p.LoanID == nil || *p.LoanID != l.ID || p.ThreadID != nil {
			t.Fatalf("open hold: %+v %v", p, err)
		}
		bad := newHold(l, "with-order")
		bad.WorkOrderID = f.Order.ID
		if err := s.CreateHold(ctx, &bad); err == nil {
			t.Fatal("a hold with a work order was stored")
		}

		if ok, err := s.ApplyHoldState(ctx, p.ID, store.PaymentState{Status: hub.PaymentFailed, Reason: "declined"}, nil); err != nil || !ok {
			t.Fatalf("fail: %v %v", ok, err)
		}
		p2 := newHold(l, "second")
		if err := s.CreateHold(ctx, &p2); err != nil {
			t.Fatalf("a new hold after the first failed: %v", err)
		}
		next := time.Now().Add(24 * time.Hour)
		if ok, err := s.ApplyHoldState(ctx, p2.ID, store.PaymentState{Status: hub.PaymentAuthorized, Method: "bank_card"}, &next); err != nil || !ok {
			t.Fatalf("authorize: %v %v", ok, err)
		}
		if ok, _ := s.ApplyHoldState(ctx, p2.ID, store.PaymentState{Status: hub.PaymentAuthorized}, &next); ok {
			t.Fatal("authorized twice")
		}
		if ok, _ := s.ApplyHoldState(ctx, p2.ID, store.PaymentState{Status: hub.PaymentFailed}, nil); ok {
			t.Fatal("a late failure moved a hold in place back")
		}
		third := newHold(l, "third")
		if err := s.CreateHold(ctx, &third); !errors.Is(err, store.ErrOpenHoldExists) {
			t.Fatalf("a second hold beside one in place: %v", err)
		}
		if n, err := s.HeldHoldsOfBranch(ctx, f.Branch.ID, hub.ProviderYooKassa); err != nil || n != 1 {
			t.Fatalf("held: %d %v", n, err)
		}
		due, err := s.DueHeldChecks(ctx, next.Add(time.Minute), 10)
		if err != nil || len(due) != 1 || due[0].ID != p2.ID {
			t.Fatalf("due held checks: %+v %v", due, err)
		}
		if won, err := s.ClaimHeldCheck(ctx, due[0], time.Now().Add(time.Hour)); err != nil || !won {
			t.Fatalf("claim: %v %v", won, err)
		}
		if won, _ := s.ClaimHeldCheck(ctx, due[0], time.Now().Add(time.Hour)); won {
			t.Fatal("claimed twice")
		}

		if ok, err := s.ApplyHoldState(ctx, p2.ID, store.PaymentState{Status: hub.PaymentSucceeded, PaidMinor: 40000}, nil); err != nil || !ok {
			t.Fatalf("capture: %v %v", ok, err)
		}
		if ok, _ := s.ApplyHoldState(ctx, p2.ID, store.PaymentState{Status: hub.PaymentCancelled}, nil); ok {
			t.Fatal("a captured hold was released afterwards")
		}
		got, err := s.Payment(ctx, p2.ID)
		if err != nil || got.Status != hub.PaymentSucceeded || got.PaidMinor != 40000 || got.NextCheckAt != nil || got.Method != "bank_card" {
			t.Fatalf("captured hold: %+v %v", got, err)
		}
		holds, err := s.HoldsOfLoan(ctx, l.ID)
		if err != nil || len(holds) != 2 || holds[0].ID != p2.ID {
			t.Fatalf("holds of the loan: %+v %v", holds, err)
		}

		// The work order knows nothing of it.
		if paid, err := s.OnlinePaidMinor(ctx, f.Order.ID); err != nil || paid != 0 {
			t.Fatalf("paid online with a captured deposit: %d %v", paid, err)
		}
		if list, err := s.PaymentsOfWorkOrder(ctx, f.Order.ID); err != nil || len(list) != 0 {
			t.Fatalf("the work order's payments: %+v %v", list, err)
		}
		if list, err := s.PaymentsOfThread(ctx, f.Thread.ID); err != nil || len(list) != 0 {
			t.Fatalf("the thread's payments: %+v %v", list, err)
		}
		if _, err := s.OpenPaymentOfWorkOrder(ctx, f.Order.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("open payment of the work order: %v", err)
		}
		// A work-order payment still needs its work order.
		orphan := hub.Payment{BranchID: f.Branch.ID, Kind: hub.PaymentForWorkOrder, AmountMinor: 100, Currency: "RUB",
			Provider: hub.ProviderYooKassa, IdempotencyKey: "orphan", Status: hub.PaymentPending}
		if err := s.CreatePayment(ctx, &orphan); err == nil {
			t.Fatal("a work-order payment without a work order was stored")
		}
	})
}
