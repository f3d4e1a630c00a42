package customer_test

import (
	"html/template"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

// payScreenshotPath is docs/screenshots/pay.png, from this package's
// directory.
var payScreenshotPath = filepath.Join("..", "..", "..", "docs", "screenshots", "pay.png")

// payCheckoutPage is the fake provider's hosted page: a link back to the
// shop, where the real one takes the card.
var payCheckoutPage = template.Must(template.New("checkout").Parse(
	`<!doctype html><title>Checkout</title><h1 id="checkout">Checkout {{.ID}}</h1><a id="back" href="{{.Return}}">Back to the shop</a>`))

// payProvider serves the hosted page on 127.0.0.2: another site than the
// customer page (127.0.0.1), as a real provider is, so the way back is a
// cross-site navigation and the browser sends no SameSite=Strict cookie.
func payProvider(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address for the provider's site: %v", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = payCheckoutPage.Execute(w, map[string]string{"ID": r.URL.Query().Get("id"), "Return": r.URL.Query().Get("return")})
	}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestBrowserPay presses the pay button in headless Chromium on a phone,
// goes through the (fake) provider's page and back, and sees the three
// outcomes: pending, turning into paid by itself, and failed with the
// button to pay again.
func TestBrowserPay(t *testing.T) {
	browser := webtest.StartBrowser(t)
	provider := payProvider(t)
	f := newPayFake(provider+"/checkout", payOrderOffer)
	h := payServe(t, apptest.Start(t, storetest.SQLite(t)), f, "", provider)
	o := payPushOrder(t, h, "МСК-301", "ru", "+79160000301", map[string]any{"status": "Готов"})
	secPushDocument(t, h.Hub, "doc-301-1", o.Number, "Акт выполненных работ.pdf", "application/pdf", secPDF)
	secPushDocument(t, h.Hub, "doc-301-2", o.Number, "Счёт МСК-301.pdf", "application/pdf", secPDF)
	payMarkInvoice(t, h.Hub, secAttachment(t, h.Hub, o.Thread, "Счёт МСК-301.pdf"))

	p := webtest.NewTab(t, browser)
	p.Do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	p.Open(h.base + o.Path)
	button := "#pay .pay-button"
	p.WaitFor("pay button", `document.querySelector("`+button+`")`, "#order")
	if got, want := webtest.Spaces(p.Text(button)), "Оплатить "+webtest.Spaces(estMoney(t, "ru", 1250000)); got != want {
		t.Errorf("pay button reads %q, want %q", got, want)
	}
	if got := p.Text("#pay .invoice-link"); got != "Счёт МСК-301.pdf Счёт" {
		t.Errorf("invoice beside the button = %q\n%s", got, p.Dump("#order"))
	}
	if got := p.Text("#documents .docs li"); !strings.HasPrefix(got, "Счёт МСК-301.pdf") {
		t.Errorf("first document = %q, want the invoice", got)
	}
	if got := webtest.Must[float64](p, "document.documentElement.scrollWidth"); got > 390 {
		t.Errorf("page is %v px wide at a 390 px viewport: it scrolls sideways", got)
	}
	p.SaveScreenshot(payScreenshotPath, 390, 844)

	// Pending: the provider has not confirmed yet.
	id := payThroughProvider(t, p, f, button, nil)
	p.WaitFor("pending page", `document.querySelector("#pay-result")?.dataset.state === "pending"`, "main")
	if got := p.Text("h1"); got != "Платёж обрабатывается" {
		t.Errorf("pending title = %q", got)
	}
	if body := p.Text("main"); strings.Contains(body, "Оплата прошла") || strings.Contains(body, "Оплачено") {
		t.Errorf("the pending page says paid:\n%s", body)
	}
	if got := p.Text("#refreshing"); got != "Страница обновляется сама" {
		t.Errorf("pending page does not tell it refreshes itself: %q", got)
	}
	// The provider confirms: the page finds out by itself.
	f.settle(id, func(p *hub.Payment) { p.Status, p.PaidMinor = hub.PaymentSucceeded, 1250000 })
	p.WaitFor("paid without a click", `document.querySelector("#pay-result")?.dataset.state === "paid"`, "main")
	if got := webtest.Spaces(p.Text("#pay-result .amount")); got != "Оплачено: "+webtest.Spaces(estMoney(t, "ru", 1250000)) {
		t.Errorf("paid amount = %q", got)
	}
	if got := p.Text("h1"); got != "Оплата прошла" {
		t.Errorf("paid title = %q", got)
	}

	// Failed: back to the order, pay again, the bank declines.
	p.Do("back to the order", chromedp.Click(chromedp.ID("to-order")))
	p.WaitFor("order page", `document.querySelector("`+button+`") && document.readyState === "complete"`, "body")
	payThroughProvider(t, p, f, button, func(id int64) {
		f.settle(id, func(p *hub.Payment) { p.Status, p.FailureReason = hub.PaymentFailed, "card_declined" })
	})
	p.WaitFor("failed page", `document.querySelector("#pay-result")?.dataset.state === "failed"`, "main")
	if got := p.Text("h1"); got != "Оплата не прошла" {
		t.Errorf("failed title = %q", got)
	}
	// Its button works, though the browser came back from another site.
	presses := len(f.presses())
	p.Do("pay again", chromedp.Click(chromedp.CSS("#pay-result .pay-button")))
	p.WaitFor("the provider's page again", `document.getElementById("checkout")`, "body")
	if got := len(f.presses()); got != presses+1 {
		t.Errorf("pay again from the failed page: %d presses, want %d", got, presses+1)
	}
}

// payThroughProvider presses the pay button, checks the provider's page
// opened for a new payment, lets pay settle it there (nil: leave it
// pending) and follows the provider's link back; it returns the payment.
func payThroughProvider(t *testing.T, p *webtest.Tab, f *payFake, button string, pay func(id int64)) int64 {
	t.Helper()
	presses := len(f.presses())
	p.Do("press pay", chromedp.Click(chromedp.CSS(button)))
	p.WaitFor("the provider's page", `document.getElementById("checkout") && document.readyState === "complete"`, "body")
	got := f.presses()
	if len(got) != presses+1 || got[presses].Offer != "order" {
		t.Fatalf("presses after the click: %+v", got)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(p.Text("#checkout"), "Checkout "), 10, 64)
	if err != nil {
		t.Fatalf("checkout page: %v\n%s", err, p.Dump("body"))
	}
	if pay != nil {
		pay(id)
	}
	p.Do("back from the provider", chromedp.Click(chromedp.ID("back")))
	p.WaitFor("return page", `document.getElementById("pay-result") && document.readyState === "complete"`, "body")
	return id
}
