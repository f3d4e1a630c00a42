package demo_test

import (
	"context"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/app/demo"
	"naryad/hub"
	"naryad/hub/store/storetest"
)

// After the demo loads twice, each demo branch has two courtesy cars (not
// four), available but for the one of the demo loan (loan_test.go), and
// its loan settings saved.
func TestDemoBranchesHaveTwoCourtesyCars(t *testing.T) {
	h := apptest.Start(t, storetest.SQLite(t))
	load(t, h, time.Now())
	load(t, h, time.Now())
	ctx := context.Background()
	for _, code := range []string{demo.BranchCode, demo.PolishBranchCode} {
		b, err := h.Store.BranchByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		cars, err := h.Store.CourtesyCars(ctx, b.ID, true)
		if err != nil || len(cars) != 2 {
			t.Fatalf("cars of %s: %+v, %v", code, cars, err)
		}
		for _, car := range cars {
			want := hub.CarAvailable
			if code == demo.BranchCode && car.Plate == "А 102 АА 777" {
				want = hub.CarReserved
			}
			if car.State != want || car.VIN == "" {
				t.Errorf("car of %s: %+v", code, car)
			}
		}
		if set, err := h.Store.LoanSettings(ctx, b.ID); err != nil || set.UpdatedAt.IsZero() {
			t.Errorf("loan settings of %s: %+v, %v", code, set, err)
		}
	}
}
