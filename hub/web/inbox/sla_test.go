package inbox_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/inbox"
)

// slaApp mounts the staff sign-in and the inbox on the hub's store with a
// clock the test moves (*now).
func slaApp(t *testing.T, h *apptest.Hub, now *time.Time) *fiber.App {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	staffPages, err := staff.New(h.Store, staff.Options{Secret: h.Config.Secret, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	page, err := inbox.New(h.Store, staffPages.RequireStaff, inbox.Options{Logger: log, Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	staffPages.Register(app)
	page.Register(app)
	return app
}

// A customer's wait shows on the breach list and as a badge in the inbox
// row once the clock passes the branch's first-response target, in the
// reader's language; a reply through the thread page takes it off, the
// resolution clock stays until the thread is resolved; another branch's
// advisor never sees it.
func TestSLABreachListAndBadge(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newWorld(t, h)
		if err := h.Store.SetBranchSLATargets(ctx, h.Branch.ID, store.SLATargets{FirstResponseMinutes: 30, ResolutionMinutes: 120}); err != nil {
			t.Fatal(err)
		}
		if err := h.Store.AssignThread(ctx, w.a.ID, &w.anna.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Store.AddCustomerMessage(ctx, w.a, "Когда будет готово?", hub.ChannelSMS, nil); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		app := slaApp(t, h, &now)
		anna := apptest.NewAppClient(t, app).SignIn("anna", password)
		anna.Lang = "ru"
		oleg := apptest.NewAppClient(t, app).SignIn("oleg", password)
		row := fmt.Sprintf(`data-thread="%d" data-kind="first"`, w.a.ID)

		get := func(c *apptest.Client, path string) string {
			t.Helper()
			resp, page := c.Do(http.MethodGet, path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, page)
			}
			return page
		}
		page := get(anna, "/inbox/sla")
		wantAll(t, page, "Нарушения SLA", "Нарушений нет.", "sla.css")
		wantNone(t, get(anna, "/inbox"), `class="badge late sla"`)

		now = now.Add(31 * time.Minute)
		page = get(anna, "/inbox/sla")
		wantAll(t, page, row, "первый ответ", "Анна", "ЗН-1", `href="/inbox/threads/`+fmt.Sprint(w.a.ID)+`"`)
		wantNone(t, page, "Нарушений нет.", fmt.Sprintf(`data-thread="%d"`, w.b.ID))
		wantAll(t, get(anna, "/inbox"), `class="badge late sla" title="Срок SLA вышел: первый ответ">SLA<`)

		anna.Lang = "pl"
		wantAll(t, get(anna, "/inbox/sla"), "Naruszenia SLA", "pierwsza odpowiedź")
		anna.Lang = "en"
		wantAll(t, get(anna, "/inbox/sla"), "SLA breaches", "first response", "Late by")
		wantAll(t, get(oleg, "/inbox/sla"), "No breaches.")
		wantNone(t, get(oleg, "/inbox/sla"), fmt.Sprintf(`data-thread="%d"`, w.a.ID))

		// Anna answers: the first-response breach is gone; two hours
		// later the unresolved thread is late for resolution.
		resp, page := post(anna, fmt.Sprintf("/inbox/threads/%d/messages", w.a.ID), "text", "Сегодня к вечеру")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply: %d\n%s", resp.StatusCode, page)
		}
		wantAll(t, get(anna, "/inbox/sla"), "No breaches.")
		now = now.Add(90 * time.Minute)
		page = get(anna, "/inbox/sla")
		wantAll(t, page, fmt.Sprintf(`data-thread="%d" data-kind="resolution"`, w.a.ID), "resolution")
		wantNone(t, page, row)
		wantAll(t, get(anna, "/inbox"), `title="SLA due time passed: resolution"`)

		// Resolving takes it off the list and the row.
		resp, page = post(anna, fmt.Sprintf("/inbox/threads/%d/resolve", w.a.ID))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("resolve: %d\n%s", resp.StatusCode, page)
		}
		wantAll(t, get(anna, "/inbox/sla"), "No breaches.")
		wantNone(t, get(anna, "/inbox?f=resolved"), `class="badge late sla"`)
	})
}
