package lockerhub_test

import (
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/lockerwire"
)

// The key dropped off at the locker ends the loan through the same return
// check as the desk: the customer's reading (sent from the loan page while
// the car was out) becomes the loan's fuel and odometer at the return,
// and less fuel than at the handover opens one staff task; the kiosk
// sending the drop-off again changes nothing.
func TestLoanDropOffWithLessFuelOpensOneTask(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		k := newKiosk(t, h, "Main")
		h.PushWorkOrder(t, "wo-1", "ЛК-201", 1, "Принят", nil)
		l := ready(t, h, lend(t, h, "ЛК-201")) // 8/8 and 12 000 km at the handover
		id := lockerwire.LoanKeysID(l.ID)
		out := time.Now().UTC().Add(-time.Hour)
		if _, err := h.Store.ChangeLoan(ctx, l.ID, hub.LoanEventOut, func(x *hub.Loan) error {
			x.State, x.OutAt = hub.LoanOut, &out
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		fuel, km := 5, 12480
		if _, err := h.Store.ReportLoanReturn(ctx, hub.LoanReturnReport{LoanID: l.ID, FuelEighths: &fuel, OdometerKm: &km}); err != nil {
			t.Fatal(err)
		}
		home := event("ev-back", lockerwire.EventKeysReceived, k.boxes[2], id)
		for range 2 { // a lost answer: the kiosk sends the same batch again
			k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{home}, Compartments: k.holding(k.boxes[2], lockerwire.StateHeld, id)})
		}
		got := loanOf(t, h, l.ID)
		if got.State != hub.LoanReturned || got.ReturnFuelEighths == nil || *got.ReturnFuelEighths != 5 || got.ReturnOdometerKm == nil || *got.ReturnOdometerKm != 12480 {
			t.Fatalf("loan after the drop-off: %+v", got)
		}
		tasks, err := h.Store.OpenStaffTasks(ctx, h.Branch.ID)
		if err != nil {
			t.Fatal(err)
		}
		var mine []store.StaffTask
		for _, task := range tasks {
			if task.Kind == store.TaskLoanReturn {
				mine = append(mine, task)
			}
		}
		if len(mine) != 1 || !strings.Contains(mine[0].Title, "WA 12345") || !strings.Contains(mine[0].Title, "5/8") || !strings.Contains(mine[0].Title, "8/8") {
			t.Fatalf("return tasks %+v, want one naming the car and the fuel", mine)
		}
	})
}
