package panel_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/lockerwire"
)

const password = "s3cret-pass-word"

// world is a hub with a locker "Main" at MSK1 (16 boxes; box 3 holds the
// keys of ЗН-1 for 3 h 12 min and raised an item_left alarm) and a locker
// "Yard" at SPB1; admin boss and advisor anna at MSK1, admin olga and
// advisor oleg at SPB1.
type world struct {
	h          *apptest.Hub
	site, yard hub.LockerSite
	boxes      []hub.LockerCompartment
	yardBoxes  []hub.LockerCompartment
	order      hub.WorkOrder
	thread     hub.Thread
	alarm      hub.LockerAlarm
	clients    map[string]*apptest.Client
}

func newWorld(t *testing.T, h *apptest.Hub) *world {
	t.Helper()
	ctx := context.Background()
	spb := hub.Branch{Code: "SPB1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
	if err := h.Store.CreateBranch(ctx, &spb); err != nil {
		t.Fatal(err)
	}
	addUser(t, h, "boss", store.RoleAdmin, h.Branch.ID)
	addUser(t, h, "anna", store.RoleAdvisor, h.Branch.ID)
	addUser(t, h, "olga", store.RoleAdmin, spb.ID)
	addUser(t, h, "oleg", store.RoleAdvisor, spb.ID)

	w := &world{h: h, clients: map[string]*apptest.Client{}}
	w.site, w.boxes = newSite(t, h, h.Branch.ID, "Main")
	w.yard, w.yardBoxes = newSite(t, h, spb.ID, "Yard")

	h.PushWorkOrder(t, "e1", "ЗН-1", 1, "В работе", nil)
	var err error
	if w.order, err = h.Store.WorkOrderByNumber(ctx, h.Node.ID, "ЗН-1"); err != nil {
		t.Fatal(err)
	}
	if w.thread, err = h.Store.ThreadByWorkOrder(ctx, w.order.ID); err != nil {
		t.Fatal(err)
	}

	now := time.Now().UTC()
	db := h.Store.Gorm(ctx)
	box := w.boxes[2]
	err = db.Model(&hub.LockerCompartment{}).Where("id = ?", box.ID).Updates(map[string]any{
		"state": lockerwire.StateHeld, "work_order_id": w.order.ID, "state_since": now.Add(-(3*time.Hour + 12*time.Minute + 30*time.Second)), "item": true,
	}).Error
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&hub.LockerSite{}).Where("id = ?", w.site.ID).Update("last_sync_at", now.Add(-5*time.Minute)).Error; err != nil {
		t.Fatal(err)
	}
	ev := hub.LockerEvent{SiteID: w.site.ID, EventUID: "k-1", Kind: lockerwire.EventItemLeft, OccurredAt: now.Add(-time.Hour), ReceivedAt: now,
		CompartmentID: &box.ID, WorkOrderID: &w.order.ID, Actor: "staff:anna"}
	if err := db.Create(&ev).Error; err != nil {
		t.Fatal(err)
	}
	w.alarm = hub.LockerAlarm{SiteID: w.site.ID, EventID: ev.ID, CompartmentID: &box.ID, Kind: ev.Kind, RaisedAt: ev.OccurredAt}
	if err := db.Create(&w.alarm).Error; err != nil {
		t.Fatal(err)
	}
	return w
}

func newSite(t *testing.T, h *apptest.Hub, branchID int64, name string) (hub.LockerSite, []hub.LockerCompartment) {
	t.Helper()
	site := hub.LockerSite{BranchID: branchID, Name: name, TokenHash: hub.HashToken("token-" + name)}
	boxes := make([]hub.LockerCompartment, 16)
	for i := range boxes {
		boxes[i] = hub.LockerCompartment{Board: 0, Lock: i + 1, Label: fmt.Sprint(i + 1)}
	}
	if err := h.Store.CreateLockerSite(context.Background(), &site, boxes); err != nil {
		t.Fatal(err)
	}
	return site, boxes
}

func addUser(t *testing.T, h *apptest.Hub, login, role string, branch int64) {
	t.Helper()
	_, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{
		Login: login, Name: strings.ToUpper(login[:1]) + login[1:], Role: role, Password: password, BranchIDs: []int64{branch},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
}

// signIn signs a user in through the login form, once per test.
func (w *world) signIn(t *testing.T, login string) *apptest.Client {
	t.Helper()
	if c, ok := w.clients[login]; ok {
		return c
	}
	c := w.h.NewClient(t).SignIn(login, password)
	w.clients[login] = c
	return c
}

func (w *world) openPath(site hub.LockerSite, box hub.LockerCompartment) string {
	return fmt.Sprintf("/lockers/sites/%d/compartments/%d/open", site.ID, box.ID)
}

func (w *world) pending(t *testing.T) []hub.LockerCommand {
	t.Helper()
	var all []hub.LockerCommand
	for _, s := range []hub.LockerSite{w.site, w.yard} {
		cmds, err := w.h.Store.PendingLockerCommands(context.Background(), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, cmds...)
	}
	return all
}

func TestPanelShowsOwnBranchLockers(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		resp, page := w.signIn(t, "anna").Do(http.MethodGet, "/lockers", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d:\n%s", resp.StatusCode, page)
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Error("no security headers")
		}
		if n := strings.Count(page, `<li class="box state-`); n != 16 {
			t.Errorf("%d boxes, want 16", n)
		}
		thread := fmt.Sprintf(`<a href="/inbox/threads/%d">ЗН-1</a>`, w.thread.ID)
		for _, want := range []string{
			`id="site-` + fmt.Sprint(w.site.ID) + `"`, "Main",
			`<li class="box state-held" id="box-` + fmt.Sprint(w.boxes[2].ID) + `">`, "customer&#39;s keys", "3 h 12 min", thread,
			`<li class="box state-free"`, "free",
			"Kiosk offline since",
			"something left inside", fmt.Sprintf(`action="/lockers/alarms/%d/clear"`, w.alarm.ID),
			"staff:anna",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Count(page, thread) != 2 {
			t.Errorf("the work order should link to its thread from the box and from the event log:\n%s", page)
		}
		for _, leak := range []string{"Yard", "/open\""} {
			if strings.Contains(page, leak) {
				t.Errorf("advisor's page shows %q", leak)
			}
		}

		// A kiosk that synced just now is not reported offline.
		if err := h.Store.Gorm(t.Context()).Model(&hub.LockerSite{}).Where("id = ?", w.site.ID).Update("last_sync_at", time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		_, page = w.signIn(t, "boss").Do(http.MethodGet, "/lockers", nil)
		if strings.Contains(page, "offline") || !strings.Contains(page, "Kiosk last synced") {
			t.Error("a kiosk synced now is shown offline")
		}
		if n := strings.Count(page, `/open">`); n != 16 {
			t.Errorf("admin sees %d remote-open forms, want 16", n)
		}

		_, page = w.signIn(t, "oleg").Do(http.MethodGet, "/lockers", nil)
		if !strings.Contains(page, "Yard") || !strings.Contains(page, "The kiosk has never synced.") || strings.Contains(page, "Main") {
			t.Errorf("oleg's page:\n%s", page)
		}
	})
}

func TestRemoteOpenByAdmin(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		boss := w.signIn(t, "boss")
		box := w.boxes[2]

		resp, page := boss.Post(w.openPath(w.site, box), url.Values{"reason": {"   "}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Give a reason for the remote opening") {
			t.Fatalf("empty reason: %d\n%s", resp.StatusCode, page)
		}
		if cmds := w.pending(t); len(cmds) != 0 {
			t.Fatalf("empty reason stored %+v", cmds)
		}

		resp, _ = boss.Post(w.openPath(w.site, box), url.Values{"reason": {" Customer lost the PIN "}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/lockers?done=open") {
			t.Fatalf("open: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		cmds := w.pending(t)
		if len(cmds) != 1 || cmds[0].SiteID != w.site.ID || cmds[0].CompartmentID != box.ID || cmds[0].Reason != "Customer lost the PIN" || cmds[0].Login != "boss" {
			t.Fatalf("pending commands: %+v", cmds)
		}
		_, page = boss.Do(http.MethodGet, resp.Header.Get("Location"), nil)
		if !strings.Contains(page, "will open at the kiosk&#39;s next sync") {
			t.Errorf("no notice after the redirect:\n%s", page)
		}
		log, err := h.Store.AuditLog(t.Context(), 5)
		if err != nil || len(log) == 0 || log[0].Action != store.AuditLockerOpen || log[0].UserID == nil || *log[0].UserID != cmds[0].UserID ||
			!strings.Contains(log[0].Detail, `reason="Customer lost the PIN"`) {
			t.Fatalf("audit: %+v %v", log, err)
		}

		refused := []struct {
			name  string
			login string
			path  string
			want  int
		}{
			{"advisor of the branch", "anna", w.openPath(w.site, box), http.StatusForbidden},
			{"admin of another branch", "olga", w.openPath(w.site, box), http.StatusNotFound},
			{"another site's box under this site", "boss", w.openPath(w.site, w.yardBoxes[0]), http.StatusNotFound},
			{"another branch's site", "boss", w.openPath(w.yard, w.yardBoxes[0]), http.StatusNotFound},
			{"unknown site", "boss", "/lockers/sites/99999/compartments/1/open", http.StatusNotFound},
		}
		for _, c := range refused {
			if resp, _ := w.signIn(t, c.login).Post(c.path, url.Values{"reason": {"let me in"}}); resp.StatusCode != c.want {
				t.Errorf("%s: status %d, want %d", c.name, resp.StatusCode, c.want)
			}
		}
		if cmds := w.pending(t); len(cmds) != 1 {
			t.Fatalf("refused requests stored commands: %+v", cmds)
		}
	})
}

func TestClearAlarm(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		path := fmt.Sprintf("/lockers/alarms/%d/clear", w.alarm.ID)
		open := func() []hub.LockerAlarm {
			t.Helper()
			alarms, err := h.Store.LockerAlarms(t.Context(), []int64{w.site.ID}, true)
			if err != nil {
				t.Fatal(err)
			}
			return alarms
		}

		if resp, _ := w.signIn(t, "olga").Post(path, url.Values{}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another branch's admin: %d", resp.StatusCode)
		}
		if len(open()) != 1 {
			t.Fatal("another branch cleared the alarm")
		}

		anna := w.signIn(t, "anna")
		resp, _ := anna.Post(path, url.Values{})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("clear: %d", resp.StatusCode)
		}
		if len(open()) != 0 {
			t.Fatal("alarm still open")
		}
		all, err := h.Store.LockerAlarms(t.Context(), []int64{w.site.ID}, false)
		if err != nil || len(all) != 1 || all[0].ClearedBy != "anna" {
			t.Fatalf("cleared alarm: %+v %v", all, err)
		}
		log, _ := h.Store.AuditLog(t.Context(), 5)
		if len(log) == 0 || log[0].Action != store.AuditLockerAlarmClear {
			t.Fatalf("audit: %+v", log)
		}
		_, page := anna.Do(http.MethodGet, resp.Header.Get("Location"), nil)
		if !strings.Contains(page, "The alarm was cleared.") || !strings.Contains(page, "No open alarms.") {
			t.Errorf("page after clearing:\n%s", page)
		}

		// Clearing again (a second tab) keeps who cleared it first.
		if resp, _ := w.signIn(t, "boss").Post(path, url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("second clear: %d", resp.StatusCode)
		}
		if all, _ := h.Store.LockerAlarms(t.Context(), []int64{w.site.ID}, false); all[0].ClearedBy != "anna" {
			t.Fatalf("second clear overwrote: %+v", all[0])
		}
		if resp, _ := anna.Post("/lockers/alarms/99999/clear", url.Values{}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown alarm: %d", resp.StatusCode)
		}
	})
}
