package customer_test

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

// brStepTimeout bounds every browser step; a page that never shows what a
// step waits for fails the test instead of hanging it.
const brStepTimeout = 10 * time.Second

// brChromiumPath finds the browser, or "" when the machine has none.
func brChromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// brStartBrowser starts one headless Chromium for the test (skipping it when
// none is installed) and returns its context; tabs are made from it.
func brStartBrowser(t *testing.T) context.Context {
	t.Helper()
	path := brChromiumPath()
	if path == "" {
		t.Skip("no chromium or chromium-browser on PATH; browser tests need it")
	}
	// The whole browser lives at most this long, whatever happens inside.
	life, stop := context.WithTimeout(context.Background(), 5*time.Minute)
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

// brTab is one page in its own browser context (own cookies, own cache).
type brTab struct {
	t   *testing.T
	ctx context.Context
}

// brNewTab opens a tab in a fresh browser context; with javascript false the
// page's scripts never run, as in a browser with JavaScript turned off.
func brNewTab(t *testing.T, browser context.Context, javascript bool) *brTab {
	t.Helper()
	life, stop := context.WithTimeout(browser, 2*time.Minute)
	ctx, closeTab := chromedp.NewContext(life, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		closeTab()
		stop()
	})
	p := &brTab{t: t, ctx: ctx}
	// The first run creates the tab and binds it to its context, so it gets
	// the tab's whole life (bounded above), not a step timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	if !javascript {
		p.do("turn JavaScript off", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
	}
	return p
}

// do runs the steps within stepTimeout and fails the test with the page's
// state when one fails.
func (p *brTab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, brStepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v\n%s", what, err, p.dump("body"))
	}
}

// open navigates and waits for the page to load.
func (p *brTab) open(url string) {
	p.t.Helper()
	p.do("open "+url, chromedp.Navigate(url))
}

// brEval evaluates a JavaScript expression in the page.
func brEval[T any](p *brTab, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(p.ctx, brStepTimeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr))
}

// brMust evaluates an expression that has to succeed.
func brMust[T any](p *brTab, expr string) T {
	p.t.Helper()
	v, err := brEval[T](p, expr)
	if err != nil {
		p.t.Fatalf("evaluate %s: %v\n%s", expr, err, p.dump("body"))
	}
	return v
}

// waitFor polls a JavaScript condition until it holds or stepTimeout ends.
// It polls from Go, so it survives the navigations a form submit causes;
// section names the part of the page to show when it fails.
func (p *brTab) waitFor(what, cond, section string) {
	p.t.Helper()
	if !p.within(brStepTimeout, cond) {
		p.t.Fatalf("%s: not true within %s: %s\nlocation: %s\n%s", what, brStepTimeout, cond, p.location(), p.dump(section))
	}
}

// within reports whether cond holds at some point in the next d.
func (p *brTab) within(d time.Duration, cond string) bool {
	deadline := time.Now().Add(d)
	for {
		ok, err := brEval[bool](p, "!!("+cond+")")
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
func (p *brTab) location() string {
	ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown: " + err.Error() + ")"
	}
	return loc
}

// dump returns the HTML of a part of the page for a failure message.
func (p *brTab) dump(selector string) string {
	ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
	defer cancel()
	html, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		"(document.querySelector("+brJS(selector)+") || document.documentElement).outerHTML"))
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
func (p *brTab) text(selector string) string {
	p.t.Helper()
	return brMust[string](p, "((document.querySelector("+brJS(selector)+") || {}).textContent || '').trim()")
}

// brJS writes a Go string as a JavaScript string literal.
func brJS(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// brSpaces folds every kind of space (money is written with no-break and
// narrow no-break spaces) to a plain one.
func brSpaces(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
