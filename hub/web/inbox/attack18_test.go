package inbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// burst sends the same form n times at once with c's session and returns
// the statuses.
func burst(t *testing.T, h *apptest.Hub, c *apptest.Client, n int, path string, form url.Values) []int {
	t.Helper()
	form.Set("csrf", c.CSRF)
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			c.AddCookies(req)
			resp, err := h.Server.App().Test(req, -1)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	return statuses
}

// The same assignment, follow or shift change sent 15 times at once ends
// as one change: one audit row per real change, each row's "from" the
// previous row's "to", one observer row.
func TestBurstsOfAssignFollowShift(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		anna := addStaff(t, h, "anna", "Анна", store.RoleAdvisor, "")
		boris := addStaff(t, h, "boris", "Борис", store.RoleAdvisor, "")
		h.PushWorkOrder(t, "e1", "ЗН-1", 1, "В работе", nil)
		th := h.Thread(t, "ЗН-1")
		id := strconv.FormatInt(th.ID, 10)
		ac := h.NewClient(t)
		ac.SignIn("anna", password)
		bc := h.NewClient(t)
		bc.SignIn("boris", password)

		for _, s := range burst(t, h, ac, 15, "/inbox/threads/"+id+"/assign", url.Values{"user": {"me"}}) {
			if s != http.StatusSeeOther {
				t.Errorf("assign to me: status %d", s)
			}
		}
		all, err := h.Store.ThreadAssignments(ctx, th.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1 || all[0].ToUser == nil || *all[0].ToUser != anna.ID {
			t.Fatalf("15 × assign to me: %d audit rows %+v, want one", len(all), all)
		}

		// Two people at once: the audit is a chain.
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			burst(t, h, bc, 8, "/inbox/threads/"+id+"/assign", url.Values{"user": {"me"}})
		}()
		go func() {
			defer wg.Done()
			burst(t, h, ac, 8, "/inbox/threads/"+id+"/assign", url.Values{"user": {"me"}})
		}()
		wg.Wait()
		all, err = h.Store.ThreadAssignments(ctx, th.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(all); i++ { // newest first
			if all[i].FromUser == nil || all[i+1].ToUser == nil || *all[i].FromUser != *all[i+1].ToUser || *all[i].FromUser == *all[i].ToUser {
				t.Fatalf("audit row %d does not follow row %d: %+v / %+v", all[i].ID, all[i+1].ID, all[i], all[i+1])
			}
		}
		if now := reload(t, h, th); now.AssigneeID == nil || *now.AssigneeID != *all[0].ToUser {
			t.Fatalf("assignee %v, latest audit %v", now.AssigneeID, all[0].ToUser)
		}

		for _, s := range burst(t, h, bc, 15, "/inbox/threads/"+id+"/follow", url.Values{}) {
			if s != http.StatusSeeOther {
				t.Errorf("follow: status %d", s)
			}
		}
		var n int64
		if err := h.Store.Gorm(ctx).Raw("SELECT COUNT(*) FROM thread_observers WHERE thread_id = ? AND user_id = ?", th.ID, boris.ID).Scan(&n).Error; err != nil || n != 1 {
			t.Fatalf("15 × follow: %d rows %v", n, err)
		}
		for _, s := range burst(t, h, bc, 15, "/inbox/threads/"+id+"/unfollow", url.Values{}) {
			if s != http.StatusSeeOther {
				t.Errorf("unfollow: status %d", s)
			}
		}

		// Shift: 15 × on, then a waiting thread of anna's and 15 × off.
		branch := strconv.FormatInt(h.Branch.ID, 10)
		burst(t, h, bc, 15, "/inbox/team/shift", url.Values{"branch": {branch}, "user": {strconv.FormatInt(boris.ID, 10)}, "on": {"1"}})
		burst(t, h, ac, 15, "/inbox/team/shift", url.Values{"branch": {branch}, "user": {strconv.FormatInt(anna.ID, 10)}, "on": {"1"}})
		if err := h.Store.AssignThread(ctx, th.ID, &anna.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Store.AddCustomerMessage(ctx, reload(t, h, th), "Ну что там?", th.Channel, nil); err != nil {
			t.Fatal(err)
		}
		before, _ := h.Store.ThreadAssignments(ctx, th.ID, 100)
		for _, s := range burst(t, h, ac, 15, "/inbox/team/shift", url.Values{"branch": {branch}, "user": {strconv.FormatInt(anna.ID, 10)}, "on": {"0"}}) {
			if s != http.StatusSeeOther {
				t.Errorf("shift off: status %d", s)
			}
		}
		after, _ := h.Store.ThreadAssignments(ctx, th.ID, 100)
		if len(after) != len(before)+1 || after[0].Reason != store.ReasonOffShift || *after[0].ToUser != boris.ID {
			t.Fatalf("15 × off shift: %d new rows, latest %+v", len(after)-len(before), after[0])
		}
	})
}

// Assigning to someone who may not have the thread — a user of another
// branch only, a disabled user, an id that is no one — is refused with
// the thread unchanged; a mechanic cannot reach the team page.
func TestAssignRefusesOutsiders(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		other := hub.Branch{Code: "KRK1", Name: "Kraków", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"}
		if err := h.Store.CreateBranch(ctx, &other); err != nil {
			t.Fatal(err)
		}
		addStaff(t, h, "anna", "Анна", store.RoleAdvisor, "")
		gone := addStaff(t, h, "gone", "Ушёл", store.RoleAdvisor, "")
		far := addUser(t, h, "far", "Далеко", other.ID)
		mech := addStaff(t, h, "mech", "Механик", store.RoleMechanic, "")
		if err := h.Store.Gorm(ctx).Exec("UPDATE users SET disabled_at = ? WHERE id = ?", time.Now().UTC(), gone.ID).Error; err != nil {
			t.Fatal(err)
		}
		h.PushWorkOrder(t, "e1", "ЗН-1", 1, "В работе", nil)
		th := h.Thread(t, "ЗН-1")
		id := strconv.FormatInt(th.ID, 10)
		ac := h.NewClient(t)
		ac.Lang = "ru"
		ac.SignIn("anna", password)
		for _, who := range []string{strconv.FormatInt(far.ID, 10), "0", "-1", "99999999999999999999", "", "me; DROP TABLE users"} {
			resp, _ := ac.Post("/inbox/threads/"+id+"/assign", url.Values{"user": {who}})
			if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "?err=bad_user") {
				t.Errorf("assign to %q: %d %s", who, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		// The picker offers advisors and admins only; a mechanic's id typed
		// by hand, and a colleague disabled since the page was shown, are
		// a 422 saying why.
		if _, page := ac.Do(http.MethodGet, "/inbox/threads/"+id, nil); strings.Contains(page, `<option value="`+strconv.FormatInt(mech.ID, 10)+`"`) {
			t.Errorf("the picker offers the mechanic:\n%s", page)
		}
		for who, want := range map[int64]string{mech.ID: "Диалог можно передать только мастеру-приёмщику", gone.ID: "Этот сотрудник отключён"} {
			resp, page := ac.Post("/inbox/threads/"+id+"/assign", url.Values{"user": {strconv.FormatInt(who, 10)}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, want) {
				t.Errorf("assign to %d: %d, want 422 %q", who, resp.StatusCode, want)
			}
		}
		if now := reload(t, h, th); now.AssigneeID != nil {
			t.Fatalf("assigned to %d", *now.AssigneeID)
		}
		if _, page := ac.Do(http.MethodGet, "/inbox/threads/"+id+"?err=bad_user", nil); !strings.Contains(page, "Такого сотрудника в филиале нет.") {
			t.Errorf("the refusal is not told in Russian:\n%s", page)
		}
		mc := h.NewClient(t)
		mc.SignIn("mech", password)
		if resp, _ := mc.Post("/inbox/threads/"+id+"/assign", url.Values{"user": {"me"}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a mechanic takes the thread: %d", resp.StatusCode)
		}
		for _, path := range []string{"/inbox/team", "/inbox/sla"} {
			if resp, _ := mc.Do(http.MethodGet, path, nil); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusSeeOther {
				t.Errorf("mechanic %s: %d", path, resp.StatusCode)
			}
		}
		resp, _ := mc.Post("/inbox/team/shift", url.Values{"branch": {strconv.FormatInt(h.Branch.ID, 10)}, "user": {strconv.FormatInt(mech.ID, 10)}, "on": {"1"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("mechanic's shift: %d", resp.StatusCode)
		}
		// Another branch's thread: not found for every new action.
		fc := h.NewClient(t)
		fc.SignIn("far", password)
		for _, a := range []string{"/assign", "/follow", "/unfollow"} {
			if resp, _ := fc.Post("/inbox/threads/"+id+a, url.Values{"user": {"me"}}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("another branch's %s: %d", a, resp.StatusCode)
			}
		}
		if resp, _ := fc.Do(http.MethodGet, "/inbox/threads/"+id+"/peek", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another branch's peek: %d", resp.StatusCode)
		}
		resp, page := fc.Post("/inbox/team/shift", url.Values{"branch": {strconv.FormatInt(h.Branch.ID, 10)}, "user": {strconv.FormatInt(far.ID, 10)}, "on": {"1"}})
		apptest.WantRefused(t, resp, page, "")
		// No CSRF token: refused before anything.
		for _, a := range []string{"/inbox/threads/" + id + "/assign", "/inbox/threads/" + id + "/follow", "/inbox/threads/" + id + "/unfollow", "/inbox/team/shift"} {
			if resp, _ := ac.Do(http.MethodPost, a, url.Values{"user": {"me"}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s without csrf: %d", a, resp.StatusCode)
			}
		}
		if n, _ := h.Store.ThreadAssignments(ctx, th.ID, 10); len(n) != 0 {
			t.Errorf("audit after refusals: %+v", n)
		}
	})
}

// Hostile search text is a page or a 400, never a 500; a hostile name in
// a system line and in the list reaches the pages as text.
func TestHostileSearchAndSystemLineText(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		addStaff(t, h, "anna", "Анна", store.RoleAdvisor, "")
		h.PushWorkOrder(t, "e1", "ЗН-1", 1, `<script>alert(1)</script>`, map[string]any{
			"customer": map[string]any{"external_id": "C-1", "name": `<img src=x onerror=alert(2)>`, "phones": []any{"+79161234567"}, "locale": "ru"},
		})
		th := h.Thread(t, "ЗН-1")
		line := hub.SystemLine(th.ID, "naryad", "decision.declined", map[string]string{"name": `<svg onload=alert(3)>`, "total_minor": "180000", "currency": "RUB"})
		if err := h.Store.AddMessage(ctx, &line); err != nil {
			t.Fatal(err)
		}
		ac := h.NewClient(t)
		ac.Lang = "ru"
		ac.SignIn("anna", password)
		for _, path := range []string{"/inbox", "/inbox/threads/" + strconv.FormatInt(th.ID, 10), "/inbox/threads/" + strconv.FormatInt(th.ID, 10) + "/peek", "/inbox/sla"} {
			resp, page := ac.Do(http.MethodGet, path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload"} {
				if strings.Contains(page, bad) {
					t.Errorf("%s: %q as markup", path, bad)
				}
			}
		}
		if _, page := ac.Do(http.MethodGet, "/inbox/threads/"+strconv.FormatInt(th.ID, 10), nil); !strings.Contains(page, "Клиент отказался от «&lt;svg onload=alert(3)&gt;»") {
			t.Errorf("the system line is not shown as text in Russian:\n%s", page)
		}
		for _, q := range []string{"%", "_", "%25%25", "\\", "'", "\U0010FFFF", strings.Repeat("я", 600), "ЗН-1%", "*", "[a-z]"} {
			resp, page := ac.Do(http.MethodGet, "/inbox?q="+url.QueryEscape(q), nil)
			if resp.StatusCode != http.StatusOK || (q != "ЗН-1%" && strings.Contains(page, `href="/inbox/threads/`+strconv.FormatInt(th.ID, 10)+`"`) && strings.ContainsAny(q, "%_*\\")) {
				t.Errorf("q=%.20q: %d", q, resp.StatusCode)
			}
		}
		for _, raw := range []string{"q=%00", "q=%ff%fe", "q=a%00b"} {
			resp, page := ac.Do(http.MethodGet, "/inbox?"+raw, nil)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "q") {
				t.Errorf("%s: %d %s", raw, resp.StatusCode, page)
			}
		}
	})
}
