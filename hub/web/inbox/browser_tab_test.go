package inbox_test

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// ibStepTimeout bounds every browser step; a page that never shows what a
// step waits for fails the test instead of hanging it.
const ibStepTimeout = 10 * time.Second

// ibChromiumPath finds the browser, or "" when the machine has none.
func ibChromiumPath() string {
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// ibStartBrowser starts one headless Chromium for the test (skipping it when
// none is installed) and returns its context; tabs are made from it.
func ibStartBrowser(t *testing.T) context.Context {
	t.Helper()
	path := ibChromiumPath()
	if path == "" {
		t.Skip("no chromium or chromium-browser on PATH; browser tests need it")
	}
	// The whole browser lives at most this long, whatever happens inside.
	life, stop := context.WithTimeout(context.Background(), 3*time.Minute)
	alloc, stopAlloc := chromedp.NewExecAllocator(life,
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // tests run as root in containers
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	browser, stopBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		stopBrowser()
		stopAlloc()
		stop()
	})
	// The first run starts the process; it must not carry a step timeout,
	// which would end the browser with the step.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(browser) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start chromium at %s: %v", path, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("chromium at %s did not start within 30 s", path)
	}
	return browser
}

// ibTab is one page in its own browser context (own cookies, own cache).
type ibTab struct {
	t   *testing.T
	ctx context.Context
}

// ibNewTab opens a tab in a fresh browser context. With acceptLanguage set
// the tab asks pages for that language, as a browser set up so would.
func ibNewTab(t *testing.T, browser context.Context, acceptLanguage string) *ibTab {
	t.Helper()
	life, stop := context.WithTimeout(browser, 2*time.Minute)
	ctx, closeTab := chromedp.NewContext(life, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		closeTab()
		stop()
	})
	p := &ibTab{t: t, ctx: ctx}
	// The first run creates the tab and binds it to its context, so it gets
	// the tab's whole life (bounded above), not a step timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	if acceptLanguage != "" {
		ua := ibMust[string](p, "navigator.userAgent")
		p.do("ask for "+acceptLanguage, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride,
				emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: acceptLanguage})
			return err
		}))
	}
	return p
}

// do runs the steps within ibStepTimeout and fails the test with the page's
// state when one fails.
func (p *ibTab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, ibStepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v\nlocation: %s\n%s", what, err, p.location(), p.dump("body"))
	}
}

// open navigates and waits for the page to load.
func (p *ibTab) open(url string) {
	p.t.Helper()
	p.do("open "+url, chromedp.Navigate(url))
}

// ibEval evaluates a JavaScript expression in the page.
func ibEval[T any](p *ibTab, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(p.ctx, ibStepTimeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr))
}

// ibMust evaluates an expression that has to succeed.
func ibMust[T any](p *ibTab, expr string) T {
	p.t.Helper()
	v, err := ibEval[T](p, expr)
	if err != nil {
		p.t.Fatalf("evaluate %s: %v\nlocation: %s\n%s", expr, err, p.location(), p.dump("body"))
	}
	return v
}

// waitFor polls a JavaScript condition until it holds or ibStepTimeout
// ends. It polls from Go, so it survives the navigations a form submit
// causes; section names the part of the page to show when it fails.
func (p *ibTab) waitFor(what, cond, section string) {
	p.t.Helper()
	if !p.within(ibStepTimeout, cond) {
		p.t.Fatalf("%s: not true within %s: %s\nlocation: %s\n%s", what, ibStepTimeout, cond, p.location(), p.dump(section))
	}
}

// within reports whether cond holds at some point in the next d.
func (p *ibTab) within(d time.Duration, cond string) bool {
	deadline := time.Now().Add(d)
	for {
		ok, err := ibEval[bool](p, "!!("+cond+")")
		if err == nil && ok {
			return true
		}
		if time.Now().After(deadline) || p.ctx.Err() != nil {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// location is the page's current URL, for messages.
func (p *ibTab) location() string {
	ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown: " + err.Error() + ")"
	}
	return loc
}

// dump returns the HTML of a part of the page for a failure message.
func (p *ibTab) dump(selector string) string {
	ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
	defer cancel()
	html, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		"(document.querySelector("+ibJS(selector)+") || document.documentElement).outerHTML"))
	if err != nil {
		return "(page HTML unavailable: " + err.Error() + ")"
	}
	const max = 6000
	if len(html) > max {
		html = html[:max] + "…"
	}
	return "--- " + selector + " ---\n" + html
}

// text is the trimmed text of the first element matching selector, or ""
// when there is none.
func (p *ibTab) text(selector string) string {
	p.t.Helper()
	return ibMust[string](p, "((document.querySelector("+ibJS(selector)+") || {}).textContent || '').trim()")
}

// ibJS writes a Go string as a JavaScript string literal.
func ibJS(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// ibSpaces folds every run of spaces to one plain space.
func ibSpaces(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
