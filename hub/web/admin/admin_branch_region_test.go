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

// An admin sets a branch's region on the branches page; too long a name
// and an unknown branch are refused and change nothing; an advisor may not.
func TestAdminSetsBranchRegion(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		admin := signIn(t, h, "root", store.RoleAdmin)
		path := fmt.Sprintf("/admin/branches/%d/region", h.Branch.ID)
		resp, _ := admin.Post(path, url.Values{"region": {"  Центр "}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/branches?done=region" {
			t.Fatalf("save: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if got, _ := h.Store.BranchRegions(ctx); got[h.Branch.ID] != "Центр" {
			t.Errorf("region %q", got[h.Branch.ID])
		}
		_, page := admin.Do(http.MethodGet, "/admin/branches?done=region", nil)
		if !strings.Contains(page, `name="region" aria-label="Region of `+h.Branch.Code+`" value="Центр"`) {
			t.Errorf("the page does not show the region:\n%s", page)
		}
		resp, page = admin.Post(path, url.Values{"region": {strings.Repeat("ж", store.MaxRegionLength+1)}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "at most 60 characters") {
			t.Errorf("too long: %d", resp.StatusCode)
		}
		// A refused new branch shows the same list, regions included.
		resp, page = admin.Post("/admin/branches", url.Values{"code": {"NEW"}, "name": {""}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `aria-label="Region of `+h.Branch.Code+`" value="Центр"`) {
			t.Errorf("refused new branch: %d, regions missing:\n%s", resp.StatusCode, page)
		}
		if resp, _ := admin.Post("/admin/branches/9999/region", url.Values{"region": {"x"}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown branch: %d", resp.StatusCode)
		}
		advisor := signIn(t, h, "anna", store.RoleAdvisor)
		if resp, _ := advisor.Post(path, url.Values{"region": {"x"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("advisor: %d", resp.StatusCode)
		}
		if got, _ := h.Store.BranchRegions(ctx); got[h.Branch.ID] != "Центр" {
			t.Errorf("a refused request changed the region to %q", got[h.Branch.ID])
		}
		if n := audits(t, h, store.AuditAdminChanged); n != 1 {
			t.Errorf("%d audit rows, want 1", n)
		}
	})
}
