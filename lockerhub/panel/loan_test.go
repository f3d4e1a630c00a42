package panel_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/lockerwire"
)

// A box holding a courtesy car's key names the car and links to the
// loan's thread, in the box and in the event log.
func TestPanelShowsACourtesyCarsKey(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		ctx := t.Context()
		car := hub.CourtesyCar{BranchID: h.Branch.ID, Plate: "WA 12345", Model: "Škoda Fabia", Fuel: hub.FuelPetrol}
		if err := h.Store.AddCourtesyCar(ctx, &car); err != nil {
			t.Fatal(err)
		}
		at := time.Now().UTC()
		l := hub.Loan{BranchID: h.Branch.ID, ThreadID: w.thread.ID, WorkOrderID: &w.order.ID, CarID: car.ID, TokenHash: hub.HashToken("loan"),
			Locale: "ru", HandoverAt: at, DueBackAt: at.Add(24 * time.Hour), FuelEighths: 8, IdentityMethod: hub.IdentityManual, OfferedBy: "anna"}
		if err := h.Store.CreateLoan(ctx, &l); err != nil {
			t.Fatal(err)
		}
		box := w.boxes[5]
		db := h.Store.Gorm(ctx)
		if err := db.Model(&hub.LockerCompartment{}).Where("id = ?", box.ID).Updates(map[string]any{
			"state": lockerwire.StateReady, "loan_id": l.ID, "state_since": at, "item": true,
		}).Error; err != nil {
			t.Fatal(err)
		}
		ev := hub.LockerEvent{SiteID: w.site.ID, EventUID: "k-loan", Kind: lockerwire.EventKeysReturned, OccurredAt: at, ReceivedAt: at,
			CompartmentID: &box.ID, LoanID: &l.ID, Actor: "staff:anna"}
		if err := db.Create(&ev).Error; err != nil {
			t.Fatal(err)
		}
		_, page := w.signIn(t, "anna").Do(http.MethodGet, "/lockers", nil)
		link := fmt.Sprintf(`<a href="/inbox/threads/%d">Courtesy car WA 12345</a>`, w.thread.ID)
		if n := strings.Count(page, link); n != 2 {
			t.Fatalf("the courtesy car's key is named %d times, want 2 (box and log):\n%s", n, page)
		}
	})
}
