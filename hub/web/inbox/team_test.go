package inbox_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// addStaff adds a user of the hub's branch with a role and a DMS id.
func addStaff(t *testing.T, h *apptest.Hub, login, name, role, externalID string) store.User {
	t.Helper()
	u, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{
		Login: login, Name: name, Role: role, Password: password, BranchIDs: []int64{h.Branch.ID},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Store.SetUserExternalID(context.Background(), u.ID, externalID); err != nil {
		t.Fatal(err)
	}
	return u
}

func lastAssignment(t *testing.T, h *apptest.Hub, threadID int64) store.Assignment {
	t.Helper()
	a, err := h.Store.ThreadAssignments(context.Background(), threadID, 1)
	if err != nil || len(a) != 1 {
		t.Fatalf("assignments of thread %d: %v %v", threadID, a, err)
	}
	return a[0]
}

// A DMS work order names its advisor by external id: the new thread is
// theirs. Without one, the advisor on shift gets it; ending a shift hands
// an unanswered thread on; a later DMS advisor is followed; the team page
// shows it all and refuses what it must, in the user's language.
func TestAssignOverHTTP(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		anna := addStaff(t, h, "anna", "Анна", store.RoleAdvisor, "ADV-7")
		boris := addStaff(t, h, "boris", "Борис", store.RoleAdvisor, "ADV-8")
		boss := addStaff(t, h, "boss", "Начальник", store.RoleAdmin, "")
		if err := h.Store.SetBranchDuty(ctx, boss.ID, h.Branch.ID, 0, true); err != nil {
			t.Fatal(err)
		}
		branch := strconv.FormatInt(h.Branch.ID, 10)
		shift := func(c *apptest.Client, u store.User, on string) (*http.Response, string) {
			return c.Post("/inbox/team/shift", url.Values{"branch": {branch}, "user": {strconv.FormatInt(u.ID, 10)}, "on": {on}})
		}
		bc := h.NewClient(t)
		bc.Lang = "ru"
		bc.SignIn("boris", password)
		resp, page := shift(bc, boris, "1")
		bc.WantRedirect(resp, page, "/inbox/team?started=1", "Смена начата.")

		// The DMS names anna (off shift): the thread is hers.
		h.PushWorkOrder(t, "e1", "ЗН-1", 1, "В работе", map[string]any{"advisor": map[string]any{"external_id": "ADV-7", "name": "Анна"}})
		one := h.Thread(t, "ЗН-1")
		if one.AssigneeID == nil || *one.AssigneeID != anna.ID || lastAssignment(t, h, one.ID).Reason != store.ReasonDMSAdvisor {
			t.Fatalf("ЗН-1 assignee %v, want anna by the DMS", one.AssigneeID)
		}
		// No advisor: boris, the one on shift.
		h.PushWorkOrder(t, "e2", "ЗН-2", 1, "В работе", nil)
		two := h.Thread(t, "ЗН-2")
		if two.AssigneeID == nil || *two.AssigneeID != boris.ID || lastAssignment(t, h, two.ID).Reason != store.ReasonRoundRobin {
			t.Fatalf("ЗН-2 assignee %v, want boris by round robin", two.AssigneeID)
		}
		_, page = bc.Do(http.MethodGet, "/inbox/threads/"+strconv.FormatInt(one.ID, 10), nil)
		for _, want := range []string{"мастер из учётной системы", "Наблюдают: Начальник", ">Следить<"} {
			if !strings.Contains(page, want) {
				t.Fatalf("thread page lacks %q:\n%s", want, page)
			}
		}

		// A customer waits on ЗН-2; anna comes on shift, boris leaves: ЗН-2 is hers.
		if _, err := h.Store.AddCustomerMessage(ctx, two, "Когда будет готово?", two.Channel, nil); err != nil {
			t.Fatal(err)
		}
		ac := h.NewClient(t)
		ac.Lang = "pl"
		ac.SignIn("anna", password)
		resp, page = shift(ac, anna, "1")
		ac.WantRedirect(resp, page, "/inbox/team?started=1", "Zmiana rozpoczęta.")
		resp, page = shift(bc, boris, "0")
		bc.WantRedirect(resp, page, "/inbox/team?moved=1", "передано диалогов с неотвеченными сообщениями: 1.")
		if a := lastAssignment(t, h, two.ID); a.Reason != store.ReasonOffShift || a.ToUser == nil || *a.ToUser != anna.ID || a.ByUser == nil || *a.ByUser != boris.ID {
			t.Fatalf("ЗН-2 after boris left: %+v", a)
		}
		if _, page = bc.Do(http.MethodGet, "/inbox/team", nil); !strings.Contains(page, "ушёл со смены") || !strings.Contains(page, "Начать смену") {
			t.Fatalf("team page lacks the off-shift handover:\n%s", page)
		}

		// Refusals: someone else's shift (not an admin), a broken form, another branch.
		resp, page = shift(bc, anna, "0")
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "Менять смену другого сотрудника может только администратор.") {
			t.Fatalf("status %d:\n%s", resp.StatusCode, page)
		}
		resp, page = bc.Post("/inbox/team/shift", url.Values{"branch": {branch}, "user": {strconv.FormatInt(boris.ID, 10)}, "on": {"yes"}})
		apptest.WantRefused(t, resp, page, "Форма заполнена неверно")
		resp, page = bc.Post("/inbox/team/shift", url.Values{"branch": {"999999"}, "user": {strconv.FormatInt(boris.ID, 10)}, "on": {"1"}})
		apptest.WantRefused(t, resp, page, "Такого сотрудника в филиале нет.")
		team, err := h.Store.BranchTeam(ctx, h.Branch.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range team {
			if m.OnShift != (m.UserID == anna.ID) {
				t.Fatalf("after the refusals %s on shift: %v", m.Login, m.OnShift)
			}
		}

		// An admin may end anyone's shift.
		oc := h.NewClient(t)
		oc.Lang = "en"
		oc.SignIn("boss", password)
		resp, page = shift(oc, anna, "0")
		oc.WantRedirect(resp, page, "/inbox/team?moved=1", "threads with unanswered messages handed on: 1.")

		// The DMS hands ЗН-1 to boris (ADV-8): the automatic assignee follows.
		h.PushWorkOrder(t, "e3", "ЗН-1", 2, "В работе", map[string]any{"advisor": map[string]any{"external_id": "ADV-8", "name": "Борис"}})
		if th := reload(t, h, one); th.AssigneeID == nil || *th.AssigneeID != boris.ID {
			t.Fatalf("ЗН-1 after the DMS advisor changed: %v, want boris", th.AssigneeID)
		}
		// A manual choice is audited and then kept against the DMS.
		resp, _ = ac.Post("/inbox/threads/"+strconv.FormatInt(one.ID, 10)+"/assign", url.Values{"user": {"me"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("assign: status %d", resp.StatusCode)
		}
		if a := lastAssignment(t, h, one.ID); a.Reason != store.ReasonManual || a.ByUser == nil || *a.ByUser != anna.ID {
			t.Fatalf("manual assignment: %+v", a)
		}
		h.PushWorkOrder(t, "e4", "ЗН-1", 3, "В работе", map[string]any{"advisor": map[string]any{"external_id": "ADV-7", "name": "Анна"}})
		h.PushWorkOrder(t, "e5", "ЗН-1", 4, "В работе", map[string]any{"advisor": map[string]any{"external_id": "ADV-8", "name": "Борис"}})
		if th := reload(t, h, one); th.AssigneeID == nil || *th.AssigneeID != anna.ID {
			t.Fatalf("the DMS overrode a manual assignment: %v", th.AssigneeID)
		}

		// Following: the manager observes both; boris follows ЗН-1 by hand.
		if _, page = oc.Do(http.MethodGet, "/inbox?f=following", nil); !strings.Contains(page, "ЗН-1") || !strings.Contains(page, "ЗН-2") {
			t.Fatalf("the manager's following list:\n%s", page)
		}
		if _, page = bc.Do(http.MethodGet, "/inbox?f=following", nil); strings.Contains(page, "ЗН-1") {
			t.Fatalf("boris follows nothing yet:\n%s", page)
		}
		for range 2 {
			if resp, _ = bc.Post("/inbox/threads/"+strconv.FormatInt(one.ID, 10)+"/follow", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("follow: status %d", resp.StatusCode)
			}
		}
		if _, page = bc.Do(http.MethodGet, "/inbox?f=following", nil); !strings.Contains(page, "ЗН-1") || strings.Contains(page, "ЗН-2") {
			t.Fatalf("boris's following list:\n%s", page)
		}
		bc.Post("/inbox/threads/"+strconv.FormatInt(one.ID, 10)+"/unfollow", url.Values{})
		if _, page = bc.Do(http.MethodGet, "/inbox?f=following", nil); strings.Contains(page, "ЗН-1") {
			t.Fatalf("boris unfollowed:\n%s", page)
		}
	})
}
