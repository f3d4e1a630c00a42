package inbox_test

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/app/demo"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

// ibScreenshotPath is docs/screenshots/inbox.png, from this package's
// directory (hub/web/inbox), where go test runs; TestBrowserInboxPanes
// takes it.
var ibScreenshotPath = filepath.Join("..", "..", "..", "docs", "screenshots", "inbox.png")

// ibDemoOrders are the work orders demo.Load pushes, with a plate and a
// phone of each as an advisor would type them into the search.
var ibDemoOrders = []struct{ number, plate, phone string }{
	{"АА-000101", "А123ВС77", "8 (916) 123-45-67"},
	{"АА-000102", "М456ОР99", "+7 903 765-43-21"},
	{"WA-000103", "WX12345", "+48 601 234 567"}, // at the Warsaw branch
}

// ibSignIn is the line demo.Load prints for the account it creates.
var ibSignIn = regexp.MustCompile(`/login \(shown once\): (\S+) / (\S+)`)

// ibRows lists the inbox rows as "<work order>|<plate>|<phone>".
const ibRows = `[...document.querySelectorAll("ol.threads li.thread")].map(li => ["wo", "plate", "phone"].map(c => (li.querySelector(".meta ." + c) || {}).textContent || "").join("|"))`

// TestBrowserInbox drives the advisors' inbox in headless Chromium against
// a whole running hub filled by the demo: sign in, the list, the search,
// a reply that reaches the customer's page and a note that does not.
func TestBrowserInbox(t *testing.T) {
	browser := webtest.StartBrowser(t)
	b := storetest.SQLite(t)
	h := apptest.Start(t, b)
	var guide bytes.Buffer
	if err := demo.Load(context.Background(), h.Server, h.Config, &guide); err != nil {
		t.Fatalf("demo.Load: %v\n%s", err, guide.String())
	}
	m := ibSignIn.FindStringSubmatch(guide.String())
	if m == nil {
		t.Fatalf("demo.Load printed no sign-in line:\n%s", guide.String())
	}
	login, pass := m[1], m[2]
	base := h.Run(t)
	t.Logf("%s hub at %s", b.Name, base)

	advisor := webtest.NewTab(t, browser, webtest.AcceptLanguage("ru-RU,ru;q=0.9"))
	advisor.Do("desktop viewport", chromedp.EmulateViewport(1280, 800))
	if !t.Run("sign_in_list_and_search", func(t *testing.T) {
		advisor.T = t
		ibTestSignInAndList(t, advisor, base, login, pass)
	}) {
		return // the thread test needs the signed-in tab
	}
	t.Run("reply_reaches_customer_note_does_not", func(t *testing.T) {
		advisor.T = t
		ibTestReplyAndNote(t, browser, advisor, h, base)
	})
	t.Run("new_work_order_appears_live_in_list", func(t *testing.T) {
		advisor.T = t
		ibTestLiveList(t, advisor, base, guide.String())
	})
	t.Run("template_reply_live_on_customer_page", func(t *testing.T) {
		advisor.T = t
		ibTestTemplateReply(t, browser, advisor, h, base)
	})
	t.Run("failed_sms_shows_and_resends", func(t *testing.T) {
		advisor.T = t
		ibTestFailedResend(t, advisor, h, base)
	})
	t.Run("mechanic_photo_reaches_thread", func(t *testing.T) {
		advisor.T = t
		ibTestMechanicPhoto(t, browser, advisor, h, base)
	})
	t.Run("lead_merged_into_work_order_thread", func(t *testing.T) {
		advisor.T = t
		ibTestLeadMerge(t, advisor, h, base)
	})
	t.Run("thread_page_being_left_does_not_reload", func(t *testing.T) {
		advisor.T = t
		ibTestNoReloadWhileLeaving(t, advisor, h, base)
	})
}

// ibTestSignInAndList signs in through the login form, checks the list
// shows the three demo work orders, saves the screenshot and searches.
func ibTestSignInAndList(t *testing.T, p *webtest.Tab, base, login, pass string) {
	p.Open(base + "/inbox")
	p.WaitFor("sent to the login form", `location.pathname === "/login" && document.querySelector("form[action='/login'] input[name=csrf]")?.value`, "body")
	p.Do("sign in",
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), pass),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	p.WaitFor("inbox after signing in", `location.pathname === "/inbox" && document.readyState === "complete" && document.querySelector("ol.threads")`, "body")
	if got := p.Text("main h1"); got != "Входящие" {
		t.Errorf("inbox heading = %q, want «Входящие» (Accept-Language ru)", got)
	}
	if who := webtest.Spaces(p.Text("#who")); !strings.Contains(who, "Ольга Смирнова") || !strings.Contains(who, "DEMO") {
		t.Errorf("header = %q, want the demo advisor and branch DEMO", who)
	}

	p.WaitFor("three demo work orders", `document.querySelectorAll("ol.threads li.thread").length === 3`, "main")
	rows := webtest.Must[[]string](p, ibRows)
	for _, o := range ibDemoOrders {
		if !ibHasRow(rows, o.number) {
			t.Errorf("the list has no row for %s; rows: %q", o.number, rows)
		}
	}
	if t.Failed() {
		t.Fatalf("list:\n%s", p.Dump("main"))
	}
	// docs/screenshots/inbox.png is taken by TestBrowserInboxPanes (1366×768).

	ibSearch(t, p, ibDemoOrders[0].plate, ibDemoOrders[0].number)
	ibSearch(t, p, ibDemoOrders[1].phone, ibDemoOrders[1].number)

	// Clearing the search brings every row back.
	p.Do("clear the search", chromedp.Click(chromedp.CSS(`form.search a`)))
	p.WaitFor("all rows again", `location.search === "" && document.querySelectorAll("ol.threads li.thread").length === 3`, "main")
}

// ibHasRow reports whether a row of ibRows is the work order's.
func ibHasRow(rows []string, number string) bool {
	for _, r := range rows {
		if strings.HasPrefix(r, number+"|") {
			return true
		}
	}
	return false
}

// ibSearch types text into the list's search box and checks exactly the
// one work order's row is listed.
func ibSearch(t *testing.T, p *webtest.Tab, text, number string) {
	t.Helper()
	field := chromedp.CSS(`form.search input[name=q]`)
	p.Do("search "+text,
		chromedp.Evaluate[chromedp.Void](`document.querySelector("form.search input[name=q]").value = ""`),
		chromedp.SendKeys(field, text),
		chromedp.Click(chromedp.CSS(`form.search button[type=submit]`)),
	)
	p.WaitFor("results for "+text, `new URLSearchParams(location.search).get("q") === `+webtest.JS(text)+` && document.readyState === "complete"`, "main")
	rows := webtest.Must[[]string](p, ibRows)
	if len(rows) != 1 || !ibHasRow(rows, number) {
		t.Errorf("search %q lists %q, want exactly %s\n%s", text, rows, number, p.Dump("main"))
	}
	if got := webtest.Must[string](p, `document.querySelector("form.search input[name=q]").value`); got != text {
		t.Errorf("the search box shows %q after searching %q", got, text)
	}
}

// ibTestReplyAndNote answers the customer of АА-000101 from the thread page,
// sees the reply on the customer's page in another browser context, then
// adds a private note and checks the customer's page never shows it.
func ibTestReplyAndNote(t *testing.T, browser context.Context, p *webtest.Tab, h *apptest.Hub, base string) {
	const number = "АА-000101"
	p.Open(base + "/inbox")
	row := `[...document.querySelectorAll("ol.threads li.thread")].find(li => li.querySelector(".meta .wo")?.textContent === ` + webtest.JS(number) + `)`
	p.WaitFor("row of "+number, row, "main")
	threadID, err := strconv.ParseInt(webtest.Must[string](p, row+`.dataset.thread`), 10, 64)
	if err != nil {
		t.Fatalf("row of %s has no thread id: %v\n%s", number, err, p.Dump("main"))
	}
	threadPath := "/inbox/threads/" + strconv.FormatInt(threadID, 10)
	p.Do("open the thread", chromedp.Click(chromedp.CSS(`li.thread[data-thread="`+strconv.FormatInt(threadID, 10)+`"] a.who`)))
	p.WaitFor("thread page", `location.pathname === `+webtest.JS(threadPath)+` && document.readyState === "complete" && document.querySelector("textarea#reply")`, "body")
	if got := p.Text("aside.order h2"); !strings.Contains(got, number) {
		t.Errorf("work-order card = %q, want %s", got, number)
	}

	stamp := time.Now().Format("15:04:05.000")
	reply := "Колодки пришли, заменим сегодня до 18:00. (" + stamp + ")"
	outs := `[...document.querySelectorAll("ol.messages li.msg.out")]`
	p.Do("write and send the reply",
		chromedp.SendKeys(chromedp.ID("reply"), reply),
		chromedp.Click(chromedp.CSS(`form.composer:not(.note) button[type=submit]`)),
	)
	p.WaitFor("the reply on the thread page",
		`location.pathname === `+webtest.JS(threadPath)+` && location.search === "" && document.readyState === "complete" && `+
			outs+`.some(li => li.querySelector(".body")?.textContent.includes(`+webtest.JS(reply)+`))`, "section.chat")
	if got := p.Text(".error"); got != "" {
		t.Errorf("the thread page shows an error after the reply: %q", got)
	}

	// The customer's page, in a browser context of its own (no staff cookie).
	ctx := context.Background()
	link, err := h.Store.ActiveMagicLink(ctx, threadID)
	if err != nil {
		t.Fatalf("customer link of thread %d: %v", threadID, err)
	}
	customerURL := base + "/c/" + h.Server.Links().Token(link.Salt)
	c := webtest.NewTab(t, browser)
	c.Open(customerURL)
	theirs := `[...document.querySelectorAll("#messages li.msg.theirs")]`
	c.WaitFor("the advisor's reply on the customer's page", theirs+`.some(li => li.textContent.includes(`+webtest.JS(reply)+`))`, "#messages")

	note := "Клиент просил не звонить после 19:00. (" + stamp + ")"
	// The customer opening their page is an event of this thread, and the
	// thread page reloads on it (at most once per 2 s): a box found before
	// that reload is gone from the page. Type the note again on the
	// reloaded page; nothing was submitted by an attempt that failed.
	writeNote := func() error {
		ctx, cancel := context.WithTimeout(p.Ctx, webtest.StepTimeout)
		defer cancel()
		return chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.ID("note"), note),
			chromedp.Click(chromedp.CSS(`form.composer.note button[type=submit]`)),
		)
	}
	for attempt := 1; ; attempt++ {
		err := writeNote()
		if err == nil {
			break
		}
		if attempt == 3 {
			t.Fatalf("write and add the note: %v\nlocation: %s\n%s", err, p.Location(), p.Dump("body"))
		}
		p.WaitFor("the thread page after a reload", `document.readyState === "complete"`, "body")
	}
	p.WaitFor("the note on the thread page, marked internal",
		`location.pathname === `+webtest.JS(threadPath)+` && document.readyState === "complete" && `+
			`[...document.querySelectorAll("ol.messages li.msg.note.internal")].some(li => li.querySelector(".body")?.textContent.includes(`+webtest.JS(note)+`))`, "section.chat")
	if webtest.Must[bool](p, outs+`.some(li => li.textContent.includes(`+webtest.JS(note)+`))`) {
		t.Errorf("the note is shown as a message to the customer on the thread page\n%s", p.Dump("section.chat"))
	}

	// Neither the open page (its live stream) nor a fresh load may show it.
	hasNote := `document.body.textContent.includes(` + webtest.JS(note) + `)`
	if c.Within(1500*time.Millisecond, hasNote) {
		t.Errorf("the private note reached the open customer page\n%s", c.Dump("#messages"))
	}
	c.Do("reload the customer page", chromedp.Reload())
	c.WaitFor("customer page reloaded with the reply", `document.readyState === "complete" && `+theirs+`.some(li => li.textContent.includes(`+webtest.JS(reply)+`))`, "#messages")
	if webtest.Must[bool](c, hasNote) {
		t.Errorf("the private note is on the customer page after a reload\n%s", c.Dump("#messages"))
	}
	if n := webtest.Must[float64](c, theirs+`.filter(li => li.textContent.includes(`+webtest.JS(reply)+`)).length`); n != 1 {
		t.Errorf("the reply is shown %v times on the customer page, want once\n%s", n, c.Dump("#messages"))
	}
}
