package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

func TestAdminChanges(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		b := signIn(t, h, "root", store.RoleAdmin)
		changes := func() int { return audits(t, h, store.AuditAdminChanged) }

		// Users.
		branch := strconv.FormatInt(h.Branch.ID, 10)
		resp, page := b.Post("/admin/users", url.Values{"login": {"boris"}, "role": {store.RoleAdvisor}, "branch": {branch}, "password": {"short"}})
		apptest.WantRefused(t, resp, page, "password: at least")
		resp, page = b.Post("/admin/users", url.Values{"login": {"boris"}, "role": {store.RoleAdvisor}, "branch": {"999999"}, "password": {password}})
		apptest.WantRefused(t, resp, page, "Unknown branch")
		if _, err := h.Store.UserByLogin(ctx, "boris"); err == nil {
			t.Fatal("a refused user was stored")
		}
		resp, page = b.Post("/admin/users", url.Values{"login": {"Boris"}, "name": {"Борис"}, "role": {store.RoleMechanic}, "branch": {branch}, "password": {password}})
		b.WantRedirect(resp, page, "/admin/users?done=user", "<td>boris</td><td>Борис</td><td>mechanic</td><td>"+h.Branch.Code+"</td>")
		if n := audits(t, h, store.AuditUserAdd); n != 2 {
			t.Errorf("%d user_add rows, want 2 (root, boris)", n)
		}

		// Branches.
		resp, page = b.Post("/admin/branches", url.Values{"code": {"SPB1"}, "name": {"Питер"}, "country": {"XX"}, "time-zone": {"Europe/Moscow"}, "locale": {"ru"}})
		apptest.WantRefused(t, resp, page, "is not an ISO 3166 country code")
		resp, page = b.Post("/admin/branches", url.Values{"code": {h.Branch.Code}, "name": {"Dup"}, "country": {"RU"}, "time-zone": {"Europe/Moscow"}, "locale": {"ru"}})
		apptest.WantRefused(t, resp, page, "already exists")
		if _, err := h.Store.BranchByCode(ctx, "SPB1"); err == nil || changes() != 0 {
			t.Fatal("a refused branch was stored or audited")
		}
		resp, page = b.Post("/admin/branches", url.Values{"code": {"SPB1"}, "name": {"Питер"}, "country": {"ru"}, "time-zone": {"Europe/Moscow"}, "locale": {"ru"}})
		b.WantRedirect(resp, page, "/admin/branches?done=branch", "<td>SPB1</td><td>Питер</td><td>RU</td>")
		if changes() != 1 {
			t.Errorf("branch add: %d audit rows", changes())
		}

		// Status mapping.
		before, _ := h.Store.StatusMappings(ctx)
		resp, page = b.Post("/admin/statuses", url.Values{"raw": {"На мойке"}, "canonical": {"washing"}})
		apptest.WantRefused(t, resp, page, "is not one of")
		resp, page = b.Post("/admin/statuses", url.Values{"raw": {"  "}, "canonical": {hub.StatusReady}})
		apptest.WantRefused(t, resp, page, "name is required")
		resp, page = b.Post("/admin/statuses", url.Values{"raw": {"На мойке"}, "canonical": {hub.StatusReady}, "branch": {"NOPE"}})
		apptest.WantRefused(t, resp, page, "Unknown branch")
		if rows, _ := h.Store.StatusMappings(ctx); len(rows) != len(before) || changes() != 1 {
			t.Fatalf("refused mappings stored: %+v", rows)
		}
		resp, page = b.Post("/admin/statuses", url.Values{"raw": {"На мойке"}, "canonical": {hub.StatusInProgress}, "branch": {"SPB1"}})
		b.WantRedirect(resp, page, "/admin/statuses?done=status", "<td>SPB1</td><td>На мойке</td><td>in_progress</td>")
		resp, page = b.Post("/admin/statuses", url.Values{"raw": {"на мойке"}, "canonical": {hub.StatusReady}, "branch": {"SPB1"}})
		b.WantRedirect(resp, page, "/admin/statuses?done=status", "<td>ready</td>")
		if rows, _ := h.Store.StatusMappings(ctx); len(rows) != len(before)+1 || changes() != 3 {
			t.Errorf("mappings %+v, %d audit rows", rows, changes())
		}

		// Templates.
		spb, _ := h.Store.BranchByCode(ctx, "SPB1")
		tpl := url.Values{"branch": {"SPB1"}, "key": {"status.ready"}, "locale": {"ru"}}
		_, page = b.Do(http.MethodGet, "/admin/templates?"+tpl.Encode(), nil)
		if !strings.Contains(page, "uses the default text") || !strings.Contains(page, `<pre id="default">`) {
			t.Errorf("template page:\n%s", page)
		}
		bad := url.Values{"branch": tpl["branch"], "key": tpl["key"], "locale": tpl["locale"], "body": {"Hi {{.Nope}}"}}
		resp, page = b.Post("/admin/templates", bad)
		apptest.WantRefused(t, resp, page, "can&#39;t evaluate field Nope")
		if _, found, _ := h.Store.TemplateOverride(ctx, spb.ID, "status.ready", "ru"); found || changes() != 3 {
			t.Fatal("a bad template was stored or audited")
		}
		good := url.Values{"branch": tpl["branch"], "key": tpl["key"], "locale": tpl["locale"], "body": {"Готово: {{.WorkOrderNumber}}"}}
		resp, page = b.Post("/admin/templates", good)
		b.WantRedirect(resp, page, "/admin/templates?branch=SPB1&done=template&key=status.ready&locale=ru", "has its own text")
		if body, found, _ := h.Store.TemplateOverride(ctx, spb.ID, "status.ready", "ru"); !found || body != "Готово: {{.WorkOrderNumber}}" || changes() != 4 {
			t.Fatalf("override %q %v, %d audit rows", body, found, changes())
		}
		reset := url.Values{"branch": tpl["branch"], "key": tpl["key"], "locale": tpl["locale"], "action": {"reset"}}
		resp, page = b.Post("/admin/templates", reset)
		b.WantRedirect(resp, page, "/admin/templates?branch=SPB1&done=reset&key=status.ready&locale=ru", "uses the default text")
		if _, found, _ := h.Store.TemplateOverride(ctx, spb.ID, "status.ready", "ru"); found || changes() != 5 {
			t.Fatal("reset did not delete or audit")
		}

		// DMS tokens.
		resp, page = b.Post("/admin/tokens", url.Values{"name": {" "}})
		apptest.WantRefused(t, resp, page, "name is required")
		resp, page = b.Post("/admin/tokens", url.Values{"name": {"spb-node"}, "branch": {"NOPE"}})
		apptest.WantRefused(t, resp, page, "Unknown branch")
		resp, page = b.Post("/admin/tokens", url.Values{"name": {"spb-node"}, "branch": {"SPB1"}})
		m := regexp.MustCompile(`<code class="token">([^<]+)</code>`).FindStringSubmatch(page)
		if resp.StatusCode != http.StatusOK || m == nil || changes() != 6 {
			t.Fatalf("create token: %d, %d audit rows:\n%s", resp.StatusCode, changes(), page)
		}
		if code, _ := h.PostEvents(t, m[1], []byte(`{"events":[]}`)); code == http.StatusUnauthorized {
			t.Errorf("the new token is refused")
		}
		_, page = b.Do(http.MethodGet, "/admin/tokens", nil)
		if strings.Contains(page, m[1]) || !strings.Contains(page, "<td>spb-node</td><td>SPB1</td><td>0</td>") {
			t.Errorf("token list shows the token again or lacks the node:\n%s", page)
		}
		resp, page = b.Post("/admin/tokens/revoke", url.Values{"name": {"nope"}})
		apptest.WantRefused(t, resp, page, "No node")
		resp, page = b.Post("/admin/tokens/revoke", url.Values{"name": {"spb-node"}})
		b.WantRedirect(resp, page, "/admin/tokens?done=revoked", "<td>revoked "+time.Now().UTC().Format("2 Jan 2006"))
		if changes() != 7 {
			t.Errorf("revoke: %d audit rows", changes())
		}
		if code, _ := h.PostEvents(t, m[1], []byte(`{"events":[]}`)); code != http.StatusUnauthorized {
			t.Errorf("a revoked token answers %d", code)
		}
	})
}
