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

// An admin sets a branch's three SLA targets in their language; bad
// minutes are refused with a 400, the form as typed and nothing stored;
// advisors may not open the page.
func TestBranchSLATargets(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		advisor := signIn(t, h, "anna", store.RoleAdvisor)
		admin := signIn(t, h, "root", store.RoleAdmin)
		path := fmt.Sprintf("/admin/branches/%d/sla", h.Branch.ID)

		if resp, _ := advisor.Do(http.MethodGet, path, nil); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("advisor GET: %d", resp.StatusCode)
		}
		if resp, _ := advisor.Post(path, url.Values{"first": {"1"}, "next": {"1"}, "resolution": {"1"}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("advisor POST: %d", resp.StatusCode)
		}
		admin.Lang = "ru"
		resp, page := admin.Do(http.MethodGet, path, nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Цели SLA") || !strings.Contains(page, `name="first" value="5"`) {
			t.Fatalf("GET %d:\n%s", resp.StatusCode, page)
		}
		if _, page := admin.Do(http.MethodGet, "/admin/branches", nil); !strings.Contains(page, `href="`+path+`"`) {
			t.Fatalf("branches page has no SLA link:\n%s", page)
		}

		for _, bad := range []url.Values{
			{"first": {"abc"}, "next": {"10"}, "resolution": {"60"}},
			{"first": {"15"}, "next": {"-1"}, "resolution": {"60"}},
			{"first": {"15"}, "next": {"10"}, "resolution": {"99999999"}},
			{"first": {"15"}, "next": {"10"}},
		} {
			resp, page := admin.Post(path, bad)
			apptest.WantRefused(t, resp, page, "Минуты — целое число от 0 до")
			if !strings.Contains(page, `name="first" value="`+bad.Get("first")+`"`) {
				t.Fatalf("the form is not as typed:\n%s", page)
			}
		}
		if got, err := h.Store.BranchSLATargets(ctx, h.Branch.ID); err != nil || got != (store.SLATargets{FirstResponseMinutes: 5}) {
			t.Fatalf("targets after refusals %+v %v", got, err)
		}
		if n := audits(t, h, store.AuditAdminChanged); n != 0 {
			t.Fatalf("%d audit rows after refused requests", n)
		}

		admin.Lang = "pl"
		resp, page = admin.Post(path, url.Values{"first": {" 15 "}, "next": {"10"}, "resolution": {"480"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path+"?done=sla" {
			t.Fatalf("save: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), page)
		}
		if got, err := h.Store.BranchSLATargets(ctx, h.Branch.ID); err != nil || got != (store.SLATargets{FirstResponseMinutes: 15, NextResponseMinutes: 10, ResolutionMinutes: 480}) {
			t.Fatalf("targets %+v %v", got, err)
		}
		if _, page := admin.Do(http.MethodGet, path+"?done=sla", nil); !strings.Contains(page, "Cele SLA zapisane.") || !strings.Contains(page, `name="resolution" value="480"`) {
			t.Fatalf("after saving:\n%s", page)
		}
		if n := audits(t, h, store.AuditAdminChanged); n != 1 {
			t.Fatalf("%d audit rows, want 1", n)
		}
		if resp, _ := admin.Do(http.MethodGet, "/admin/branches/999999/sla", nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown branch: %d", resp.StatusCode)
		}
	})
}
