package inbox_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/app/demo"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/webtest"
)

// ibDMSToken is how demo.Load prints its DMS node's token.
var ibDMSToken = regexp.MustCompile(`DMS token \(shown once\):\s*(\S+)`)

// ibRowOf is the JavaScript for the list row of a work order (or undefined).
func ibRowOf(number string) string {
	return `[...document.querySelectorAll("ol.threads li.thread")].find(li => li.querySelector(".meta .wo")?.textContent === ` + webtest.JS(number) + `)`
}

// ibThreadOf opens the list and returns the thread id of a work order's row.
func ibThreadOf(t *testing.T, p *webtest.Tab, base, number string) int64 {
	t.Helper()
	p.Open(base + "/inbox")
	row := ibRowOf(number)
	p.WaitFor("row of "+number, row, "main")
	id, err := strconv.ParseInt(webtest.Must[string](p, row+`.dataset.thread`), 10, 64)
	if err != nil {
		t.Fatalf("row of %s has no thread id: %v\n%s", number, err, p.Dump("main"))
	}
	return id
}

// ibOpenThread opens a thread page and waits for its composer.
func ibOpenThread(p *webtest.Tab, base string, id int64) string {
	p.T.Helper()
	path := "/inbox/threads/" + strconv.FormatInt(id, 10)
	p.Open(base + path)
	p.WaitFor("thread page "+path, `location.pathname === `+webtest.JS(path)+` && document.readyState === "complete" && document.querySelector("textarea#reply")`, "body")
	return path
}

// ibNorm is JavaScript folding an expression's whitespace, as ibSpaces does.
func ibNorm(expr string) string {
	return `(` + expr + ` || "").replace(/\s+/g, " ").trim()`
}

// ibTestLiveList keeps the list open and pushes a new work order through
// the DMS endpoint with the demo node's token: its row must appear without
// the test reloading the page.
func ibTestLiveList(t *testing.T, p *webtest.Tab, base, guide string) {
	m := ibDMSToken.FindStringSubmatch(guide)
	if m == nil {
		t.Fatalf("demo.Load printed no DMS token:\n%s", guide)
	}
	token := m[1]
	p.Open(base + "/inbox")
	p.WaitFor("the list", `document.readyState === "complete" && document.querySelectorAll("ol.threads li.thread").length >= 3`, "main")
	// No need to wait for inbox.js to open its stream: it starts from the
	// page's position (data-events), so an event committed before the
	// stream opens is replayed to it.
	p.WaitFor("the page names its live stream", `document.body.dataset.events`, "body")

	number := "АА-" + strconv.FormatInt(time.Now().UnixNano()%1000000+200000, 10)
	at := time.Now().Format("2006-01-02T15:04:05")
	body := `{"events":[{"id":"live-` + number + `","type":"work_order","occurred_at":"` + at + `","work_order":{"number":"` + number +
		`","version":1,"branch":"` + demo.BranchCode + `","status":"В работе","currency":"RUB",` +
		`"customer":{"external_id":"C-live","name":"Пётр Живой","phones":["+79165550011"],"locale":"ru"},` +
		`"vehicle":{"external_id":"V-live","plate":"Е777КХ77","make":"Lada","model":"Vesta"},` +
		`"lines":[{"id":"1","kind":"labor","name":"Диагностика","qty":1,"unit_price":"1000"}]}}]}`
	req, err := http.NewRequest(http.MethodPost, base+"/api/dms/v1/events", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("push %s: %v", number, err)
	}
	var answer bytes.Buffer
	_, _ = answer.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(answer.String(), `"applied"`) {
		t.Fatalf("push %s: status %d: %s", number, resp.StatusCode, answer.String())
	}
	p.WaitFor(number+" appears live in the list", ibRowOf(number), "main")
	if got := webtest.Must[string](p, ibRowOf(number)+`.querySelector(".meta .plate")?.textContent || ""`); !strings.Contains(got, "Е777КХ77") {
		t.Errorf("live row of %s shows plate %q, want Е777КХ77\n%s", number, got, p.Dump("main"))
	}
}

// ibTestTemplateReply opens the customer's page of АА-000102 first, then
// fills the advisor's reply from a template, sends it and waits for the
// customer's open page to show it.
func ibTestTemplateReply(t *testing.T, browser context.Context, p *webtest.Tab, h *apptest.Hub, base string) {
	const number = "АА-000102"
	threadID := ibThreadOf(t, p, base, number)
	link, err := h.Store.ActiveMagicLink(context.Background(), threadID)
	if err != nil {
		t.Fatalf("customer link of thread %d: %v", threadID, err)
	}
	c := webtest.NewTab(t, browser)
	c.Open(base + "/c/" + h.Server.Links().Token(link.Salt))
	c.WaitFor("customer page", `document.readyState === "complete" && document.querySelector("#messages")`, "body")
	time.Sleep(300 * time.Millisecond) // its stream connects

	path := ibOpenThread(p, base, threadID)
	p.WaitFor("the template picker", `document.querySelector("form.picker select#template option[value='status.waiting_parts']")`, "section.chat")
	if got := p.Text("form.picker button[type=submit]"); got != "Подставить" {
		t.Errorf("picker button = %q, want «Подставить»", got)
	}
	p.Do("pick a template",
		chromedp.SetValue(chromedp.ID("template"), "status.waiting_parts"),
		chromedp.Click(chromedp.CSS(`form.picker button[type=submit]`)),
	)
	p.WaitFor("the draft in the composer",
		`location.pathname === `+webtest.JS(path)+` && new URLSearchParams(location.search).get("template") === "status.waiting_parts" && `+
			`document.readyState === "complete" && document.querySelector("textarea#reply")?.value.trim() !== ""`, "section.chat")
	stamp := " (" + time.Now().Format("15:04:05.000") + ")"
	draft := webtest.Must[string](p, `document.querySelector("textarea#reply").value = document.querySelector("textarea#reply").value.trim() + `+webtest.JS(stamp))
	want := webtest.Spaces(draft)
	if !strings.Contains(want, number) && !strings.Contains(strings.ToLower(want), "запчаст") {
		t.Logf("note: the draft names neither the order nor parts: %q", want)
	}
	p.Do("send the template reply", chromedp.Click(chromedp.CSS(`form.composer:not(.note) button[type=submit]`)))
	p.WaitFor("the reply on the thread page",
		`location.pathname === `+webtest.JS(path)+` && location.search === "" && document.readyState === "complete" && `+
			`[...document.querySelectorAll("ol.messages li.msg.out")].some(li => `+ibNorm(`li.querySelector(".body")?.textContent`)+`.includes(`+webtest.JS(want)+`))`, "section.chat")
	// The customer's page drops the "<branch>: " the text opens with (the
	// bubble names the branch) and capitalises what follows: match the rest.
	seen := want
	if _, rest, ok := strings.Cut(want, ": "); ok {
		_, size := utf8.DecodeRuneInString(rest)
		seen = rest[size:]
	}
	c.WaitFor("the template reply live on the customer's page (no reload)",
		`[...document.querySelectorAll("#messages li.msg.theirs")].some(li => `+ibNorm(`li.textContent`)+`.includes(`+webtest.JS(seen)+`))`, "#messages")
}

// ibTestFailedResend fails a message of WA-000103 through the store (no
// recipient), checks the thread page marks it failed with the reason, and
// resends it.
func ibTestFailedResend(t *testing.T, p *webtest.Tab, h *apptest.Hub, base string) {
	const number = "WA-000103"
	threadID := ibThreadOf(t, p, base, number)
	th, err := h.Store.Thread(context.Background(), threadID)
	if err != nil {
		t.Fatal(err)
	}
	body := "Машина готова, ждём вас. (" + time.Now().Format("15:04:05.000") + ")"
	m, err := h.Store.QueueMessage(context.Background(), store.Outgoing{ThreadID: th.ID, Channel: th.Channel, Body: body, Author: "Ольга Смирнова"})
	if err != nil || m.Delivery != hub.DeliveryFailed {
		t.Fatalf("failed message: %+v %v", m, err)
	}
	ibOpenThread(p, base, threadID)
	li := `document.querySelector("li#m` + strconv.FormatInt(m.ID, 10) + `")`
	p.WaitFor("the failed message with its reason and a resend button",
		li+`?.querySelector(".delivery.failed .reason")?.textContent.trim() && `+li+`.querySelector(".delivery.failed form[action$='/resend'] button")`, "section.chat")
	if got := webtest.Must[string](p, ibNorm(li+`.querySelector(".body")?.textContent`)); got != webtest.Spaces(body) {
		t.Errorf("failed message body = %q, want %q", got, body)
	}
	if got := webtest.Spaces(webtest.Must[string](p, li+`.querySelector(".delivery").textContent`)); !strings.HasPrefix(got, "не доставлено") {
		t.Errorf("delivery line = %q, want «не доставлено: <reason>»", got)
	}
	// Submit, not Do: the next test's navigation must not race the form's
	// redirect, whatever the page showed meanwhile.
	p.Submit("resend", chromedp.Click(chromedp.CSS(`li#m`+strconv.FormatInt(m.ID, 10)+` .delivery form button[type=submit]`)))
	p.WaitFor("the message queued or sent again",
		`document.readyState === "complete" && `+li+` && !`+li+`.querySelector(".delivery.failed") && `+
			`["queued", "sent", "delivered"].some(c => `+li+`.querySelector(".delivery." + c))`, "section.chat")
	if got := p.Text(".error"); got != "" {
		t.Errorf("the thread page shows an error after the resend: %q", got)
	}
}

// ibTestMechanicPhoto signs a mechanic in, finds АА-000101 at /mechanic,
// uploads a PNG with a comment, and checks the advisor's thread page shows
// it as an internal message with the picture.
func ibTestMechanicPhoto(t *testing.T, browser context.Context, p *webtest.Tab, h *apptest.Hub, base string) {
	const number = "АА-000101"
	ctx := context.Background()
	branch, err := h.Store.BranchByCode(ctx, demo.BranchCode)
	if err != nil {
		t.Fatal(err)
	}
	const pass = "mechanic-pass-123"
	if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "mech", Name: "Сергей Механик", Role: store.RoleMechanic,
		Password: pass, BranchIDs: []int64{branch.ID}}, nil); err != nil {
		t.Fatalf("add mechanic: %v", err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := 0; x < 32; x++ {
		for y := 0; y < 24; y++ {
			img.Set(x, y, color.RGBA{R: uint8(x * 8), G: 80, B: uint8(y * 10), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "brake-pads.png")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	mech := webtest.NewTab(t, browser, webtest.AcceptLanguage("ru-RU,ru;q=0.9"))
	mech.Open(base + "/login")
	mech.WaitFor("login form", `document.querySelector("form[action='/login'] input[name=csrf]")?.value`, "body")
	mech.Do("mechanic signs in",
		chromedp.SendKeys(chromedp.ID("login"), "mech"),
		chromedp.SendKeys(chromedp.ID("password"), pass),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	mech.WaitFor("signed in", `location.pathname !== "/login" && document.readyState === "complete"`, "body")
	mech.Open(base + "/mechanic")
	mech.WaitFor("mechanic search", `location.pathname === "/mechanic" && document.querySelector("form.search input[name=q]")`, "body")
	mech.Do("search the order",
		chromedp.SendKeys(chromedp.CSS(`form.search input[name=q]`), "А123ВС77"),
		chromedp.Click(chromedp.CSS(`form.search button[type=submit]`)),
	)
	link := `[...document.querySelectorAll("ul.orders li.thread a.who")].find(a => a.textContent.includes(` + webtest.JS(number) + `))`
	mech.WaitFor(number+" in the mechanic's results", `new URLSearchParams(location.search).get("q") === "А123ВС77" && `+link, "main")
	orderPath := webtest.Must[string](mech, link+`.getAttribute("href")`)
	mech.Do("open the order", chromedp.Click(chromedp.CSS(`ul.orders a.who[href="`+orderPath+`"]`)))
	mech.WaitFor("the upload form", `location.pathname === `+webtest.JS(orderPath)+` && document.readyState === "complete" && document.querySelector("form.upload input#file")`, "body")
	if got := mech.Text("main h1"); !strings.Contains(got, number) {
		t.Errorf("mechanic order heading = %q, want %s", got, number)
	}
	comment := "Колодки стёрты до металла. (" + time.Now().Format("15:04:05.000") + ")"
	mech.Do("upload the photo",
		chromedp.SetUploadFiles(chromedp.CSS(`form.upload input#file`), []string{file}),
		chromedp.SendKeys(chromedp.ID("comment"), comment),
		chromedp.Click(chromedp.CSS(`form.upload button[type=submit]`)),
	)
	mech.WaitFor("uploaded", `location.pathname === `+webtest.JS(orderPath)+` && document.readyState === "complete" && document.querySelector("p.ok")`, "main")

	threadID, err := strconv.ParseInt(strings.TrimPrefix(orderPath, "/mechanic/orders/"), 10, 64)
	if err != nil {
		t.Fatalf("mechanic order link %q has no thread id", orderPath)
	}
	ibOpenThread(p, base, threadID)
	msg := `[...document.querySelectorAll("ol.messages li.msg.internal")].find(li => li.querySelector(".body")?.textContent.includes(` + webtest.JS(comment) + `))`
	p.WaitFor("the mechanic's photo as an internal message", msg+`?.querySelector("ul.files img")`, "section.chat")
	p.WaitFor("the photo loads", msg+`.querySelector("ul.files img").complete && `+msg+`.querySelector("ul.files img").naturalWidth === 32`, "section.chat")
	if got := webtest.Must[string](p, msg+`.querySelector(".author")?.textContent || ""`); got != "Сергей Механик" {
		t.Errorf("photo message author = %q, want the mechanic", got)
	}
}

// ibTestLeadMerge makes a lead (no work order) at the demo branch, merges
// it into АА-000102 from its page, and checks the work order's thread shows
// the lead's message.
func ibTestLeadMerge(t *testing.T, p *webtest.Tab, h *apptest.Hub, base string) {
	const number = "АА-000102"
	ctx := context.Background()
	target := ibThreadOf(t, p, base, number)
	branch, err := h.Store.BranchByCode(ctx, demo.BranchCode)
	if err != nil {
		t.Fatal(err)
	}
	lead := hub.Thread{BranchID: branch.ID, Phone: "+79037778899", Channel: hub.ChannelSMS}
	if err := h.Store.CreateThread(ctx, &lead); err != nil {
		t.Fatalf("create lead: %v", err)
	}
	text := "Здравствуйте, это Вектор, когда будет Tiguan? (" + time.Now().Format("15:04:05.000") + ")"
	if _, err := h.Store.AddCustomerMessage(ctx, lead, text, hub.ChannelSMS, nil); err != nil {
		t.Fatalf("lead message: %v", err)
	}
	leadPath := ibOpenThread(p, base, lead.ID)
	p.WaitFor("the merge form", `document.querySelector("aside.order.lead form.merge input#merge-order")`, "main")
	p.Do("merge into "+number,
		chromedp.SendKeys(chromedp.ID("merge-order"), number),
		chromedp.Click(chromedp.CSS(`form.merge button[type=submit]`)),
	)
	targetPath := "/inbox/threads/" + strconv.FormatInt(target, 10)
	p.WaitFor("landed on "+number+"'s thread", `location.pathname === `+webtest.JS(targetPath)+` && document.readyState === "complete" && document.querySelector("aside.order h2")`, "body")
	if got := p.Text("aside.order h2"); !strings.Contains(got, number) {
		t.Errorf("work-order card = %q, want %s", got, number)
	}
	p.WaitFor("the lead's message on the work order's thread",
		`[...document.querySelectorAll("ol.messages li.msg.in")].some(li => li.querySelector(".body")?.textContent.includes(`+webtest.JS(text)+`))`, "section.chat")
	if _, err := h.Store.Thread(ctx, lead.ID); err == nil {
		t.Errorf("the lead thread %s still exists after the merge", leadPath)
	}
}

// ibTestNoReloadWhileLeaving checks a thread page being left does not
// reload itself on its thread's events: a reload that starts after the
// next page answered, before it is shown, wins, and the browser stays on
// the thread (a test that opened another thread found itself back here).
// If the page is still shown 5 s on, it catches up.
func ibTestNoReloadWhileLeaving(t *testing.T, p *webtest.Tab, h *apptest.Hub, base string) {
	const number = "АА-000101"
	ctx := context.Background()
	th, err := h.Store.Thread(ctx, ibThreadOf(t, p, base, number))
	if err != nil {
		t.Fatal(err)
	}
	ibOpenThread(p, base, th.ID)
	// The page's own document, and the thread events its stream delivers
	// (inbox.js passes each on as naryad:thread).
	p.Do("mark the page and leave it", chromedp.Evaluate[chromedp.Void](`window.__ibStay = true;
		document.addEventListener("naryad:thread", e => { window.__ibHeard = e.detail; });
		window.dispatchEvent(new Event("beforeunload"))`))
	text := "Можно забрать завтра утром? (" + time.Now().Format("15:04:05.000") + ")"
	if _, err := h.Store.AddCustomerMessage(ctx, th, text, hub.ChannelSMS, nil); err != nil {
		t.Fatal(err)
	}
	p.WaitFor("the thread's event on the page being left", `window.__ibHeard === `+webtest.JS(strconv.FormatInt(th.ID, 10)), "body")
	// Unheld, the reload would come within 2 s of the page's load.
	if p.Within(2500*time.Millisecond, `!window.__ibStay`) {
		t.Fatalf("the thread page reloaded itself while being left\nlocation: %s", p.Location())
	}
	p.WaitFor("the page catches up once it stays", `!window.__ibStay && [...document.querySelectorAll("ol.messages li.msg.in")].some(li => `+
		ibNorm(`li.querySelector(".body")?.textContent`)+`.includes(`+webtest.JS(text)+`))`, "section.chat")
}
