package webtest

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"

	"github.com/chromedp/chromedp"
)

// ScreenshotsEnv makes the browser tests rewrite the screenshots in docs/
// (`make screenshots`); otherwise they write only a missing one, so a test
// run leaves the working tree as it was.
const ScreenshotsEnv = "NARYAD_WRITE_SCREENSHOTS"

// SaveScreenshot captures what the tab shows, checks it is width×height
// (the viewport the docs promise), and writes it to path when asked to (see
// ScreenshotsEnv): the screenshots in docs/ are taken by the browser tests,
// so they show the current pages.
func (p *Tab) SaveScreenshot(path string, width, height int) {
	t := p.T
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, StepTimeout)
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
	if _, err := os.Stat(path); err == nil && os.Getenv(ScreenshotsEnv) == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", path, len(shot))
}
