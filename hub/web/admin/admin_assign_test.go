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

// The admin sets a branch's assignment mode and a user's DMS advisor id,
// thread limit and observer flag; bad input is refused with the reason in
// the admin's language and nothing stored; only admins reach the page.
func TestAdminAssignSettings(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		admin := signIn(t, h, "root", store.RoleAdmin)
		admin.Lang = "ru"
		advisor := signIn(t, h, "anna", store.RoleAdvisor)
		anna, err := h.Store.UserByLogin(ctx, "anna")
		if err != nil {
			t.Fatal(err)
		}
		if resp, _ := advisor.Do(http.MethodGet, "/admin/assign", nil); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("advisor got status %d", resp.StatusCode)
		}
		branchURL := fmt.Sprintf("/admin/assign/branches/%d", h.Branch.ID)
		userURL := fmt.Sprintf("/admin/assign/users/%d", anna.ID)
		capacity := fmt.Sprintf("capacity_%d", h.Branch.ID)
		observer := fmt.Sprintf("observer_%d", h.Branch.ID)

		resp, page := admin.Post(branchURL, url.Values{"mode": {store.AssignLeastLoaded}})
		admin.WantRedirect(resp, page, "/admin/assign?done=assign", "Сохранено.")
		resp, page = admin.Post(userURL, url.Values{"external_id": {" ADV-7 "}, capacity: {"5"}, observer: {"1"}})
		admin.WantRedirect(resp, page, "/admin/assign?done=assign", "Сохранено.")

		resp, page = admin.Post(branchURL, url.Values{"mode": {"random"}})
		apptest.WantRefused(t, resp, page, "Неизвестный способ распределения")
		resp, page = admin.Post(userURL, url.Values{"external_id": {"ADV-9"}, capacity: {"-1"}})
		apptest.WantRefused(t, resp, page, "Лимит — целое число от 0 до 999")
		resp, page = admin.Post(userURL, url.Values{"external_id": {strings.Repeat("x", 65)}, capacity: {"1"}})
		apptest.WantRefused(t, resp, page, "Код мастера — не длиннее 64 символов")
		if resp, _ := admin.Post(fmt.Sprintf("/admin/assign/users/%d", anna.ID+1000), url.Values{}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown user: status %d", resp.StatusCode)
		}

		if mode, err := h.Store.AssignMode(ctx, h.Branch.ID); err != nil || mode != store.AssignLeastLoaded {
			t.Fatalf("mode %q %v", mode, err)
		}
		if ext, err := h.Store.UserExternalID(ctx, anna.ID); err != nil || ext != "ADV-7" {
			t.Fatalf("external id %q %v", ext, err)
		}
		team, err := h.Store.BranchTeam(ctx, h.Branch.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range team {
			if m.UserID == anna.ID && (m.Capacity != 5 || !m.Observer || m.ExternalID != "ADV-7") {
				t.Fatalf("anna's duty %+v", m)
			}
		}
		_, page = admin.Do(http.MethodGet, "/admin/assign", nil)
		if !strings.Contains(page, `value="ADV-7"`) || !strings.Contains(page, `value="5"`) || !strings.Contains(page, "наименее загруженному") {
			t.Fatalf("settings page:\n%s", page)
		}
		if n := audits(t, h, store.AuditAdminChanged); n != 2 {
			t.Fatalf("%d admin-change audit entries, want 2", n)
		}
	})
}
