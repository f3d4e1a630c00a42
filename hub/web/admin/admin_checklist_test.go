package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// The checklist editor shows the default list, saves the branch's own
// (order, a new item, a removed one; pl and en names fall back to ru),
// leaves a started inspection's items alone, refuses bad rows storing
// nothing, resets to the default, and is for admins only.
func TestChecklistEditor(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		path := fmt.Sprintf("/admin/branches/%d/checklist", h.Branch.ID)
		advisor := signIn(t, h, "anna", store.RoleAdvisor)
		if resp, _ := advisor.Do(http.MethodGet, path, nil); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("advisor: %d", resp.StatusCode)
		}
		admin := signIn(t, h, "root", store.RoleAdmin)
		if _, page := admin.Do(http.MethodGet, "/admin/branches", nil); !strings.Contains(page, `href="`+path+`"`) {
			t.Fatalf("the branches page does not link the checklist:\n%s", page)
		}
		resp, page := admin.Do(http.MethodGet, path, nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "The default list applies") ||
			!strings.Contains(page, `name="code-0" value="tyre_fl"`) || !strings.Contains(page, `name="rows" value="29"`) {
			t.Fatalf("status %d:\n%s", resp.StatusCode, page)
		}
		if resp, _ := admin.Do(http.MethodGet, "/admin/branches/999999/checklist", nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another branch: %d", resp.StatusCode)
		}

		h.PushWorkOrder(t, "e1", "АА-1", 1, "Принят", nil)
		insp, err := h.Store.StartInspection(ctx, h.Thread(t, "АА-1"), "Ivan")
		if err != nil {
			t.Fatal(err)
		}
		before := audits(t, h, store.AuditAdminChanged)
		form := url.Values{"rows": {"5"},
			"code-0": {"tyre_fl"}, "known-0": {"1"}, "pos-0": {"2"}, "ru-0": {"Шина ПЛ"}, "pl-0": {"Opona PL"}, "en-0": {"Tyre FL"}, "unit-0": {"mm"}, "section-0": {"tyres"},
			"code-1": {"oil_level"}, "pos-1": {"1"}, "ru-1": {" Уровень масла "}, "section-1": {"fluids"}, "unit-1": {"mm"},
			"code-2": {"brake_fluid"}, "known-2": {"1"}, "ru-2": {"Тормозная жидкость"}, "remove-2": {"1"},
		}
		resp, page = admin.Post(path, form)
		admin.WantRedirect(resp, page, path+"?done=checklist", "The checklist was saved.")
		list, err := h.Store.Checklist(ctx, h.Branch.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Code != "oil_level" || list[0].NameRu != "Уровень масла" || list[0].NamePl != "Уровень масла" ||
			list[0].Unit != "mm" || list[1].Code != "tyre_fl" || list[1].NamePl != "Opona PL" || list[1].Position != 2 {
			t.Fatalf("stored %+v", list)
		}
		if items, err := h.Store.InspectionItems(ctx, insp.ID); err != nil || len(items) != len(hub.DefaultChecklist()) {
			t.Fatalf("the started inspection has %d items (%v)", len(items), err)
		}
		if n := audits(t, h, store.AuditAdminChanged); n != before+1 {
			t.Fatalf("%d audit rows, want %d", n, before+1)
		}
		if _, page := admin.Do(http.MethodGet, path, nil); !strings.Contains(page, "The branch has its own list") {
			t.Fatalf("after saving:\n%s", page)
		}

		bad := map[string]url.Values{
			"code":          {"rows": {"1"}, "code-0": {"Bad-Code"}, "ru-0": {"x"}},
			"twice":         {"rows": {"2"}, "code-0": {"a"}, "ru-0": {"x"}, "code-1": {"a"}, "ru-1": {"y"}},
			"no ru":         {"rows": {"1"}, "code-0": {"a"}, "en-0": {"x"}},
			"nul":           {"rows": {"1"}, "code-0": {"a"}, "ru-0": {"x\x00y"}},
			"invalid utf-8": {"rows": {"1"}, "code-0": {"a"}, "ru-0": {"x\xffy"}},
			"huge":          {"rows": {"1"}, "code-0": {"a"}, "ru-0": {strings.Repeat("щ", 5000)}},
			"order":         {"rows": {"1"}, "code-0": {"a"}, "ru-0": {"x"}, "pos-0": {"-1"}},
			"rows":          {"rows": {"100000"}},
			"none left":     {"rows": {"1"}, "code-0": {"oil_level"}, "ru-0": {"x"}, "remove-0": {"1"}},
		}
		for name, f := range bad {
			resp, page := admin.Post(path, f)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: status %d:\n%s", name, resp.StatusCode, page)
			}
		}
		resp, page = admin.Post(path, bad["none left"])
		apptest.WantRefused(t, resp, page, "Reset to the default list")
		if after, _ := h.Store.Checklist(ctx, h.Branch.ID); len(after) != 2 {
			t.Fatalf("a refused form changed the list: %+v", after)
		}

		resp, page = admin.Post(path+"/reset", url.Values{})
		admin.WantRedirect(resp, page, path+"?done=checklist-reset", "The branch uses the default checklist again.")
		if after, _ := h.Store.Checklist(ctx, h.Branch.ID); len(after) != len(hub.DefaultChecklist()) || after[0].ID != 0 {
			t.Fatalf("after the reset: %d items", len(after))
		}
		admin.Lang = "pl"
		if _, page := admin.Do(http.MethodGet, path, nil); !strings.Contains(page, "Lista kontrolna przeglądu") {
			t.Fatalf("not in Polish:\n%s", page)
		}
	})
}
