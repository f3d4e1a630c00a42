package customer_test

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
	"naryad/templates"
)

// TestBrowserReport: on a 360 px phone the customer sees the sent report,
// taps a photo of the line to approve and swipes to the next one, and the
// total they watch while choosing is the one the review then announces.
func TestBrowserReport(t *testing.T) {
	browser := webtest.StartBrowser(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			h := apptest.Start(t, b)
			base := h.Run(t)
			a := secPushOrder(t, h, "ОТЧ-1", brOrderFields("+79160000701", brEstimateLines))
			r := repInspect(t, h, a)
			pads := a.line(t, h, "2")
			repTieLine(t, h, pads.ID, r.items[0].Code)
			repSend(t, h, r.insp.ID)

			p := webtest.NewTab(t, browser)
			p.Do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait))
			p.Open(base + a.Path)
			p.WaitFor("report shown", `document.querySelectorAll("#report li.item").length === 3`, "#order")
			if got := webtest.Must[float64](p, "document.documentElement.scrollWidth"); got > 360 {
				t.Errorf("page is %v px wide at a 360 px viewport", got)
			}
			line := "#line-" + strconv.FormatInt(pads.ID, 10)
			p.WaitFor("evidence on the line", `document.querySelectorAll("`+line+` a.thumb img").length === 2 && document.querySelector("`+line+` .badge-red")`, "#order")
			// docs/screenshots/customer-report.png is the whole flow's
			// (app/inspection_browser_test.go), one writer per file.

			p.Do("tap the photo", chromedp.Click(chromedp.CSS(line+" a.thumb")))
			p.WaitFor("photo enlarged", `document.getElementById("viewer").open && document.querySelector("#viewer .viewer-count").textContent === "1 / 2"`, "body")
			p.Do("next photo", chromedp.Click(chromedp.CSS(`#viewer [data-step="1"]`)))
			p.WaitFor("second photo", `document.querySelector("#viewer .viewer-count").textContent === "2 / 2" && document.querySelector("#viewer img").src.endsWith("/inspection/media/`+strconv.FormatInt(r.photos[1].ID, 10)+`")`, "body")
			p.Do("close", chromedp.Click(chromedp.CSS(`#viewer [data-close]`)))
			p.WaitFor("closed", `!document.getElementById("viewer").open`, "body")

			filter := strconv.FormatInt(a.line(t, h, "3").ID, 10)
			p.Do("choose",
				chromedp.Click(chromedp.CSS(`#line-`+filter+` input[value=approved]`)),
				chromedp.Click(chromedp.CSS(line+` input[value=declined]`)))
			want, err := templates.Money("ru", 150000+120000, "RUB")
			if err != nil {
				t.Fatal(err)
			}
			p.WaitFor("live total", `!document.getElementById("live-total").hidden`, "#order")
			live := p.Text("#live-total strong")
			if webtest.Spaces(live) != webtest.Spaces(want) {
				t.Errorf("live total %q, want %q", live, want)
			}
			p.Do("review", chromedp.Click(chromedp.ID("to-review")))
			p.WaitFor("review page", `document.querySelector("#new-total") && document.readyState === "complete"`, "body")
			if got := p.Text("#new-total"); got != live {
				t.Errorf("review says %q, the live total said %q", got, live)
			}
		})
	}
}
