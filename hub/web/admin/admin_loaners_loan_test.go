package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// A car promised to or with a customer on a loan moves with the loan
// only (the thread's loan card): the fleet page refuses to move it, even
// with the out-of-order tick, and refuses to retire it, so the car never
// reads available while its loan is offered or out. Once the loan ends,
// the page moves it again.
func TestAdminMovesNoCarOfAnOpenLoan(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		a := signIn(t, h, "root", store.RoleAdmin)
		path := fmt.Sprintf("/admin/branches/%d/loaners", h.Branch.ID)
		car := hub.CourtesyCar{BranchID: h.Branch.ID, Plate: "WA 12345", Model: "Škoda Octavia", Fuel: hub.FuelPetrol}
		if err := h.Store.AddCourtesyCar(ctx, &car); err != nil {
			t.Fatal(err)
		}
		h.PushWorkOrder(t, "wo-1", "ЗН-1", 1, "В работе", nil)
		th := h.Thread(t, "ЗН-1")
		at := time.Now().UTC().Add(time.Hour)
		l := hub.Loan{BranchID: h.Branch.ID, ThreadID: th.ID, WorkOrderID: th.WorkOrderID, CarID: car.ID, TokenHash: "loan-token-hash",
			Locale: "ru", CustomerPhone: th.Phone, HandoverAt: at, DueBackAt: at.Add(24 * time.Hour), FuelEighths: 8,
			IdentityMethod: hub.IdentityManual, OfferedBy: "Анна"}
		if err := h.Store.CreateLoan(ctx, &l); err != nil {
			t.Fatal(err)
		}
		state := func() string {
			t.Helper()
			got, err := h.Store.CourtesyCar(ctx, car.BranchID, car.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.State
		}
		carPath := fmt.Sprintf("%s/cars/%d", path, car.ID)
		for _, form := range []url.Values{
			{"state": {hub.CarAvailable}},
			{"state": {hub.CarAvailable}, "override": {"1"}},
			{"state": {hub.CarOut}},
			{"state": {hub.CarCleaning}, "override": {"1"}},
		} {
			resp, body := a.Post(carPath+"/state", form)
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "is on a loan") {
				t.Errorf("move %v of a car on an offered loan: %d", form, resp.StatusCode)
			}
		}
		if resp, body := a.Post(carPath+"/retire", url.Values{}); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "is on a loan") {
			t.Errorf("retire a car on an offered loan: %d", resp.StatusCode)
		}
		if got := state(); got != hub.CarReserved {
			t.Fatalf("the car of an offered loan is %s", got)
		}
		var audits int64
		h.Store.Gorm(ctx).Table("audit_log").Where("action = ?", store.AuditAdminChanged).Count(&audits)
		if audits != 0 {
			t.Fatalf("%d audit rows of refused moves", audits)
		}

		// The loan withdrawn, the car is free: the page moves it again.
		if _, err := h.Store.ChangeLoan(ctx, l.ID, hub.LoanEventWithdrawn, func(x *hub.Loan) error { x.State = hub.LoanWithdrawn; return nil }); err != nil {
			t.Fatal(err)
		}
		resp, _ := a.Post(carPath+"/state", url.Values{"state": {hub.CarReserved}})
		if resp.StatusCode != http.StatusSeeOther || state() != hub.CarReserved {
			t.Fatalf("move of a free car: %d, %s", resp.StatusCode, state())
		}
	})
}
