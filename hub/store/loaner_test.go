package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func wantInvalid(t *testing.T, err error, field, problem string) {
	t.Helper()
	f, ok := store.IsInvalidField(err)
	if !ok || f.Field != field || f.Problem != problem {
		t.Fatalf("err %v, want %s: %s", err, field, problem)
	}
}

// A branch's fleet: cars are added available with plates tidied, a plate
// another car in use has is refused however it is typed (spaces, case,
// Cyrillic look-alikes), bad fields are refused with nothing stored, a
// retired car's plate may come back, and a busy car is not retired.
func TestCourtesyCarFleet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		other := hub.Branch{Code: "waw1", Name: "Warszawa", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"}
		if err := s.CreateBranch(ctx, &other); err != nil {
			t.Fatal(err)
		}
		car := hub.CourtesyCar{BranchID: f.Branch.ID, Plate: "  а123вс  77 ", VIN: "xw8zzz61zkg000001", Model: "Škoda Octavia", Fuel: hub.FuelPetrol}
		if err := s.AddCourtesyCar(ctx, &car); err != nil {
			t.Fatal(err)
		}
		got, err := s.CourtesyCar(ctx, f.Branch.ID, car.ID)
		if err != nil || got.Plate != "А123ВС 77" || got.PlateKey != "A123BC77" || got.VIN != "XW8ZZZ61ZKG000001" || got.State != hub.CarAvailable {
			t.Fatalf("stored %+v, %v", got, err)
		}
		dup := hub.CourtesyCar{BranchID: f.Branch.ID, Plate: "A123-BC77", Model: "Kia Rio", Fuel: hub.FuelDiesel}
		wantInvalid(t, s.AddCourtesyCar(ctx, &dup), "plate", hub.ProblemTaken)
		elsewhere := dup
		elsewhere.BranchID = other.ID
		if err := s.AddCourtesyCar(ctx, &elsewhere); err != nil {
			t.Fatalf("the same plate at another branch: %v", err)
		}
		for _, bad := range []struct {
			car            hub.CourtesyCar
			field, problem string
		}{
			{hub.CourtesyCar{Plate: "", Model: "X", Fuel: hub.FuelLPG}, "plate", hub.ProblemRequired},
			{hub.CourtesyCar{Plate: "WA<script>", Model: "X", Fuel: hub.FuelLPG}, "plate", hub.ProblemFormat},
			{hub.CourtesyCar{Plate: "WA 12345678901234", Model: "X", Fuel: hub.FuelLPG}, "plate", hub.ProblemTooLong},
			{hub.CourtesyCar{Plate: "WA 1", VIN: "IOQ45678901234567", Model: "X", Fuel: hub.FuelLPG}, "vin", hub.ProblemFormat},
			{hub.CourtesyCar{Plate: "WA 1", Model: " ", Fuel: hub.FuelLPG}, "model", hub.ProblemRequired},
			{hub.CourtesyCar{Plate: "WA 1", Model: "X", Fuel: "coal"}, "fuel", hub.ProblemFormat},
		} {
			bad.car.BranchID = f.Branch.ID
			wantInvalid(t, s.AddCourtesyCar(ctx, &bad.car), bad.field, bad.problem)
		}
		if cars, _ := s.CourtesyCars(ctx, f.Branch.ID, true); len(cars) != 1 {
			t.Fatalf("refused cars were stored: %+v", cars)
		}

		second := hub.CourtesyCar{BranchID: f.Branch.ID, Plate: "B 777 OP 77", Model: "Kia Rio", Fuel: hub.FuelHybrid}
		if err := s.AddCourtesyCar(ctx, &second); err != nil {
			t.Fatal(err)
		}
		edit := second
		edit.Plate = "a 123 bc 77"
		wantInvalid(t, s.EditCourtesyCar(ctx, edit), "plate", hub.ProblemTaken)
		edit.Plate, edit.Model, edit.Note = "B777OP77", "Kia Ceed", "зимняя резина"
		if err := s.EditCourtesyCar(ctx, edit); err != nil {
			t.Fatalf("edit keeping its own plate: %v", err)
		}
		if got, _ := s.CourtesyCar(ctx, f.Branch.ID, second.ID); got.Model != "Kia Ceed" || got.Plate != "B777OP77" || got.Note != "зимняя резина" {
			t.Fatalf("edited %+v", got)
		}
		if err := s.EditCourtesyCar(ctx, hub.CourtesyCar{ID: second.ID, BranchID: other.ID, Plate: "X1", Model: "X", Fuel: hub.FuelLPG}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("edit through another branch: %v", err)
		}

		if _, err := s.SetCarState(ctx, f.Branch.ID, car.ID, hub.CarReserved, false); err != nil {
			t.Fatal(err)
		}
		var refused *hub.CarMoveRefused
		if err := s.RetireCourtesyCar(ctx, f.Branch.ID, car.ID); !errors.As(err, &refused) {
			t.Fatalf("retiring a reserved car: %v", err)
		}
		if _, err := s.SetCarState(ctx, f.Branch.ID, car.ID, hub.CarAvailable, false); err != nil {
			t.Fatal(err)
		}
		if err := s.RetireCourtesyCar(ctx, f.Branch.ID, car.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RetireCourtesyCar(ctx, f.Branch.ID, car.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("retiring twice: %v", err)
		}
		if _, err := s.SetCarState(ctx, f.Branch.ID, car.ID, hub.CarReserved, true); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("state of a retired car: %v", err)
		}
		if err := s.EditCourtesyCar(ctx, hub.CourtesyCar{ID: car.ID, BranchID: f.Branch.ID, Plate: "X1", Model: "X", Fuel: hub.FuelLPG}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("editing a retired car: %v", err)
		}
		again := hub.CourtesyCar{BranchID: f.Branch.ID, Plate: "А123ВС77", Model: "Škoda Kamiq", Fuel: hub.FuelPetrol}
		if err := s.AddCourtesyCar(ctx, &again); err != nil {
			t.Fatalf("a retired car's plate on a new car: %v", err)
		}
		inUse, _ := s.CourtesyCars(ctx, f.Branch.ID, false)
		all, _ := s.CourtesyCars(ctx, f.Branch.ID, true)
		if len(inUse) != 2 || len(all) != 3 || all[2].ID != car.ID {
			t.Fatalf("in use %+v, all %+v", inUse, all)
		}
	})
}

// A car follows a loan's course; a move out of it is refused without
// override and made with it; of two advisors moving a car at once one wins.
func TestCourtesyCarStates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		car := hub.CourtesyCar{BranchID: f.Branch.ID, Plate: "WA 12345", Model: "Škoda Fabia", Fuel: hub.FuelPetrol}
		if err := s.AddCourtesyCar(ctx, &car); err != nil {
			t.Fatal(err)
		}
		course := []string{hub.CarReserved, hub.CarAvailable, hub.CarReserved, hub.CarOut, hub.CarReturned, hub.CarCleaning, hub.CarAvailable}
		prev := hub.CarAvailable
		for _, to := range course {
			from, err := s.SetCarState(ctx, f.Branch.ID, car.ID, to, false)
			if err != nil || from != prev {
				t.Fatalf("%s → %s: from %s, %v", prev, to, from, err)
			}
			prev = to
		}
		for _, bad := range [][2]string{{hub.CarAvailable, hub.CarOut}, {hub.CarAvailable, hub.CarCleaning}} {
			var refused *hub.CarMoveRefused
			if _, err := s.SetCarState(ctx, f.Branch.ID, car.ID, bad[1], false); !errors.As(err, &refused) || refused.From != bad[0] {
				t.Fatalf("%s → %s without override: %v", bad[0], bad[1], err)
			}
		}
		if got, _ := s.CourtesyCar(ctx, f.Branch.ID, car.ID); got.State != hub.CarAvailable {
			t.Fatalf("a refused move changed the state to %s", got.State)
		}
		if _, err := s.SetCarState(ctx, f.Branch.ID, car.ID, "stolen", true); err == nil {
			t.Fatal("an unknown state was taken")
		}
		if _, err := s.SetCarState(ctx, f.Branch.ID, car.ID, hub.CarOut, true); err != nil {
			t.Fatalf("override: %v", err)
		}
		if _, err := s.SetCarState(ctx, f.Branch.ID+1000, car.ID, hub.CarReturned, false); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another branch's car: %v", err)
		}

		// out → returned by two at once: exactly one moves it, the other
		// is told the car changed (or, having read it late, refused).
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.SetCarState(ctx, f.Branch.ID, car.ID, hub.CarReturned, false)
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			}
		}
		// A late reader sees returned already and its move is a no-op,
		// which is not an error either; what must not happen is an error
		// other than ErrCarChanged.
		for _, err := range errs {
			if err != nil && !errors.Is(err, store.ErrCarChanged) {
				t.Fatalf("parallel move: %v", err)
			}
		}
		if wins == 0 {
			t.Fatalf("no parallel move won: %v", errs)
		}
		if got, _ := s.CourtesyCar(ctx, f.Branch.ID, car.ID); got.State != hub.CarReturned {
			t.Fatalf("after the parallel moves: %s", got.State)
		}
	})
}

// A branch's loan settings: defaults until saved, validated, saved again
// over the first ones.
func TestLoanSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		got, err := s.LoanSettings(ctx, f.Branch.ID)
		if err != nil || got != hub.DefaultLoanSettings(f.Branch.ID) {
			t.Fatalf("defaults %+v, %v", got, err)
		}
		good := hub.LoanSettings{BranchID: f.Branch.ID, IdentityMethod: hub.IdentityStripe, PhotoRetentionDays: 14,
			DepositMinor: 3000000, DepositCurrency: "rub", TermsRU: "Не курить в машине."}
		for _, bad := range []struct {
			change         func(*hub.LoanSettings)
			field, problem string
		}{
			{func(l *hub.LoanSettings) { l.IdentityMethod = "passport-scan" }, "identity_method", hub.ProblemFormat},
			{func(l *hub.LoanSettings) { l.PhotoRetentionDays = 0 }, "photo_retention_days", hub.ProblemRange},
			{func(l *hub.LoanSettings) { l.PhotoRetentionDays = 366 }, "photo_retention_days", hub.ProblemRange},
			{func(l *hub.LoanSettings) { l.DepositMinor = -1 }, "deposit", hub.ProblemRange},
			{func(l *hub.LoanSettings) { l.DepositCurrency = "ZZZ" }, "deposit_currency", hub.ProblemFormat},
			{func(l *hub.LoanSettings) { l.DepositCurrency = "" }, "deposit_currency", hub.ProblemFormat},
		} {
			set := good
			bad.change(&set)
			wantInvalid(t, s.SetLoanSettings(ctx, set), bad.field, bad.problem)
		}
		if got, _ := s.LoanSettings(ctx, f.Branch.ID); got != hub.DefaultLoanSettings(f.Branch.ID) {
			t.Fatalf("refused settings were stored: %+v", got)
		}
		if err := s.SetLoanSettings(ctx, good); err != nil {
			t.Fatal(err)
		}
		got, _ = s.LoanSettings(ctx, f.Branch.ID)
		if got.IdentityMethod != hub.IdentityStripe || got.PhotoRetentionDays != 14 || got.DepositMinor != 3000000 || got.DepositCurrency != "RUB" || got.TermsRU != "Не курить в машине." {
			t.Fatalf("saved %+v", got)
		}
		none := hub.LoanSettings{BranchID: f.Branch.ID, IdentityMethod: hub.IdentityManual, PhotoRetentionDays: 30, DepositCurrency: "RUB"}
		if err := s.SetLoanSettings(ctx, none); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.LoanSettings(ctx, f.Branch.ID); got.DepositMinor != 0 || got.DepositCurrency != "" || got.TermsRU != "" {
			t.Fatalf("saved again %+v", got)
		}
		if _, err := s.LoanSettings(ctx, 99999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown branch: %v", err)
		}
	})
}
