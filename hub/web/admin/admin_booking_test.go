package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/store"
)

// An admin sets a branch's directory fields, rules, catalogue, capacity
// and holidays on /admin/branches/<id>/booking; bad input is refused with
// the field named and nothing stored; an advisor may not.
func TestAdminSetsBranchBooking(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		id := h.Branch.ID
		path := fmt.Sprintf("/admin/branches/%d/booking", id)
		a := signIn(t, h, "root", store.RoleAdmin)

		_, page := a.Do(http.MethodGet, "/admin/branches", nil)
		if !strings.Contains(page, `href="`+path+`"`) {
			t.Fatalf("the branches page does not link the booking page")
		}
		post := func(sub string, form url.Values, wantDone string) {
			t.Helper()
			resp, body := a.Post(path+sub, form)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path+"?done="+wantDone {
				t.Fatalf("POST %s: %d %s\n%s", sub, resp.StatusCode, resp.Header.Get("Location"), body)
			}
		}
		post("", url.Values{"city": {"Москва"}, "address": {"ул. Тверская, 1"}, "brands": {"Kia, Hyundai"},
			"cancel_hours": {"4"}, "horizon_days": {"30"}, "lead_minutes": {"90"}}, "rules")
		post("/services", url.Values{"code": {"to-15"}, "kind": {"maintenance"}, "name_ru": {"ТО-15"}, "name_en": {"15k service"},
			"minutes": {"90"}, "position": {"1"}}, "service")
		post("/services", url.Values{"code": {"tyres"}, "kind": {"tyres"}, "name_ru": {"Шины"}, "minutes": {"40"}}, "service")
		post("/services/deactivate", url.Values{"code": {"tyres"}}, "deactivated")
		post("/capacity", url.Values{"kind": {"maintenance"}, "slot_minutes": {"60"}, "per_slot": {"3"}}, "capacity")
		post("/holidays", url.Values{"day": {"2030-01-01"}, "name": {"Новый год"}}, "holiday")
		post("/holidays", url.Values{"day": {"2030-01-02"}}, "holiday")
		post("/holidays/remove", url.Values{"day": {"2030-01-02"}}, "holiday_removed")

		_, page = a.Do(http.MethodGet, path+"?done=holiday", nil)
		for _, want := range []string{`value="Москва"`, `value="Kia, Hyundai"`, "15k service", "Holiday added.", "2030-01-01", "Новый год", `name="per_slot" value="3"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if strings.Contains(page, "2030-01-02") {
			t.Errorf("the removed holiday is still shown")
		}
		rules, _ := h.Store.BranchBooking(ctx, id)
		if rules.City != "Москва" || rules.CancelHours != 4 || rules.HorizonDays != 30 || rules.LeadMinutes != 90 || len(rules.Brands) != 2 {
			t.Errorf("rules %+v", rules)
		}
		cat, _ := h.Store.ServiceCatalogue(ctx, id)
		if len(cat) != 2 || cat[0].Code != "tyres" || cat[0].Active || cat[1].Minutes != 90 {
			t.Errorf("catalogue %+v", cat)
		}

		refused := []struct {
			sub  string
			form url.Values
			want string
		}{
			{"", url.Values{"city": {"X"}, "cancel_hours": {"many"}, "horizon_days": {"30"}, "lead_minutes": {"0"}}, "Cancel or move up to, hours before"},
			{"", url.Values{"city": {strings.Repeat("я", 101)}, "cancel_hours": {"1"}, "horizon_days": {"30"}, "lead_minutes": {"0"}}, "“City” — too long"},
			{"/services", url.Values{"code": {"Bad Code"}, "kind": {"tyres"}, "name_en": {"x"}, "minutes": {"30"}}, "“Code” — not in the right format"},
			{"/services", url.Values{"code": {"ok"}, "kind": {"tyres"}, "name_en": {"x"}, "minutes": {"721"}}, "“Minutes” — a number out of range"},
			{"/capacity", url.Values{"kind": {"tyres"}, "slot_minutes": {"30"}, "per_slot": {"51"}}, "“Places per slot” — a number out of range"},
			{"/capacity", url.Values{"kind": {"wash"}, "slot_minutes": {"30"}, "per_slot": {"1"}}, "“Kind”"},
			{"/holidays", url.Values{"day": {"2030-02-30"}}, "“Day” — not in the right format"},
			{"/holidays/remove", url.Values{"day": {"x"}}, "“Day”"},
		}
		for _, r := range refused {
			resp, body := a.Post(path+r.sub, r.form)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, r.want) {
				t.Errorf("POST %s %v: %d, want 400 with %q", r.sub, r.form, resp.StatusCode, r.want)
			}
		}
		if after, _ := h.Store.BranchBooking(ctx, id); fmt.Sprint(after) != fmt.Sprint(rules) {
			t.Errorf("a refused form changed the rules: %+v", after)
		}
		if caps, _ := h.Store.Capacities(ctx, id); len(caps) != 1 {
			t.Errorf("a refused form changed the capacity: %+v", caps)
		}
		if resp, _ := a.Post("/admin/branches/9999/booking/capacity", url.Values{"kind": {"tyres"}, "slot_minutes": {"30"}, "per_slot": {"1"}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown branch: %d", resp.StatusCode)
		}
		if resp, _ := a.Post(path+"/services/deactivate", url.Values{"code": {"nope"}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown service: %d", resp.StatusCode)
		}
		advisor := signIn(t, h, "anna", store.RoleAdvisor)
		if resp, _ := advisor.Post(path+"/capacity", url.Values{"kind": {"tyres"}, "slot_minutes": {"30"}, "per_slot": {"1"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("advisor: %d", resp.StatusCode)
		}
		if n := audits(t, h, store.AuditAdminChanged); n != 8 {
			t.Errorf("%d audit rows, want 8", n)
		}
	})
}
