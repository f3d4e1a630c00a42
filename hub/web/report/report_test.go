package report_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

const password = "s3cret-pass-word"

var day = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

// world is a hub with branches A (MSK1) and B (SPB1), a thread in each,
// advisors anna and boris at A and oleg at B, and replies with known times.
type world struct {
	h *apptest.Hub
}

func newWorld(t *testing.T, h *apptest.Hub) *world {
	t.Helper()
	ctx := context.Background()
	spb := hub.Branch{Code: "SPB1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
	if err := h.Store.CreateBranch(ctx, &spb); err != nil {
		t.Fatal(err)
	}
	h.PushWorkOrder(t, "e1", "ЗН-1", 1, "В работе", nil)
	h.PushWorkOrder(t, "e2", "ЗН-2", 1, "В работе", map[string]any{"branch": "SPB1"})
	a, b := thread(t, h, "ЗН-1"), thread(t, h, "ЗН-2")
	addUser(t, h, "anna", "Анна", h.Branch.ID)
	addUser(t, h, "boris", "Борис", h.Branch.ID)
	addUser(t, h, "oleg", "Олег", spb.ID)

	msg := func(th hub.Thread, dir, author string, at time.Duration) {
		m := hub.Message{ThreadID: th.ID, Direction: dir, Author: author, CreatedAt: day.Add(at), UpdatedAt: day.Add(at)}
		if err := h.Store.Gorm(ctx).Create(&m).Error; err != nil {
			t.Fatal(err)
		}
	}
	msg(a, hub.DirectionIn, "", 0)
	msg(a, hub.DirectionOut, "Анна", 12*time.Minute)
	msg(a, hub.DirectionIn, "", time.Hour)
	msg(a, hub.DirectionOut, "Борис", time.Hour+40*time.Minute)
	msg(b, hub.DirectionIn, "", 0)
	msg(b, hub.DirectionOut, "Олег", 3*time.Minute)
	return &world{h: h}
}

func thread(t *testing.T, h *apptest.Hub, number string) hub.Thread {
	t.Helper()
	wo, err := h.Store.WorkOrderByNumber(context.Background(), h.Node.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	th, err := h.Store.ThreadByWorkOrder(context.Background(), wo.ID)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func addUser(t *testing.T, h *apptest.Hub, login, name string, branch int64) {
	t.Helper()
	_, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{
		Login: login, Name: name, Role: store.RoleAdvisor, Password: password, BranchIDs: []int64{branch},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
}

// signIn signs a user in through the login form.
func (w *world) signIn(t *testing.T, login string) *apptest.Client {
	t.Helper()
	return w.h.NewClient(t).SignIn(login, password)
}

func TestReportPageShowsOwnBranchWithChart(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		anna := w.signIn(t, "anna")
		resp, page := anna.Do(http.MethodGet, "/reports?from=2025-03-01&to=2025-03-31", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d:\n%s", resp.StatusCode, page)
		}
		// One bar per advisor with a first response: Анна (Борис only
		// answered a next wait).
		if n := strings.Count(page, `<rect class="bar"`); n != 1 {
			t.Errorf("%d bars, want one per advisor with a first response (1):\n%s", n, page)
		}
		for _, want := range []string{`role="img" aria-labelledby="chart-response-title chart-response-desc"`,
			`<title id="chart-response-title">Median first response per advisor</title>`, `<title>Анна: 12m</title>`} {
			if !strings.Contains(page, want) {
				t.Errorf("the chart lacks %q", want)
			}
		}
		for _, want := range []string{"<svg", "MSK1", "Анна", "Борис",
			// Анна's 12m is the thread's first response, Борис's 40m the next.
			"<tr><td>Анна</td><td>1</td><td>12m</td><td>12m</td><td>0</td><td>—</td><td>—</td><td>0</td><td>—</td></tr>",
			"<tr><td>Борис</td><td>0</td><td>—</td><td>—</td><td>1</td><td>40m</td><td>40m</td><td>0</td><td>—</td></tr>",
			"<tr><td>MSK1</td><td>no region</td><td>1</td><td>12m</td><td>12m</td><td>1</td><td>40m</td><td>40m</td><td>0</td><td>—</td></tr>"} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q:\n%s", want, page)
			}
		}
		for _, leak := range []string{"SPB1", "Олег"} {
			if strings.Contains(page, leak) {
				t.Errorf("page shows another branch's %q", leak)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); csp == "" {
			t.Error("no security headers")
		}

		oleg := w.signIn(t, "oleg")
		_, page = oleg.Do(http.MethodGet, "/reports?from=2025-03-01&to=2025-03-31", nil)
		if strings.Count(page, `<rect class="bar"`) != 1 || !strings.Contains(page, "Олег") || strings.Contains(page, "Анна") {
			t.Errorf("oleg's report:\n%s", page)
		}
	})
}

func TestReportBadDates(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		anna := w.signIn(t, "anna")
		for _, c := range []struct{ query, want string }{
			{"from=2025-13-01&to=2025-03-31", "“From” must be a date as YYYY-MM-DD, not «2025-13-01»."},
			{"from=2025-03-01&to=yesterday", "“To” must be a date as YYYY-MM-DD, not «yesterday»."},
			{"from=2025-03-31&to=2025-03-01", "“From” must not be after “To”."},
			{"from=2020-01-01&to=2025-03-01", "at most 366 days"},
			{"by=colour", "Conversion cannot be grouped that way."},
			{"format=csv&table=secrets", "The report has no such table."},
		} {
			t.Run(c.query, func(t *testing.T) {
				resp, page := anna.Do(http.MethodGet, "/reports?"+c.query, nil)
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, c.want) {
					t.Errorf("status %d, page:\n%s", resp.StatusCode, page)
				}
				if strings.Contains(page, "<svg") || strings.Contains(page, "<table") {
					t.Errorf("a bad period still shows figures:\n%s", page)
				}
			})
		}
		resp, page := anna.Do(http.MethodGet, "/reports", nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Per branch") {
			t.Errorf("default period: %d\n%s", resp.StatusCode, page)
		}
	})
}

func TestReportNeedsSignIn(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		resp := h.Do(t, httptest.NewRequest(http.MethodGet, "/reports", nil))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Errorf("anonymous: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}
