package inbox_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/app/demo"
	"naryad/hub"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

// loanScreenshotPath is docs/screenshots/loan-card.png, from this
// package's directory; TestBrowserLoanCard takes it.
var loanScreenshotPath = filepath.Join("..", "..", "..", "docs", "screenshots", "loan-card.png")

// demoThreadURL is the inbox page of the demo's work order number.
func demoThreadURL(t *testing.T, h *apptest.Hub, number string) (string, hub.Thread) {
	t.Helper()
	var w hub.WorkOrder
	if err := h.Store.Gorm(context.Background()).Where("number = ?", number).Order("id DESC").Take(&w).Error; err != nil {
		t.Fatal(err)
	}
	th, err := h.Store.ThreadByWorkOrder(context.Background(), w.ID)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("/inbox/threads/%d", th.ID), th
}

// TestBrowserLoanCard offers a courtesy car in headless Chromium from the
// Warsaw demo thread (a branch without a key locker) through the real
// form: its default times pass the browser's own checks, the customer
// gets the link in Polish, and the card shows the loan waiting for them.
// The Moscow demo thread shows the demo's loan and where its key goes
// (its branch has a key locker), with no second offer beside it.
func TestBrowserLoanCard(t *testing.T) {
	browser := webtest.StartBrowser(t)
	h := apptest.Start(t, storetest.SQLite(t))
	var guide bytes.Buffer
	if err := demo.Load(context.Background(), h.Server, h.Config, &guide); err != nil {
		t.Fatalf("demo.Load: %v\n%s", err, guide.String())
	}
	m := ibSignIn.FindStringSubmatch(guide.String())
	if m == nil {
		t.Fatalf("demo.Load printed no sign-in line:\n%s", guide.String())
	}
	base := h.Run(t)
	p := webtest.NewTab(t, browser, webtest.AcceptLanguage("en-GB,en;q=0.9"))
	p.Do("desktop viewport", chromedp.EmulateViewport(1366, 768))
	ibTestSignInAndListEN(t, p, base, m[1], m[2])

	moscow, _ := demoThreadURL(t, h, "АА-000101")
	p.Open(base + moscow)
	p.WaitFor("the demo loan on the card", `document.querySelector("#loans li.loan.offered")`, "#loans")
	card := webtest.Spaces(p.Text("#loans"))
	for _, want := range []string{"Kia Rio А 102 АА 777", "waiting for the papers", "from the key locker", "Withdraw the offer"} {
		if !strings.Contains(card, want) {
			t.Errorf("the Moscow card lacks %q:\n%s", want, card)
		}
	}
	if strings.Contains(card, "Škoda Octavia") {
		t.Errorf("the Moscow card offers a second car beside the open loan:\n%s", card)
	}

	warsaw, th := demoThreadURL(t, h, "WA-000103")
	p.Open(base + warsaw)
	p.WaitFor("the offer form", `document.querySelector("#loans form.loan-offer select[name=car]")`, "#loans")
	p.Do("offer the Škoda Scala",
		chromedp.SendKeys(chromedp.CSS(`#loans input[name=odometer]`), "23 480"),
		chromedp.Click(chromedp.CSS(`#loans form.loan-offer button[type=submit]`)),
	)
	p.WaitFor("the offer sent", `document.querySelector("#loans .notice") && document.querySelector("#loans li.loan.offered")`, "#loans")
	card = webtest.Spaces(p.Text("#loans"))
	for _, want := range []string{"The offer was sent to the customer.", "offered", "fuel 8/8 · 23480 km", "PLN 1,000.00",
		"Before the key can go, this is missing: a verified identity, a signed agreement, the deposit.", "Withdraw the offer"} {
		if !strings.Contains(card, want) {
			t.Errorf("the Warsaw card lacks %q:\n%s", want, card)
		}
	}
	var body string
	if err := h.Store.Gorm(context.Background()).Table("outbox").Select("outbox.body").
		Joins("JOIN messages ON messages.id = outbox.message_id").Where("messages.thread_id = ?", th.ID).Order("outbox.id DESC").Limit(1).Scan(&body).Error; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "czeka na Ciebie samochód zastępczy") || !strings.Contains(body, h.Config.BaseURL()+"/l/") {
		// The link's token itself, once sent, is scrubbed from the row.
		t.Errorf("the customer's message: %q", body)
	}
	p.Do("the card in view", chromedp.ScrollIntoView(chromedp.CSS("#loans")))
	p.SaveScreenshot(loanScreenshotPath, 1366, 768)
}

// ibTestSignInAndListEN signs the demo's admin in, in English.
func ibTestSignInAndListEN(t *testing.T, p *webtest.Tab, base, login, pass string) {
	t.Helper()
	p.Open(base + "/login")
	p.WaitFor("the login form", `document.querySelector("form[action='/login'] input[name=csrf]")?.value`, "body")
	p.Do("sign in",
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), pass),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	p.WaitFor("signed in", `location.pathname !== "/login" && document.readyState === "complete"`, "body")
}
