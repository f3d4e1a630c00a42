package loan_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

// brScreenshotPath is docs/screenshots/loan-sign.png, from this package's
// directory (hub/web/loan), where go test runs.
var brScreenshotPath = filepath.Join("..", "..", "..", "docs", "screenshots", "loan-sign.png")

// TestBrowserSignTheAgreement opens the loan link on a 360 × 740 phone
// in headless Chromium against the whole hub, types the name, draws the
// signature on the canvas with pointer events (a finger, a mouse and a
// pen), ticks the consent and signs; the signed PDF is then read back as
// a reader would (pdftotext) for the name and the plate.
func TestBrowserSignTheAgreement(t *testing.T) {
	browser := webtest.StartBrowser(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			h := apptest.Start(t, b)
			l, token := brOffer(t, h)
			base := h.Run(t)

			p := webtest.NewTab(t, browser)
			p.Do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait))
			p.Open(base + "/l/" + token)
			p.WaitFor("the signing form", `document.getElementById("sign-form")`, "body")
			if got := webtest.Must[float64](p, "document.documentElement.scrollWidth"); got > 360 {
				t.Errorf("page is %v px wide at a 360 px viewport: it scrolls sideways", got)
			}
			// Without a drawn signature the form does not go.
			p.Do("type the name", chromedp.SendKeys("#name", "Иван Петров"))
			p.Do("tick the consent", chromedp.Click(`input[name="consent"]`))
			p.Do("sign without drawing", chromedp.Click("#sign"))
			p.WaitFor("asked to sign", `!document.getElementById("signature-empty").hidden`, "#sign-form")

			p.Do("record the pointers", chromedp.Evaluate[chromedp.Void](`window.__pointers = [];
				document.getElementById("signature-pad").addEventListener("pointerdown", e => window.__pointers.push(e.pointerType))`))
			p.DrawSignature("#signature-pad")
			p.WaitFor("the signature kept for the form", `document.getElementById("signature").value.startsWith("data:image/png;base64,")`, "#sign-form")
			pointers := webtest.Must[[]any](p, "window.__pointers")
			for _, want := range []string{"touch", "mouse", "pen"} {
				if !slices.Contains(brStrings(pointers), want) {
					t.Errorf("pointer types %v lack %q", pointers, want)
				}
			}
			// The ink reached the canvas.
			if ink := webtest.Must[float64](p, `(() => { const c = document.getElementById("signature-pad");
				const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data; let n = 0;
				for (let i = 3; i < d.length; i += 4) if (d[i] > 128) n++; return n; })()`); ink < 200 {
				t.Errorf("%v inked pixels on the canvas", ink)
			}
			if b.Name == "sqlite" {
				p.Do("show the signing", chromedp.Evaluate[chromedp.Void](`document.getElementById("name").scrollIntoView({block: "start"}); window.scrollBy(0, -12)`))
				p.SaveScreenshot(brScreenshotPath, 360, 740)
			}
			p.Do("sign", chromedp.Click("#sign"))
			p.WaitFor("signed", `document.getElementById("signed") && document.getElementById("flash")`, "body")

			got, err := h.Store.Loan(context.Background(), l.ID)
			if err != nil || !got.Signed() || got.SignedName != "Иван Петров" {
				t.Fatalf("loan after signing in the browser: %+v %v", got, err)
			}
			pdf, err := os.ReadFile(hub.NewMedia(filepath.Join(h.Config.DataDir, "media")).Path(got.AgreementSHA256))
			if err != nil {
				t.Fatalf("the signed PDF is not kept: %v", err)
			}
			resp, err := http.Get(base + "/l/" + token + "/agreement.pdf")
			if err != nil {
				t.Fatal(err)
			}
			served, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || string(served) != string(pdf) {
				t.Errorf("GET agreement.pdf: %d, %d bytes, want the kept %d", resp.StatusCode, len(served), len(pdf))
			}
			text := webtest.PDFText(t, pdf)
			for _, want := range []string{"Иван Петров", "А 321 ВС 77"} {
				if !strings.Contains(text, want) {
					t.Errorf("the PDF's text lacks %q:\n%s", want, text)
				}
			}
		})
	}
}

// brOffer offers a car on a pushed work order's thread.
func brOffer(t *testing.T, h *apptest.Hub) (hub.Loan, string) {
	t.Helper()
	ctx := context.Background()
	h.PushWorkOrder(t, "wo-br-1", "ЗН-321", 1, "В работе", nil)
	th := h.Thread(t, "ЗН-321")
	car := hub.CourtesyCar{BranchID: h.Branch.ID, Plate: "А 321 ВС 77", Model: "Škoda Octavia", Fuel: hub.FuelPetrol}
	if err := h.Store.AddCourtesyCar(ctx, &car); err != nil {
		t.Fatal(err)
	}
	token, err := hub.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Truncate(time.Hour).Add(time.Hour)
	l := hub.Loan{BranchID: h.Branch.ID, ThreadID: th.ID, WorkOrderID: th.WorkOrderID, CarID: car.ID, TokenHash: hub.HashToken(token),
		Locale: "ru", CustomerName: "Иван Петров", CustomerPhone: th.Phone, HandoverAt: at, DueBackAt: at.Add(48 * time.Hour),
		FuelEighths: 7, OdometerKm: 23456, IdentityMethod: hub.IdentityManual, OfferedBy: "Ольга"}
	if err := h.Store.CreateLoan(ctx, &l); err != nil {
		t.Fatal(err)
	}
	return l, token
}

func brStrings(v []any) []string {
	out := make([]string, 0, len(v))
	for _, s := range v {
		if str, ok := s.(string); ok {
			out = append(out, str)
		}
	}
	return out
}
