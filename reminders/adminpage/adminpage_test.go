package adminpage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/lockerwire"
)

// /admin/reminders previews what a scan would send (sending nothing) and
// lists the branch's open staff tasks, each with a "done" button that is
// audited.
func TestAdminReminders(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		h.PushWorkOrder(t, "e1", "АА-7", 1, "Принят", nil)
		w, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-7")
		if err != nil {
			t.Fatal(err)
		}
		site := hub.LockerSite{BranchID: h.Branch.ID, Name: "Main", TokenHash: "site-hash"}
		comps := []hub.LockerCompartment{{Board: 0, Lock: 1, Label: "1"}}
		if err := h.Store.CreateLockerSite(ctx, &site, comps); err != nil {
			t.Fatal(err)
		}
		err = h.Store.Gorm(ctx).Exec("UPDATE locker_compartments SET state = ?, work_order_id = ?, state_since = ? WHERE id = ?",
			lockerwire.StateReady, w.ID, time.Now().UTC().Add(-30*time.Hour), comps[0].ID).Error
		if err != nil {
			t.Fatal(err)
		}
		task := store.StaffTask{BranchID: h.Branch.ID, Kind: "keys", Title: "Keys not collected: order АА-7", Body: "Call the customer."}
		if err := h.Store.AddStaffTask(ctx, &task); err != nil {
			t.Fatal(err)
		}
		admin := signIn(t, h, "root", store.RoleAdmin)

		resp, page := admin.Do(http.MethodGet, "/admin/reminders", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d:\n%s", resp.StatusCode, page)
		}
		for _, want := range []string{"79161234567", "ключи", "АА-7", "Keys not collected: order АА-7", `value="` + time.Now().In(h.Branch.Location()).Format("2006-01-02") + `"`} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q:\n%s", want, page)
			}
		}
		msgs, _ := h.Store.Messages(ctx, mustThread(t, h, w.ID))
		for _, m := range msgs {
			if strings.HasPrefix(m.TemplateKey, "reminder.") {
				t.Fatalf("the preview sent %+v", m)
			}
		}
		// Another date: nothing due the day before the keys were ready.
		yesterday := time.Now().In(h.Branch.Location()).AddDate(0, 0, -3).Format("2006-01-02")
		if _, page := admin.Do(http.MethodGet, "/admin/reminders?date="+yesterday, nil); !strings.Contains(page, "Nothing due.") {
			t.Errorf("preview of %s:\n%s", yesterday, page)
		}
		resp, page = admin.Do(http.MethodGet, "/admin/reminders?date=tomorrow", nil)
		apptest.WantRefused(t, resp, page, "YYYY-MM-DD")

		before := audits(t, h, store.AuditAdminChanged)
		form := url.Values{"branch": {h.Branch.Code}, "task": {strconv.FormatInt(task.ID, 10)}}
		resp, page = admin.Post("/admin/reminders/tasks/done", form)
		admin.WantRedirect(resp, page, "/admin/reminders?branch="+h.Branch.Code+"&done=task", "The task was marked done.")
		if open, err := h.Store.OpenStaffTasks(ctx, h.Branch.ID); err != nil || len(open) != 0 {
			t.Fatalf("open tasks %+v %v", open, err)
		}
		if n := audits(t, h, store.AuditAdminChanged); n != before+1 {
			t.Errorf("%d audit rows, want %d", n, before+1)
		}
		resp, page = admin.Post("/admin/reminders/tasks/done", form)
		apptest.WantRefused(t, resp, page, "done already")
	})
}

func mustThread(t *testing.T, h *apptest.Hub, workOrderID int64) int64 {
	t.Helper()
	th, err := h.Store.ThreadByWorkOrder(t.Context(), workOrderID)
	if err != nil {
		t.Fatal(err)
	}
	return th.ID
}

// Records pushed by a node for several branches that no rule can place
// get no reminders; the page counts them and says how to fix it, instead
// of leaving the gap silent.
func TestAdminRemindersCountsRecordsWithoutABranch(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		spb := hub.Branch{Code: "SPB1", Name: "Невский", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := h.Store.CreateBranch(t.Context(), &spb); err != nil {
			t.Fatal(err)
		}
		push := func(vehicle map[string]any) {
			t.Helper()
			body, _ := json.Marshal(map[string]any{"events": []any{map[string]any{
				"id": "v-" + vehicle["external_id"].(string) + "-" + fmt.Sprint(vehicle["branch"]), "type": "vehicle",
				"occurred_at": "2026-11-23T10:00:00", "vehicle": vehicle}}})
			if status, reply := h.PostEvents(t, h.Token, body); status != http.StatusOK || apptest.Results(t, reply)[0]["result"] != "applied" {
				t.Fatalf("push: %d %v", status, reply)
			}
		}
		push(map[string]any{"external_id": "V-1", "customer_external_id": "C-1", "make": "Škoda"})
		push(map[string]any{"external_id": "V-2", "customer_external_id": "C-1", "make": "Lada"})
		admin := signIn(t, h, "root", store.RoleAdmin)

		_, page := admin.Do(http.MethodGet, "/admin/reminders", nil)
		for _, want := range []string{`id="unplaced"`, "1c-test: these belong to no branch", "vehicles: 2.", `with &#34;branch&#34;`, "naryad reminders refresh"} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q:\n%s", want, page)
			}
		}
		push(map[string]any{"external_id": "V-1", "customer_external_id": "C-1", "make": "Škoda", "branch": "SPB1"})
		push(map[string]any{"external_id": "V-2", "customer_external_id": "C-1", "make": "Lada", "branch": "MSK1"})
		if _, page := admin.Do(http.MethodGet, "/admin/reminders", nil); strings.Contains(page, `id="unplaced"`) {
			t.Errorf("the warning stays once every vehicle has a branch:\n%s", page)
		}
	})
}

const password = "s3cret-pass-word"

func signIn(t *testing.T, h *apptest.Hub, login, role string) *apptest.Client {
	t.Helper()
	_, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{
		Login: login, Name: login, Role: role, Password: password, BranchIDs: []int64{h.Branch.ID},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h.NewClient(t).SignIn(login, password)
}

// audits counts the audit rows of action.
func audits(t *testing.T, h *apptest.Hub, action string) int {
	t.Helper()
	log, err := h.Store.AuditLog(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == action {
			n++
		}
	}
	return n
}

// The whole page — preview, unplaced records, tasks and refusals — is in
// the admin's language, here Russian, with no English left.
func TestAdminRemindersSpeaksTheAdminsLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		push := func(id string) {
			t.Helper()
			body, _ := json.Marshal(map[string]any{"events": []any{map[string]any{"id": "v-" + id, "type": "vehicle",
				"occurred_at": "2026-11-23T10:00:00", "vehicle": map[string]any{"external_id": id, "customer_external_id": "C-1", "make": "Lada"}}}})
			if status, reply := h.PostEvents(t, h.Token, body); status != http.StatusOK {
				t.Fatalf("push: %d %v", status, reply)
			}
		}
		spb := hub.Branch{Code: "SPB1", Name: "Невский", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := h.Store.CreateBranch(t.Context(), &spb); err != nil {
			t.Fatal(err)
		}
		push("V-1")
		admin := signIn(t, h, "root", store.RoleAdmin)
		admin.Lang = "ru"
		_, page := admin.Do(http.MethodGet, "/admin/reminders", nil)
		for _, want := range []string{"<h1>Напоминания</h1>", "Показать", "Напоминания, которые не могут уйти.", "автомобилей: 1",
			"Как исправить", "Что отправил бы обход в", "Открытые задачи сотрудникам"} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		english := regexp.MustCompile(`Preview|Open staff tasks|No open tasks|Nothing due|What a scan|belong to no branch|Fix: send|Nothing is sent`)
		if m := english.FindString(page); m != "" {
			t.Errorf("English %q on a Russian page", m)
		}
		resp, page := admin.Post("/admin/reminders/tasks/done", url.Values{"branch": {h.Branch.Code}, "task": {"999999"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Эта задача уже выполнена или её нет.") {
			t.Errorf("unknown task: %d", resp.StatusCode)
		}
		resp, page = admin.Do(http.MethodGet, "/admin/reminders?date=31.12.2026", nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Дата — в виде ГГГГ-ММ-ДД.") {
			t.Errorf("bad date: %d", resp.StatusCode)
		}
	})
}
