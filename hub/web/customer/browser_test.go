package customer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
	"naryad/templates"
)

// brScreenshotPath is docs/screenshots/customer-page.png, from this package's
// directory (hub/web/customer), where go test runs.
var brScreenshotPath = filepath.Join("..", "..", "..", "docs", "screenshots", "customer-page.png")

// brEstimateLines are a work order with two lines for the customer to decide:
// brake pads in the order (declining takes them out) and a recommended
// cabin filter (approving adds it). Total before: 1500 + 6800 = 8300.
var brEstimateLines = []any{
	map[string]any{"id": "1", "kind": "labor", "name": "Замена масла", "qty": 1, "unit_price": "1500"},
	map[string]any{"id": "2", "kind": "part", "name": "Тормозные колодки", "qty": 1, "unit_price": "6800", "needs_approval": true},
	map[string]any{"id": "3", "kind": "recommendation", "name": "Замена салонного фильтра", "qty": 1, "unit_price": "1200", "needs_approval": true},
}

// brRepricedLines are brEstimateLines after the DMS re-priced the filter
// from 1200 to 1500.
var brRepricedLines = []any{brEstimateLines[0], brEstimateLines[1],
	map[string]any{"id": "3", "kind": "recommendation", "name": "Замена салонного фильтра", "qty": 1, "unit_price": "1500", "needs_approval": true},
}

// brPlainLines need no decision: the work order sends one SMS only.
var brPlainLines = []any{
	map[string]any{"id": "1", "kind": "labor", "name": "Замена масла", "qty": 1, "unit_price": "1500"},
}

// brOrderFields give each work order its own customer and phone: the outbox
// sends one number's messages one after another, so work orders sharing a
// phone would wait for each other's SMS. nil lines keep apptest's.
func brOrderFields(phone string, lines []any) map[string]any {
	f := map[string]any{"customer": map[string]any{
		"external_id": "C" + phone, "name": "Иван Петров", "phones": []any{phone}, "locale": "ru",
	}}
	if lines != nil {
		f["lines"] = lines
	}
	return f
}

// TestBrowserCustomerPage drives the real customer page in headless
// Chromium against a whole running hub (HTTP, outbox, live updates), on
// every test backend.
func TestBrowserCustomerPage(t *testing.T) {
	browser := webtest.StartBrowser(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			h := apptest.Start(t, b)
			base := h.Run(t)
			t.Run("link_from_sms_then_live_updates", func(t *testing.T) {
				brTestLinkAndLiveUpdates(t, browser, h, base, b.Name == "sqlite")
			})
			t.Run("chat_with_photo", func(t *testing.T) { brTestChatWithPhoto(t, browser, h, base) })
			t.Run("estimate_approve_and_decline", func(t *testing.T) { brTestEstimate(t, browser, h, base) })
			t.Run("resume_after_dropped_stream", func(t *testing.T) { brTestResume(t, browser, h, base) })
			t.Run("without_javascript", func(t *testing.T) { brTestWithoutJavaScript(t, browser, h, base) })
		})
	}
}

// brTestLinkAndLiveUpdates opens the link the customer got by SMS on a
// phone-sized screen, then watches a status change and an advisor's
// message arrive without a reload.
func brTestLinkAndLiveUpdates(t *testing.T, browser context.Context, h *apptest.Hub, base string, screenshot bool) {
	const number = "МСК-101"
	h.PushWorkOrder(t, "wo-101-1", number, 1, "В работе", brOrderFields("+79160000101", nil))
	path := brLinkFromSMS(t, h, number)
	if want := h.CustomerPath(t, number); path != want {
		t.Fatalf("sms.log link path = %s, want the thread's link %s", path, want)
	}

	p := webtest.NewTab(t, browser)
	p.Do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	p.Open(base + path)
	p.WaitFor("status shown", `document.querySelector("#status")?.textContent.trim() === "В работе"`, "#order")
	p.WaitFor("live stream open", `!document.getElementById("live").hidden`, "body")
	p.WaitFor("status SMS shown as sent", `document.querySelector("#messages li.msg[data-delivery=sent]")`, "#messages")
	if got := webtest.Must[float64](p, "document.documentElement.scrollWidth"); got > 360 {
		t.Errorf("page is %v px wide at a 360 px viewport: it scrolls sideways", got)
	}
	if screenshot {
		// The outbox sends one number's SMS in turn (the estimate request
		// after the status); let both show as sent so the picture is settled.
		p.WaitFor("both SMS shown as sent", `document.querySelectorAll("#messages li.msg[data-delivery=sent]").length === 2`, "#messages")
		p.SaveScreenshot(brScreenshotPath, 360, 740)
	}

	p.Do("mark the document", chromedp.Evaluate[chromedp.Void]("window.__marker = 1"))
	h.PushWorkOrder(t, "wo-101-2", number, 2, "Готов", brOrderFields("+79160000101", nil))
	p.WaitFor("new status without reload", `document.querySelector("#status")?.textContent.trim() === "Готов"`, "#order")
	p.WaitFor("timeline has the new step", `[...document.querySelectorAll("#order .timeline li span")].some(s => s.textContent === "Готов")`, "#order")

	const text = "Машина готова, можно забирать до 20:00."
	before := webtest.Must[float64](p, `document.querySelectorAll("#messages li.msg").length`)
	brPushMessage(t, h, "msg-101-1", number, text)
	p.WaitFor("advisor's message without reload",
		`[...document.querySelectorAll("#messages li.msg.theirs")].some(li => li.textContent.includes(`+webtest.JS(text)+`))`, "#messages")
	if after := webtest.Must[float64](p, `document.querySelectorAll("#messages li.msg").length`); after <= before {
		t.Errorf("messages: %v before the push, %v after", before, after)
	}
	if webtest.Must[float64](p, "window.__marker || 0") != 1 {
		t.Fatalf("the page was reloaded: the marker set before the pushes is gone")
	}
}

// brTestChatWithPhoto sends a text with a photo through the page's form.
func brTestChatWithPhoto(t *testing.T, browser context.Context, h *apptest.Hub, base string) {
	const number = "МСК-102"
	h.PushWorkOrder(t, "wo-102-1", number, 1, "В работе", brOrderFields("+79160000102", nil))
	photo := brWritePhoto(t, 64, 48)

	p := webtest.NewTab(t, browser)
	p.Open(base + h.CustomerPath(t, number))
	p.WaitFor("composer", `document.querySelector("form.composer textarea#text")`, "#chat")

	const text = "Вот фото царапины на двери."
	p.Do("write and attach",
		chromedp.SendKeys(chromedp.ID("text"), text),
		chromedp.SetUploadFiles(chromedp.CSS(`form.composer input[type=file][name=file]`), []string{photo}),
		chromedp.Click(chromedp.CSS(`form.composer button[type=submit]`)),
	)
	p.WaitFor("redirect after sending", `location.search === "?ok=sent_ok" && document.readyState === "complete"`, "body")
	if got := p.Text(".flash.ok"); got != "Сообщение отправлено." {
		t.Errorf("flash = %q, want «Сообщение отправлено.»\n%s", got, p.Dump("main"))
	}
	mine := `[...document.querySelectorAll("#messages li.msg.mine")].filter(li => li.textContent.includes(` + webtest.JS(text) + `))`
	p.WaitFor("own message with the photo", mine+`.length === 1 && `+mine+`[0].querySelector("img")`, "#messages")
	p.Do("scroll to the photo", chromedp.Evaluate[chromedp.Void](mine+`[0].querySelector("img").scrollIntoView()`))
	p.WaitFor("photo loads from the page's file route", mine+`[0].querySelector("img").complete && `+mine+`[0].querySelector("img").naturalWidth === 64`, "#messages")
	if alt := webtest.Must[string](p, mine+`[0].querySelector("img").alt`); alt != "царапина.png" {
		t.Errorf("photo alt = %q, want the file's name", alt)
	}

	changes := brChanges(t, h, "customer_message", number)
	if len(changes) != 1 {
		t.Fatalf("feed has %d customer_message changes for %s, want 1: %+v", len(changes), number, changes)
	}
	d := changes[0].Data
	files, _ := d["attachments"].([]any)
	if d["text"] != text || d["channel"] != "web" || len(files) != 1 {
		t.Fatalf("customer_message data = %v", d)
	}
	if f := files[0].(map[string]any); f["content_type"] != "image/png" || f["name"] != "царапина.png" {
		t.Errorf("attachment in the feed = %v", f)
	}
}

// brTestEstimate approves one line and declines another, through the review
// step, with JavaScript on, in a form that arrived over the live stream; the
// DMS re-prices a line while the review is open, so the customer confirms
// the new figures.
func brTestEstimate(t *testing.T, browser context.Context, h *apptest.Hub, base string) {
	const number = "МСК-103"
	h.PushWorkOrder(t, "wo-103-1", number, 1, "В работе", brOrderFields("+79160000103", brEstimateLines))
	p := webtest.NewTab(t, browser)
	p.Open(base + h.CustomerPath(t, number))
	// A change arriving live replaces the order section, estimate form and
	// all, while the customer is on the page; that form must still work.
	p.WaitFor("live stream open", `!document.getElementById("live").hidden`, "body")
	p.Do("mark the document", chromedp.Evaluate[chromedp.Void](`window.__marker = 1; document.getElementById("order").dataset.old = "1"`))
	h.PushWorkOrder(t, "wo-103-2", number, 2, "Ждём ответа клиента", brOrderFields("+79160000103", brEstimateLines))
	p.WaitFor("order section replaced live", `document.querySelector("#status")?.textContent.trim() === "Ждём вашего решения" && !document.getElementById("order").dataset.old`, "#order")
	if webtest.Must[float64](p, "window.__marker || 0") != 1 {
		t.Fatalf("the page was reloaded: the marker is gone")
	}
	total := brDecideEstimate(t, p, h, number, func() {
		h.PushWorkOrder(t, "wo-103-3", number, 3, "Ждём ответа клиента", brOrderFields("+79160000103", brRepricedLines))
	})
	// The page's own stream must not undo what the redirect showed.
	p.WaitFor("live stream open", `!document.getElementById("live").hidden`, "body")
	brCheckDecided(t, p, total)
	brCheckDecisionFeed(t, h, number, 150000)
}

// brDecideEstimate picks approve for the filter and decline for the pads,
// checks the review step and confirms. A non-nil reprice is run while the
// review is open and must make the filter cost 1500: the confirm then shows
// the review again, with a notice and the new figures, and the customer
// confirms those. It returns the new total the last review announced.
func brDecideEstimate(t *testing.T, p *webtest.Tab, h *apptest.Hub, number string, reprice func()) string {
	t.Helper()
	ids := brLineIDs(t, h, number)
	pads, filter := strconv.FormatInt(ids["2"], 10), strconv.FormatInt(ids["3"], 10)
	p.WaitFor("two lines to decide", `document.querySelectorAll("form.estimate fieldset.line").length === 2`, "#order")
	review := chromedp.CSS(`form.estimate .actions button[type=submit]:not([name])`)
	if got := webtest.Must[string](p, `document.querySelector("form.estimate .actions button:not([name])").textContent.trim()`); got != "Продолжить" {
		t.Errorf("review button reads %q, want «Продолжить»", got)
	}
	p.Do("choose",
		chromedp.Click(chromedp.CSS(`#line-`+filter+` input[value=approved]`)),
		chromedp.Click(chromedp.CSS(`#line-`+pads+` input[value=declined]`)),
		chromedp.Click(review),
	)
	p.WaitFor("review page", `document.querySelector("#new-total") && document.readyState === "complete"`, "body")

	brCheckReview(t, p, 150000+120000) // oil change + the approved filter
	if reprice != nil {
		reprice()
		p.Do("confirm the old figures", chromedp.Click(chromedp.ID("confirm")))
		p.WaitFor("review shown again", `document.querySelector("#notice") && document.readyState === "complete"`, "body")
		if got := p.Text("#notice"); got != "Смета изменилась, пока вы её смотрели. Проверьте новые суммы и подтвердите ещё раз." {
			t.Errorf("notice = %q\n%s", got, p.Dump("main"))
		}
		brCheckReview(t, p, 150000+150000) // the filter at its new price
	}
	total := p.Text("#new-total")
	p.Do("confirm", chromedp.Click(chromedp.ID("confirm")))
	p.WaitFor("back on the page", `location.search === "?ok=thanks" && document.readyState === "complete"`, "body")
	if got := p.Text(".flash.ok"); got != "Спасибо! Решение сохранено." {
		t.Errorf("flash = %q", got)
	}
	return total
}

// brCheckReview checks the review step shows both decisions and the new
// total.
func brCheckReview(t *testing.T, p *webtest.Tab, totalMinor int64) {
	t.Helper()
	want, err := templates.Money("ru", totalMinor, "RUB")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Text("#new-total"); webtest.Spaces(got) != webtest.Spaces(want) {
		t.Errorf("new total = %q, want %q\n%s", got, want, p.Dump("main"))
	}
	rows := webtest.Must[[]string](p, `[...document.querySelectorAll("ul.decided li")].map(li => li.className + ": " + li.textContent.replace(/\s+/g, " ").trim())`)
	if len(rows) != 2 || !slices.ContainsFunc(rows, brRowMatches("declined: Тормозные колодки", "Отказ")) ||
		!slices.ContainsFunc(rows, brRowMatches("approved: Замена салонного фильтра", "Согласовано")) {
		t.Errorf("review rows = %q", rows)
	}
}

// brRowMatches reports rows that start with prefix and hold word.
func brRowMatches(prefix, word string) func(string) bool {
	return func(row string) bool { return strings.HasPrefix(row, prefix) && strings.Contains(row, word) }
}

// brCheckDecided checks the page shows both decisions as final, the
// declined line struck through, and the total the review announced.
func brCheckDecided(t *testing.T, p *webtest.Tab, reviewed string) {
	t.Helper()
	p.WaitFor("decisions shown", `document.querySelectorAll("#order ul.decided li").length === 2`, "#order")
	if got := p.Text("#order .total strong"); got != reviewed {
		t.Errorf("page total = %q, but the review said %q\n%s", got, reviewed, p.Dump("#order"))
	}
	if got := webtest.Must[string](p, `getComputedStyle(document.querySelector("#order ul.decided li.declined .amount")).textDecorationLine`); got != "line-through" {
		t.Errorf("the declined line's sum is drawn with text-decoration %q, want line-through", got)
	}
	if got := p.Text("#order ul.decided li.approved"); !strings.Contains(got, "Замена салонного фильтра") || !strings.Contains(got, "Согласовано") {
		t.Errorf("approved line = %q\n%s", got, p.Dump("#order"))
	}
	if got := p.Text("#order ul.decided li.declined"); !strings.Contains(got, "Тормозные колодки") || !strings.Contains(got, "Отказ") {
		t.Errorf("declined line = %q\n%s", got, p.Dump("#order"))
	}
	if got := p.Text("#order .final"); !strings.HasPrefix(got, "Решение сохранено и больше не меняется.") {
		t.Errorf("final notice = %q\n%s", got, p.Dump("#order"))
	}
	if webtest.Must[bool](p, `!!document.querySelector("form.estimate")`) {
		t.Errorf("the estimate form is still offered after the decision\n%s", p.Dump("#order"))
	}
}

// brCheckDecisionFeed checks the DMS change feed holds both decisions, the
// approved filter at the price the customer confirmed.
func brCheckDecisionFeed(t *testing.T, h *apptest.Hub, number string, filterMinor float64) {
	t.Helper()
	changes := brChanges(t, h, "line_decision", number)
	got := map[string]string{}
	for _, c := range changes {
		got[fmt.Sprint(c.Data["line_id"])] = fmt.Sprint(c.Data["decision"])
		if c.Data["decided_by"] != "customer" || c.Data["user_agent"] == "" {
			t.Errorf("decision evidence = %v", c.Data)
		}
		if c.Data["line_id"] == "3" && c.Data["total_minor"] != filterMinor {
			t.Errorf("filter approved at %v, want the %v the customer confirmed", c.Data["total_minor"], filterMinor)
		}
	}
	if len(changes) != 2 || got["2"] != "declined" || got["3"] != "approved" {
		t.Fatalf("line_decision changes for %s = %+v, want line 2 declined and line 3 approved", number, changes)
	}
}

// brTestResume drops the page's event stream, lets two advisor messages
// happen meanwhile, and checks each shows up once the stream resumes.
func brTestResume(t *testing.T, browser context.Context, h *apptest.Hub, base string) {
	const number = "МСК-104"
	h.PushWorkOrder(t, "wo-104-1", number, 1, "В работе", brOrderFields("+79160000104", brPlainLines))
	proxy := brNewCutProxy(t, base)
	p := webtest.NewTab(t, browser)
	p.Open(proxy.URL + h.CustomerPath(t, number))
	p.WaitFor("live stream open", `!document.getElementById("live").hidden`, "body")
	p.Do("mark the document", chromedp.Evaluate[chromedp.Void]("window.__marker = 1"))
	// One message over the live stream first, so the browser has an event
	// id to resume from; wait until it shows as sent, so no event of it is
	// in flight when the stream drops.
	brPushMessage(t, h, "msg-104-0", number, "До обрыва связи.")
	p.WaitFor("message over the live stream", `[...document.querySelectorAll("#messages li.msg")].some(li => li.textContent.includes("До обрыва связи.") && li.matches("[data-delivery=sent]"))`, "#messages")
	p.WaitFor("status SMS and message shown as sent", `document.querySelectorAll("#messages li.msg[data-delivery=sent]").length === 2`, "#messages")

	streams, open, _ := proxy.snapshot()
	if len(streams) != 1 || open != 1 {
		t.Fatalf("before the cut: %d streams, %d open; want 1 open stream", len(streams), open)
	}
	delivered := streams[0].ids()
	proxy.cut()
	// The browser notices and tries again; the proxy holds that attempt.
	deadline := time.Now().Add(webtest.StepTimeout)
	for _, _, waiting := proxy.snapshot(); waiting == 0; _, _, waiting = proxy.snapshot() {
		if time.Now().After(deadline) {
			t.Fatalf("the browser did not try to reconnect within %s of the dropped stream", webtest.StepTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}

	missed := []string{"Пропущенное сообщение один.", "Пропущенное сообщение два."}
	brPushMessage(t, h, "msg-104-1", number, missed[0])
	brPushMessage(t, h, "msg-104-2", number, missed[1])
	count := func(text string) string {
		return `[...document.querySelectorAll("#messages li.msg")].filter(li => li.textContent.includes(` + webtest.JS(text) + `)).length`
	}
	if p.Within(300*time.Millisecond, count(missed[0])+" > 0") {
		t.Fatalf("a message arrived while the stream was down: the cut did not hold\n%s", p.Dump("#messages"))
	}

	proxy.restore()
	for _, text := range missed {
		p.WaitFor("missed message after the stream resumed: "+text, count(text)+" === 1", "#messages")
	}
	// Both also reach "sent" (their delivery events); still one item each.
	p.WaitFor("delivery states of the missed messages", `[...document.querySelectorAll("#messages li.msg")].filter(li => li.textContent.includes("Пропущенное") && li.matches("[data-delivery=sent]")).length === 2`, "#messages")
	for _, text := range missed {
		if n := webtest.Must[float64](p, count(text)); n != 1 {
			t.Errorf("%q is shown %v times, want once\n%s", text, n, p.Dump("#messages"))
		}
	}
	if n := webtest.Must[float64](p, `new Set([...document.querySelectorAll("#messages li")].map(li => li.id)).size === document.querySelectorAll("#messages li").length ? 0 : 1`); n != 0 {
		t.Errorf("two message items share an id\n%s", p.Dump("#messages"))
	}
	if webtest.Must[float64](p, "window.__marker || 0") != 1 {
		t.Fatalf("the page was reloaded: the marker is gone")
	}

	// The resumed stream started where the browser was, and no event came
	// twice over the two connections.
	streams, _, _ = proxy.snapshot()
	if len(streams) < 2 {
		t.Fatalf("only %d event stream(s) went through the proxy", len(streams))
	}
	resumed := streams[1]
	t.Logf("stream 1 delivered events %v; stream 2 came with Last-Event-ID %q and delivered %v",
		delivered, resumed.lastEventID, resumed.ids())
	if len(delivered) == 0 {
		t.Fatalf("the first stream delivered no event ids")
	}
	if want := strconv.FormatInt(delivered[len(delivered)-1], 10); resumed.lastEventID != want {
		t.Errorf("resumed with Last-Event-ID %q, want %s (the last id the browser got)", resumed.lastEventID, want)
	}
	seen := map[int64]int{}
	for _, s := range streams {
		for _, id := range s.ids() {
			seen[id]++
		}
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("event %d was sent %d times over the streams", id, n)
		}
	}
}

// brTestWithoutJavaScript sends a message and decides the estimate with
// plain forms in a browser that runs no script.
func brTestWithoutJavaScript(t *testing.T, browser context.Context, h *apptest.Hub, base string) {
	const number = "МСК-105"
	h.PushWorkOrder(t, "wo-105-1", number, 1, "В работе", brOrderFields("+79160000105", brEstimateLines))
	p := webtest.NewTab(t, browser, webtest.NoJavaScript())
	p.Open(base + h.CustomerPath(t, number))
	if got := p.Text("#status"); got != "В работе" {
		t.Fatalf("status = %q\n%s", got, p.Dump("#order"))
	}

	const text = "Без скриптов: когда можно забрать?"
	p.Do("write and send",
		chromedp.SendKeys(chromedp.ID("text"), text),
		chromedp.Click(chromedp.CSS(`form.composer button[type=submit]`)),
	)
	p.WaitFor("redirect after sending", `location.search === "?ok=sent_ok" && document.readyState === "complete"`, "body")
	p.WaitFor("own message after the redirect", `[...document.querySelectorAll("#messages li.msg.mine")].some(li => li.textContent.includes(`+webtest.JS(text)+`))`, "#messages")

	// Continuing with no choice made comes back with a hint, nothing stored.
	p.Do("review without choosing", chromedp.Click(chromedp.CSS(`form.estimate .actions button[type=submit]:not([name])`)))
	p.WaitFor("asked to choose", `location.search === "?err=choose" && document.readyState === "complete"`, "body")
	if got := p.Text(".flash.err"); got != "Выберите решение по каждой строке." {
		t.Errorf("error flash = %q", got)
	}

	total := brDecideEstimate(t, p, h, number, nil)
	brCheckDecided(t, p, total)
	brCheckDecisionFeed(t, h, number, 120000)
	if changes := brChanges(t, h, "customer_message", number); len(changes) != 1 || changes[0].Data["text"] != text {
		t.Errorf("customer_message changes = %+v", changes)
	}
	// No script ran: the live notice stays hidden, as the page ships it.
	if !webtest.Must[bool](p, `document.getElementById("live").hidden`) {
		t.Errorf("the live notice is shown: a script ran with JavaScript off")
	}
}
