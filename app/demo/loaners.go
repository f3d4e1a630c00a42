package demo

import (
	"context"
	"fmt"

	"naryad/hub"
	"naryad/hub/store"
)

// The demo branches' courtesy cars (issue 20): two per branch and the
// branch's loan settings, so /admin/branches/<id>/loaners shows a fleet.
// A car whose plate the branch has in use already is left as it is, so a
// second demo run neither fails nor adds a car twice.

// demoLoaners is one branch's fleet and settings.
type demoLoaners struct {
	cars     []hub.CourtesyCar
	settings hub.LoanSettings
}

var (
	moscowLoaners = demoLoaners{
		cars: []hub.CourtesyCar{
			{Plate: "А 101 АА 777", VIN: "XW8AN2NE5LH000101", Model: "Škoda Octavia", Fuel: hub.FuelPetrol},
			{Plate: "А 102 АА 777", VIN: "XWEH5813BL0000102", Model: "Kia Rio", Fuel: hub.FuelPetrol, Note: "Зимняя резина"},
		},
		settings: hub.LoanSettings{IdentityMethod: hub.IdentityManual, PhotoRetentionDays: hub.DefaultPhotoRetentionDays},
	}
	warsawLoaners = demoLoaners{
		cars: []hub.CourtesyCar{
			{Plate: "WA 101ZZ", VIN: "TMBJJ7NE1L0000101", Model: "Škoda Scala", Fuel: hub.FuelPetrol},
			{Plate: "WA 102ZZ", VIN: "TMBJR7NX5M0000102", Model: "Škoda Enyaq iV", Fuel: hub.FuelElectric},
		},
		settings: hub.LoanSettings{IdentityMethod: hub.IdentityManual, PhotoRetentionDays: hub.DefaultPhotoRetentionDays,
			DepositMinor: 100000, DepositCurrency: "PLN"},
	}
)

// seedLoaners stores one branch's courtesy cars and loan settings.
func seedLoaners(ctx context.Context, st *store.Store, b hub.Branch, d demoLoaners) error {
	for _, car := range d.cars {
		car.BranchID = b.ID
		err := st.AddCourtesyCar(ctx, &car)
		if f, invalid := store.IsInvalidField(err); invalid && f.Field == "plate" && f.Problem == hub.ProblemTaken {
			continue // an earlier demo run added it
		}
		if err != nil {
			return fmt.Errorf("demo courtesy car %s of %s: %w", car.Plate, b.Code, err)
		}
	}
	set := d.settings
	set.BranchID = b.ID
	if err := st.SetLoanSettings(ctx, set); err != nil {
		return fmt.Errorf("demo loan settings of %s: %w", b.Code, err)
	}
	return nil
}
