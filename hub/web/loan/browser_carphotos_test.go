package loan_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

// brCarScreenshotPath is docs/screenshots/loan-car-photos.png.
var brCarScreenshotPath = filepath.Join("..", "..", "..", "docs", "screenshots", "loan-car-photos.png")

// TestBrowserCarPhotos opens a ready loan's link on a 360 × 740 phone in
// headless Chromium against the whole hub and takes the pickup's shots:
// choosing a photo sends it at once (the page's script), the shot shows
// "received ✓" with the picture, and the next one is marked.
func TestBrowserCarPhotos(t *testing.T) {
	browser := webtest.StartBrowser(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			h := apptest.Start(t, b)
			l, token := brOffer(t, h)
			at := time.Now().UTC()
			if _, err := h.Store.ChangeLoan(context.Background(), l.ID, "", func(x *hub.Loan) error {
				x.IdentityStatus, x.SignedAt, x.SignedName, x.DocumentID = hub.IdentityVerified, &at, "Иван Петров", "D-1"
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			base := h.Run(t)
			dir := t.TempDir()
			shot := func(name string, seed int) string {
				path := filepath.Join(dir, name)
				if err := os.WriteFile(path, photoJPEG(t, seed), 0o600); err != nil {
					t.Fatal(err)
				}
				return path
			}

			p := webtest.NewTab(t, browser)
			p.Do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait))
			p.Open(base + "/l/" + token)
			p.WaitFor("the pickup's photos", `document.getElementById("car-pickup")`, "body")
			if got := webtest.Must[float64](p, "document.documentElement.scrollWidth"); got > 360 {
				t.Errorf("page is %v px wide at a 360 px viewport: it scrolls sideways", got)
			}
			for i, kind := range []string{hub.CarPhotoFront, hub.CarPhotoBack} {
				sel := `#car-pickup-` + kind + ` input[type=file][capture="environment"]`
				p.Submit("take the "+kind, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{shot(kind+".jpg", i+1)}))
				p.WaitFor(kind+" received", `document.querySelector("#car-pickup-`+kind+`.received img.car-thumb")`, "#car-pickup")
			}
			p.WaitFor("the left side is next", `document.querySelector("#car-pickup-left.next")`, "#car-pickup")
			if n := webtest.Must[float64](p, `document.querySelectorAll("#car-pickup img.car-thumb").length`); n != 2 {
				t.Errorf("%v pictures shown back, want 2", n)
			}
			// The thumbnail is fetched after the page shows it: wait for
			// the fetch, then a broken picture (complete, no width) fails.
			frontLoaded := `(() => { const i = document.querySelector("#car-pickup-front img"); return i.complete && i.naturalWidth > 0; })()`
			if !p.Within(webtest.StepTimeout, frontLoaded) {
				t.Error("the front's picture does not load")
			}
			if b.Name == "sqlite" {
				p.Do("show the photos", chromedp.Evaluate[chromedp.Void](`document.getElementById("car-pickup").scrollIntoView({block: "start"})`))
				p.SaveScreenshot(brCarScreenshotPath, 360, 740)
			}
			photos, err := h.Store.LoanCarPhotos(context.Background(), l.ID)
			if err != nil || len(photos) != 2 {
				t.Fatalf("stored %+v %v", photos, err)
			}
		})
	}
}
