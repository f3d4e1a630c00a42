package inbox_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

// TestBrowserSLABreachList: a customer of MSK1 (first-response target 30
// minutes, no working hours: wall-clock time) wrote and nobody answered;
// with the inbox's clock 31 minutes on, the advisor's breach list in
// headless Chromium shows the thread with its kind, its link opens the
// thread, and the page fits a 360 px phone without scrolling sideways.
func TestBrowserSLABreachList(t *testing.T) {
	browser := webtest.StartBrowser(t)
	h := apptest.Start(t, storetest.SQLite(t))
	ctx := context.Background()
	w := newWorld(t, h)
	if err := h.Store.SetBranchSLATargets(ctx, h.Branch.ID, store.SLATargets{FirstResponseMinutes: 30, ResolutionMinutes: 600}); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.AssignThread(ctx, w.a.ID, &w.anna.ID); err != nil {
		t.Fatal(err)
	}
	const question = "Когда будет готово? Жду звонка."
	if _, err := h.Store.AddCustomerMessage(ctx, w.a, question, hub.ChannelSMS, nil); err != nil {
		t.Fatal(err)
	}
	// The clock is set before the server starts and never moves after,
	// so the handlers read it without a race.
	now := time.Now().Add(31 * time.Minute)
	app := slaApp(t, h, &now)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	base := "http://" + ln.Addr().String()

	p := webtest.NewTab(t, browser, webtest.AcceptLanguage("ru-RU,ru;q=0.9"))
	p.Open(base + "/login")
	p.WaitFor("login form", `document.querySelector("form[action='/login'] input[name=csrf]")?.value`, "body")
	p.Do("sign in",
		chromedp.SendKeys(chromedp.ID("login"), "anna"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	p.WaitFor("signed in", `location.pathname !== "/login"`, "body")

	row := fmt.Sprintf(`tr[data-thread="%d"]`, w.a.ID)
	for _, v := range []struct {
		name          string
		width, height int64
		phone         bool
	}{{"desktop", 1366, 768, false}, {"phone", 360, 740, true}} {
		t.Run(v.name, func(t *testing.T) {
			p.T = t
			viewport := []chromedp.EmulateViewportOption{}
			if v.phone {
				viewport = append(viewport, chromedp.EmulateMobile, chromedp.EmulatePortrait)
			}
			p.Do(fmt.Sprintf("%d×%d viewport", v.width, v.height), chromedp.EmulateViewport(v.width, v.height, viewport...))
			p.Open(base + "/inbox/sla")
			p.WaitFor("the breach list", `document.querySelector("main h1")?.textContent === "Нарушения SLA" && document.querySelector(`+webtest.JS(row)+`)`, "main")

			if n := webtest.Must[int](p, `document.querySelectorAll("table.sla-breaches tbody tr").length`); n != 1 {
				t.Errorf("%d breaches, want the one thread of MSK1 past its first-response target", n)
			}
			cells := webtest.Must[[]string](p, `[...document.querySelectorAll(`+webtest.JS(row+" td")+`)].map(td => td.textContent.trim())`)
			if len(cells) != 7 || !strings.Contains(cells[0], "ЗН-1") || cells[1] != "первый ответ" || !strings.HasSuffix(cells[2], "мин") ||
				cells[5] != "Анна" || cells[6] != "MSK1" {
				t.Errorf("breach row %q, want ЗН-1, «первый ответ», late by minutes, Анна, MSK1", cells)
			}
			if kind := webtest.Must[string](p, `document.querySelector(`+webtest.JS(row)+`).dataset.kind`); kind != store.SLAFirst {
				t.Errorf("row kind %q, want %q", kind, store.SLAFirst)
			}

			// A phone widens its layout viewport (innerWidth) to a page that
			// does not fit and zooms out, so scrollWidth <= innerWidth alone
			// would pass a page 772 px wide: innerWidth must be the screen's.
			wide := webtest.Must[[]int](p, `[document.documentElement.scrollWidth, innerWidth]`)
			if wide[0] > wide[1] || wide[1] > int(v.width) {
				t.Errorf("the page is %d px wide, the window %d px on a %d px screen: it scrolls sideways", wide[0], wide[1], v.width)
			}
			// The link is on screen (not pushed off by the table) and opens
			// the thread with the customer's question.
			inView := webtest.Must[bool](p, `(r => r.width > 0 && r.left >= 0 && r.right <= innerWidth)(document.querySelector(`+
				webtest.JS(row+" a")+`).getBoundingClientRect())`)
			if !inView {
				t.Errorf("the thread link is not within the %d px window", v.width)
			}
			p.Do("open the thread", chromedp.Click(chromedp.CSS(row+" a")))
			p.WaitFor("the thread page", fmt.Sprintf(`location.pathname === "/inbox/threads/%d" && document.body.textContent.includes(%s)`,
				w.a.ID, webtest.JS(question)), "main")
		})
	}
}
