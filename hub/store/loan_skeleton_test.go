package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A loan's course through the one write path: the offer reserves the car
// and refuses a second offer of it, a change applies only when nobody
// changed the loan meanwhile, a move the rules forbid stores nothing, and
// the car follows the loan out and back.
func TestLoanOfferAndChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		car := hub.CourtesyCar{BranchID: f.Branch.ID, Plate: "WA 12345", Model: "Škoda Fabia", Fuel: hub.FuelPetrol}
		if err := s.AddCourtesyCar(ctx, &car); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
		offer := func(hash string) hub.Loan {
			return hub.Loan{BranchID: f.Branch.ID, ThreadID: f.Thread.ID, WorkOrderID: &f.Order.ID, CarID: car.ID, TokenHash: hash,
				Locale: "ru", CustomerName: "Иван", CustomerPhone: "+79161234567", HandoverAt: at, DueBackAt: at.Add(48 * time.Hour),
				FuelEighths: 8, OdometerKm: 12000, IdentityMethod: hub.IdentityManual, OfferedBy: "Ольга", DepositMinor: 150000, DepositCurrency: "RUB"}
		}
		l := offer("h1")
		if err := s.CreateLoan(ctx, &l); err != nil {
			t.Fatal(err)
		}
		if l.State != hub.LoanOffered || l.DepositStatus != hub.DepositRequired || l.IdentityStatus != hub.IdentityPending {
			t.Fatalf("offered loan %+v", l)
		}
		second := offer("h2")
		if err := s.CreateLoan(ctx, &second); !errors.Is(err, store.ErrCarTaken) {
			t.Fatalf("second offer of the car: %v, want ErrCarTaken", err)
		}
		if _, err := s.ChangeLoan(ctx, l.ID, hub.LoanEventOut, func(x *hub.Loan) error { x.State = hub.LoanReturned; return nil }); !errors.Is(err, store.ErrLoanMove) {
			t.Fatalf("offered → returned: %v, want ErrLoanMove", err)
		}
		got, err := s.ChangeLoan(ctx, l.ID, hub.LoanEventVerified, func(x *hub.Loan) error { x.IdentityStatus = hub.IdentityVerified; return nil })
		if err != nil || got.Version != 2 || got.IdentityStatus != hub.IdentityVerified {
			t.Fatalf("verify: %+v %v", got, err)
		}
		if _, err := s.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error { x.IdentityStatus = hub.IdentityPending; return nil }); !errors.Is(err, store.ErrLoanMove) {
			t.Fatalf("verified → pending: %v, want ErrLoanMove", err)
		}
		if _, err := s.ChangeLoan(ctx, l.ID, hub.LoanEventOut, func(x *hub.Loan) error { x.State = hub.LoanOut; return nil }); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.CourtesyCar(ctx, f.Branch.ID, car.ID); c.State != hub.CarOut {
			t.Fatalf("car after the loan went out: %s", c.State)
		}
		returned, err := s.ChangeLoan(ctx, l.ID, hub.LoanEventReturned, func(x *hub.Loan) error { x.State = hub.LoanReturned; return nil })
		if err != nil || returned.EndedAt == nil || returned.PhotosPurgeAt == nil ||
			returned.PhotosPurgeAt.Sub(*returned.EndedAt) != time.Duration(hub.DefaultPhotoRetentionDays)*24*time.Hour {
			t.Fatalf("returned loan %+v %v: want the end and the purge 30 days later", returned, err)
		}
		back, err := s.LoanByToken(ctx, "nope")
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown token: %+v %v", back, err)
		}
		changes, err := s.ChangesAfter(ctx, []int64{f.Branch.ID}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var events []string
		for _, c := range changes {
			if c.Type == hub.ChangeLoan {
				events = append(events, c.Data)
			}
		}
		if len(events) != 4 {
			t.Fatalf("loan changes %v, want offered, verified, out, returned", events)
		}
	})
}
