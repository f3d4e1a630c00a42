package reminders_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"naryad/hub/web/webtest"
	"naryad/templates"
)

// emailScreenshotPath is the expiry e-mail as docs/email.md shows it.
const emailScreenshotPath = "../docs/screenshots/email-expiry.png"

// The expiry e-mail's HTML (a Polish customer's four items, seed 003) in
// headless Chromium: no horizontal overflow at 360 px, and the table at
// 360 and 1024 px side by side in docs/screenshots/email-expiry.png.
func TestEmailExpiryBrowser(t *testing.T) {
	texts, err := templates.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	warsaw := mustZone(t, "Europe/Warsaw")
	day := func(d int) time.Time { return time.Date(2026, 6, d, 0, 0, 0, 0, warsaw) }
	e, err := texts.RenderEmail(t.Context(), 1, templates.KeyReminderExpiring, templates.Data{
		BranchName: "Auto Serwis Mokotów", BranchPhone: "+48 22 123 45 67", Locale: "pl", Location: warsaw,
		Link: "https://serwis.example.pl/c/Q2hhbmdlTWVQbGVhc2UxMjM0NTY3OA",
		Items: []templates.Item{
			{Title: "Abonament GPS Toyota Corolla WX 12345", Kind: "subscription", ExpiresAt: day(11), DaysLeft: 0},
			{Title: "Ubezpieczenie OC/AC — polisa nr 0123456789012345", Kind: "insurance", ExpiresAt: day(12), DaysLeft: 1},
			{Title: "Pakiet serwisowy 3 lata / 90 000 km", Kind: "service_plan", ExpiresAt: day(16), DaysLeft: 5},
			{Title: "Gwarancja przedłużona", Kind: "warranty", ExpiresAt: day(26), DaysLeft: 15},
		},
	}, templates.Footer{Name: "Auto Serwis Mokotów", Address: "ul. Puławska 145", City: "Warszawa", Phone: "+48 22 123 45 67",
		UnsubscribeURL: "https://serwis.example.pl/unsubscribe/42-reminders-0123456789abcdef0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(e.HTML))
	}))
	t.Cleanup(srv.Close)

	browser := webtest.StartBrowser(t)
	const height = 900
	var shots []image.Image
	for _, width := range []int{360, 1024} {
		p := webtest.NewTab(t, browser)
		opts := []chromedp.EmulateViewportOption{}
		if width == 360 {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulatePortrait)
		}
		p.Do("viewport", chromedp.EmulateViewport(int64(width), height, opts...))
		p.Open(srv.URL)
		p.WaitFor("the table", `document.querySelectorAll("table tr").length === 5`, "body")
		if got := webtest.Must[float64](p, "document.documentElement.scrollWidth"); got > float64(width) {
			t.Errorf("the e-mail is %v px wide at a %d px viewport", got, width)
		}
		if width == 1024 {
			if got := webtest.Must[float64](p, `document.querySelector("body > div").getBoundingClientRect().width`); got > 600 {
				t.Errorf("the e-mail is %v px wide at 1024 px, want at most 600", got)
			}
		}
		shots = append(shots, capture(t, p, width, height))
	}
	writeSideBySide(t, emailScreenshotPath, shots)
}

// capture takes what the tab shows as an image of width×height.
func capture(t *testing.T, p *webtest.Tab, width, height int) image.Image {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, webtest.StepTimeout)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if size := img.Bounds().Size(); size.X != width || size.Y != height {
		t.Errorf("screenshot is %dx%d, want %dx%d", size.X, size.Y, width, height)
	}
	return img
}

// writeSideBySide puts the shots next to each other on a grey ground and
// writes them to path when asked to (webtest.ScreenshotsEnv) or when the
// file is missing, as webtest's SaveScreenshot does.
func writeSideBySide(t *testing.T, path string, shots []image.Image) {
	t.Helper()
	if _, err := os.Stat(path); err == nil && os.Getenv(webtest.ScreenshotsEnv) == "" {
		return
	}
	const gap = 24
	w, h := gap, 0
	for _, s := range shots {
		w += s.Bounds().Dx() + gap
		h = max(h, s.Bounds().Dy())
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h+2*gap))
	draw.Draw(out, out.Bounds(), &image.Uniform{color.RGBA{0x9c, 0xa3, 0xaf, 0xff}}, image.Point{}, draw.Src)
	x := gap
	for _, s := range shots {
		draw.Draw(out, image.Rect(x, gap, x+s.Bounds().Dx(), gap+s.Bounds().Dy()), s, s.Bounds().Min, draw.Src)
		x += s.Bounds().Dx() + gap
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, out); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", path, buf.Len())
}
