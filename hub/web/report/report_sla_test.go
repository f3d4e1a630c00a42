package report_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/report"
)

// slaStart is when the SLA world's first customer writes, a day after the
// other figures' threads.
var slaStart = day.Add(24 * time.Hour)

// slaWorld adds to newWorld's hub SLA targets (first 30 min, next 15 min,
// resolution 4 h; MSK1 has no working hours, so wall-clock time) and
// customer waits on three MSK1 threads and one SPB1 thread:
//
//	A (Анна): writes at 0, answered at 10 min (first met); writes at 1 h,
//	          answered at 1 h 20 min (next due 1 h 15 min: breached);
//	          resolution due at 4 h.
//	B (Борис): writes at 2 h, answered at 2 h 40 min (first breached);
//	          resolution due at 6 h.
//	D (Анна): writes at 3 h, answered at 3 h 05 min (first met);
//	          resolution due at 7 h.
//	SPB1 (Олег): writes at 0, never answered.
func slaWorld(t *testing.T, h *apptest.Hub) {
	t.Helper()
	ctx := context.Background()
	targets := store.SLATargets{FirstResponseMinutes: 30, NextResponseMinutes: 15, ResolutionMinutes: 240}
	spb, err := h.Store.BranchByCode(ctx, "SPB1")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []int64{h.Branch.ID, spb.ID} {
		if err := h.Store.SetBranchSLATargets(ctx, b, targets); err != nil {
			t.Fatal(err)
		}
	}
	thread := func(branch int64, phone, login string) hub.Thread {
		th := hub.Thread{BranchID: branch, Phone: phone, Channel: hub.ChannelSMS}
		if err := h.Store.CreateThread(ctx, &th); err != nil {
			t.Fatal(err)
		}
		u, err := h.Store.UserByLogin(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Store.AssignThread(ctx, th.ID, &u.ID); err != nil {
			t.Fatal(err)
		}
		return th
	}
	write := func(th hub.Thread, author string, at time.Duration) {
		m := hub.Message{ThreadID: th.ID, Direction: hub.DirectionIn, Body: "?", CreatedAt: slaStart.Add(at)}
		if author != "" {
			m.Direction, m.Author, m.Body = hub.DirectionOut, author, "!"
		}
		if err := h.Store.AddMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	a := thread(h.Branch.ID, "+79161110001", "anna")
	write(a, "", 0)
	write(a, "Анна", 10*time.Minute)
	write(a, "", time.Hour)
	write(a, "Анна", time.Hour+20*time.Minute)
	b := thread(h.Branch.ID, "+79161110002", "boris")
	write(b, "", 2*time.Hour)
	write(b, "Борис", 2*time.Hour+40*time.Minute)
	d := thread(h.Branch.ID, "+79161110003", "anna")
	write(d, "", 3*time.Hour)
	write(d, "Анна", 3*time.Hour+5*time.Minute)
	write(thread(spb.ID, "+79161110004", "oleg"), "", 0)
}

// clockedClient is anna signed in to the hub, asking a report mounted on
// the hub's store whose clock is at `at` (reportApp).
func clockedClient(t *testing.T, w *world, at time.Time, lang string) *apptest.Client {
	t.Helper()
	cl := apptest.NewAppClient(t, reportApp(t, w.h, at))
	cl.Cookies, cl.Lang = w.signIn(t, "anna").Cookies, lang
	return cl
}

// reportApp mounts the staff sign-in and the report on the hub's store
// with the clock at `at`: it decides which clocks are still running.
func reportApp(t *testing.T, h *apptest.Hub, at time.Time) *fiber.App {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	staffPages, err := staff.New(h.Store, staff.Options{Secret: h.Config.Secret, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	page, err := report.New(h.Store, staffPages.RequireStaff, report.Options{Logger: log, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	staffPages.Register(app)
	page.Register(app)
	return app
}

const slaPeriod = "/reports?from=2025-03-01&to=2025-03-31"

// The SLA tables in Russian and Polish at 5 h after the first wait: met %
// per branch and advisor by kind, the running resolution clocks not yet
// counted against anyone, only the user's branches, and the chart of the
// advisors' first-response met %.
func TestReportSLAInRussianAndPolish(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		slaWorld(t, h)
		row := func(cells ...string) string { return "<tr><td>" + strings.Join(cells, "</td><td>") + "</td></tr>" }
		for _, c := range []struct {
			lang string
			want []string
		}{
			{"ru", []string{"<h2>SLA</h2>", "<th scope=\"col\">% выполнения</th>",
				row("MSK1", "первый ответ", "3", "2", "1", "0", "66,7\u00a0%"),
				row("MSK1", "следующий ответ", "1", "0", "1", "0", "0,0\u00a0%"),
				row("MSK1", "решение", "3", "0", "1", "2", "0,0\u00a0%"),
				row("Анна", "первый ответ", "2", "2", "0", "0", "100,0\u00a0%"),
				row("Анна", "следующий ответ", "1", "0", "1", "0", "0,0\u00a0%"),
				row("Анна", "решение", "2", "0", "1", "1", "0,0\u00a0%"),
				row("Борис", "первый ответ", "1", "0", "1", "0", "0,0\u00a0%"),
				row("Борис", "решение", "1", "0", "0", "1", "—"),
				`<title id="chart-sla-title">SLA первого ответа по сотрудникам, % выполнения</title>`,
				"<title>Анна: 100,0\u00a0%</title>", "<title>Борис: 0,0\u00a0%</title>",
				`href="/reports?by=branch&amp;format=csv&amp;from=2025-03-01&amp;table=sla_advisors&amp;to=2025-03-31"`}},
			{"pl", []string{"<th scope=\"col\">% dotrzymania</th>",
				row("MSK1", "pierwsza odpowiedź", "3", "2", "1", "0", "66,7\u00a0%"),
				row("MSK1", "rozwiązanie", "3", "0", "1", "2", "0,0\u00a0%"),
				row("Анна", "kolejna odpowiedź", "1", "0", "1", "0", "0,0\u00a0%"),
				row("Борис", "rozwiązanie", "1", "0", "0", "1", "—"),
				"SLA pierwszej odpowiedzi według pracowników"}},
		} {
			cl := clockedClient(t, w, slaStart.Add(5*time.Hour), c.lang)
			resp, page := cl.Do(http.MethodGet, slaPeriod, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d\n%s", c.lang, resp.StatusCode, page)
			}
			for _, want := range c.want {
				if !strings.Contains(page, want) {
					t.Errorf("%s page lacks %q", c.lang, want)
				}
			}
			for _, leak := range []string{"SPB1", "Олег", "SLA met", "first response", "SLA per branch"} {
				if strings.Contains(page, leak) {
					t.Errorf("%s page shows %q", c.lang, leak)
				}
			}
		}

		// The hub's own clock (today) is long past every due time: the
		// resolution clocks still running are breached there.
		cl := w.signIn(t, "anna")
		cl.Lang = "ru"
		_, page := cl.Do(http.MethodGet, slaPeriod, nil)
		if want := row("MSK1", "решение", "3", "0", "3", "0", "0,0\u00a0%"); !strings.Contains(page, want) {
			t.Errorf("the hub's report lacks %q", want)
		}
	})
}

// The SLA tables' CSV exports, byte for byte: headers and kinds in the
// viewer's language, met % with a decimal comma, empty while undecided.
func TestReportSLACSV(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		slaWorld(t, h)
		cl := clockedClient(t, w, slaStart.Add(5*time.Hour), "ru")
		for _, c := range []struct{ table, want string }{
			{"sla", "\uFEFFФилиал;Срок;Истекает в периоде;Выполнено;Нарушено;Идёт;% выполнения\r\n" +
				"MSK1;первый ответ;3;2;1;0;66,7\r\n" +
				"MSK1;следующий ответ;1;0;1;0;0,0\r\n" +
				"MSK1;решение;3;0;1;2;0,0\r\n"},
			{"sla_advisors", "\uFEFFСотрудник;Срок;Истекает в периоде;Выполнено;Нарушено;Идёт;% выполнения\r\n" +
				"Анна;первый ответ;2;2;0;0;100,0\r\n" +
				"Анна;следующий ответ;1;0;1;0;0,0\r\n" +
				"Анна;решение;2;0;1;1;0,0\r\n" +
				"Борис;первый ответ;1;0;1;0;0,0\r\n" +
				"Борис;решение;1;0;0;1;\r\n"},
		} {
			resp, body := cl.Do(http.MethodGet, slaPeriod+"&format=csv&table="+c.table, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d\n%s", c.table, resp.StatusCode, body)
			}
			if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="naryad-`+c.table+`-2025-03-01-2025-03-31.csv"` {
				t.Errorf("%s: content disposition %q", c.table, cd)
			}
			if body != c.want {
				t.Errorf("%s csv\n got %q\nwant %q", c.table, body, c.want)
			}
		}
	})
}
