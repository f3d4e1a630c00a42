package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// An admin keeps a branch's courtesy cars on /admin/branches/<id>/loaners:
// adds and edits cars, moves their state (out of course only with the
// override tick, audited as such), retires one and sets the loan
// settings; a duplicate plate and bad input are refused with the field
// named and nothing stored; an advisor may not.
func TestAdminKeepsTheFleet(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		id := h.Branch.ID
		path := fmt.Sprintf("/admin/branches/%d/loaners", id)
		a := signIn(t, h, "root", store.RoleAdmin)

		_, page := a.Do(http.MethodGet, "/admin/branches", nil)
		if !strings.Contains(page, `href="`+path+`"`) {
			t.Fatalf("the branches page does not link the fleet")
		}
		post := func(sub string, form url.Values, wantDone string) {
			t.Helper()
			resp, body := a.Post(path+sub, form)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path+"?done="+wantDone {
				t.Fatalf("POST %s: %d %s\n%s", sub, resp.StatusCode, resp.Header.Get("Location"), body)
			}
		}
		post("", url.Values{"plate": {"wa 12345"}, "model": {"Škoda Octavia"}, "fuel": {"diesel"}, "vin": {"TMBJJ7NE1L0000001"}}, "added")
		post("", url.Values{"plate": {"WA 777"}, "model": {"Škoda Fabia"}, "fuel": {"petrol"}}, "added")
		cars, err := h.Store.CourtesyCars(ctx, id, false)
		if err != nil || len(cars) != 2 {
			t.Fatalf("cars %+v, %v", cars, err)
		}
		octavia, fabia := cars[0], cars[1] // by plate key: WA12345 before WA777
		if octavia.Plate != "WA 12345" || fabia.Plate != "WA 777" {
			t.Fatalf("cars %+v", cars)
		}
		carPath := func(car hub.CourtesyCar) string { return fmt.Sprintf("/cars/%d", car.ID) }
		post(carPath(fabia), url.Values{"plate": {"WA 777"}, "model": {"Škoda Fabia Combi"}, "fuel": {"lpg"}, "note": {"hak"}}, "edited")
		post(carPath(octavia)+"/state", url.Values{"state": {"reserved"}}, "state")
		post(carPath(octavia)+"/state", url.Values{"state": {"out"}}, "state")
		post(carPath(fabia)+"/state", url.Values{"state": {"cleaning"}, "override": {"1"}}, "state")
		post("/settings", url.Values{"identity_method": {"stripe"}, "photo_retention_days": {"14"}, "car_photo_retention_days": {"365"}, "deposit": {"1 500,50"},
			"deposit_currency": {"pln"}, "terms_pl": {"Zakaz palenia."}}, "settings")

		_, page = a.Do(http.MethodGet, path+"?done=settings", nil)
		for _, want := range []string{"Loan settings saved.", `value="WA 12345"`, `value="Škoda Fabia Combi"`, `state-out">Out<`,
			`state-cleaning">Cleaning<`, `name="deposit" value="1500.50"`, `name="car_photo_retention_days" value="365"`, "Zakaz palenia.", `value="stripe" selected`} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if strings.Contains(page, fmt.Sprintf("/cars/%d/retire", octavia.ID)) || !strings.Contains(page, fmt.Sprintf("/cars/%d/retire", fabia.ID)) {
			t.Errorf("the retire button is offered for the car that is out, or not for the one in cleaning")
		}
		settings, _ := h.Store.LoanSettings(ctx, id)
		if settings.DepositMinor != 150050 || settings.DepositCurrency != "PLN" || settings.PhotoRetentionDays != 14 || settings.CarPhotoRetentionDays != 365 || settings.IdentityMethod != hub.IdentityStripe {
			t.Errorf("settings %+v", settings)
		}
		before, _ := h.Store.CourtesyCars(ctx, id, true)

		refused := []struct {
			sub    string
			form   url.Values
			status int
			want   string
		}{
			{"", url.Values{"plate": {"W-A 777"}, "model": {"Kia"}, "fuel": {"petrol"}}, http.StatusBadRequest, "“Plate” — another car of the branch has this plate"},
			{"", url.Values{"plate": {""}, "model": {"Kia"}, "fuel": {"petrol"}}, http.StatusBadRequest, "“Plate” — required"},
			{"", url.Values{"plate": {"WA 5"}, "model": {"Kia\x00"}, "fuel": {"petrol"}}, http.StatusBadRequest, ""},
			{"", url.Values{"plate": {"WA 6"}, "model": {"Kia\xff"}, "fuel": {"petrol"}}, http.StatusBadRequest, ""},
			{"", url.Values{"plate": {"WA 1"}, "model": {"Kia"}, "fuel": {"coal"}}, http.StatusBadRequest, "“Fuel” — not in the right format"},
			{"", url.Values{"plate": {"WA 1"}, "model": {"Kia"}, "fuel": {"petrol"}, "vin": {"123"}}, http.StatusBadRequest, "“VIN” — not in the right format"},
			{carPath(fabia), url.Values{"plate": {"wa12345"}, "model": {"X"}, "fuel": {"petrol"}}, http.StatusBadRequest, "another car of the branch has this plate"},
			{carPath(fabia), url.Values{"plate": {"WA 777"}, "model": {strings.Repeat("я", 81)}, "fuel": {"petrol"}}, http.StatusBadRequest, "“Model” — too long"},
			{carPath(octavia) + "/state", url.Values{"state": {"available"}}, http.StatusUnprocessableEntity, "from “Out” to “Available” only with the “out of order” tick"},
			{carPath(octavia) + "/state", url.Values{"state": {"gone"}, "override": {"1"}}, http.StatusBadRequest, "“State”"},
			{carPath(octavia) + "/retire", nil, http.StatusUnprocessableEntity, "from “Out” to “Retired”"},
			{"/settings", url.Values{"identity_method": {"manual"}, "photo_retention_days": {"366"}}, http.StatusBadRequest, "“Keep identity photos after the return, days (1–365)” — a number out of range"},
			{"/settings", url.Values{"identity_method": {"manual"}, "photo_retention_days": {"thirty"}}, http.StatusBadRequest, "a number out of range"},
			{"/settings", url.Values{"identity_method": {"manual"}, "photo_retention_days": {"30"}, "deposit": {"100"}, "deposit_currency": {"ZZZ"}}, http.StatusBadRequest, "“Deposit currency” — not in the right format"},
			{"/settings", url.Values{"identity_method": {"manual"}, "photo_retention_days": {"30"}, "deposit": {"1,005"}, "deposit_currency": {"PLN"}}, http.StatusBadRequest, "“Deposit” — not in the right format"},
			{"/settings", url.Values{"identity_method": {"passport"}, "photo_retention_days": {"30"}}, http.StatusBadRequest, "“Identity check”"},
			{"/settings", url.Values{"identity_method": {"manual"}, "photo_retention_days": {"30"}, "car_photo_retention_days": {"1826"}}, http.StatusBadRequest, "(pickup and return) after the return, days (1–1825; longer while a damage task is open)” — a number out of range"},
			{"/settings", url.Values{"identity_method": {"manual"}, "photo_retention_days": {"30"}, "car_photo_retention_days": {"0"}}, http.StatusBadRequest, "a number out of range"},
			{"/settings", url.Values{"identity_method": {"manual"}, "photo_retention_days": {"30"}, "car_photo_retention_days": {"half a year"}}, http.StatusBadRequest, "a number out of range"},
		}
		for _, r := range refused {
			if r.form == nil {
				r.form = url.Values{}
			}
			resp, body := a.Post(path+r.sub, r.form)
			if resp.StatusCode != r.status || !strings.Contains(body, r.want) {
				t.Errorf("POST %s %v: %d, want %d with %q", r.sub, r.form, resp.StatusCode, r.status, r.want)
			}
		}
		if after, _ := h.Store.CourtesyCars(ctx, id, true); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("a refused form changed the fleet:\n%+v\n%+v", before, after)
		}
		if after, _ := h.Store.LoanSettings(ctx, id); after != settings {
			t.Errorf("a refused form changed the settings: %+v", after)
		}

		post(carPath(fabia)+"/retire", url.Values{}, "retired")
		_, page = a.Do(http.MethodGet, path, nil)
		if !strings.Contains(page, "Retired from the fleet") || strings.Contains(page, `id="car-`+fmt.Sprint(fabia.ID)+`"`) {
			t.Errorf("the retired car is not listed apart")
		}
		for _, missing := range []string{"/admin/branches/9999/loaners", path + "/cars/9999/state", path + "/cars/x/retire"} {
			if resp, _ := a.Post(missing, url.Values{"state": {"out"}, "plate": {"A1"}, "model": {"X"}, "fuel": {"lpg"}}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", missing, resp.StatusCode)
			}
		}
		advisor := signIn(t, h, "anna", store.RoleAdvisor)
		if resp, _ := advisor.Do(http.MethodGet, path, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("advisor GET: %d", resp.StatusCode)
		}
		if resp, _ := advisor.Post(path, url.Values{"plate": {"WA 9"}, "model": {"X"}, "fuel": {"lpg"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("advisor POST: %d", resp.StatusCode)
		}

		log, err := h.Store.AuditLog(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var details []string
		for _, e := range log {
			if e.Action == store.AuditAdminChanged {
				details = append(details, e.Detail)
			}
		}
		joined := strings.Join(details, "\n")
		if len(details) != 8 || !strings.Contains(joined, fmt.Sprintf("loaner_state_override car=%d available→cleaning", fabia.ID)) ||
			!strings.Contains(joined, fmt.Sprintf("loaner_state car=%d reserved→out", octavia.ID)) || !strings.Contains(joined, "deposit=150050 PLN") {
			t.Errorf("audit:\n%s", joined)
		}
	})
}

// A Polish admin reads the fleet page, its states and its refusals in
// Polish whatever the browser says.
func TestPolishAdminSeesTheFleetInPolish(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "ewa", Name: "Ewa", Role: store.RoleAdmin, Locale: "pl",
			Password: password, BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		car := hub.CourtesyCar{BranchID: h.Branch.ID, Plate: "WA 12345", Model: "Škoda Scala", Fuel: hub.FuelPetrol}
		if err := h.Store.AddCourtesyCar(ctx, &car); err != nil {
			t.Fatal(err)
		}
		b := h.NewClient(t)
		b.Lang = "en-GB,en;q=0.9"
		b.SignIn("ewa", password)
		path := fmt.Sprintf("/admin/branches/%d/loaners", h.Branch.ID)
		resp, page := b.Do(http.MethodGet, path, nil)
		for _, want := range []string{`<html lang="pl">`, "Samochody zastępcze", ">Dostępny<", "Warunki wypożyczenia", "Benzyna", "Bez kaucji"} {
			if resp.StatusCode != http.StatusOK || !strings.Contains(page, want) {
				t.Errorf("%d, the page lacks %q", resp.StatusCode, want)
			}
		}
		resp, page = b.Post(path, url.Values{"plate": {"wa-12345"}, "model": {"Kia"}, "fuel": {"petrol"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Nie zapisano: „Nr rejestracyjny” — ten numer ma już inny samochód oddziału.") {
			t.Errorf("%d, refusal not in Polish:\n%s", resp.StatusCode, page)
		}
	})
}
