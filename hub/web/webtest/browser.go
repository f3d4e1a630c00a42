// Package webtest drives headless Chromium for the browser tests of the
// hub's pages (customer page, inbox): one browser per test, tabs in fresh
// browser contexts, every step bounded, and the page's HTML in every
// failure message. It is imported by tests only.
package webtest

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

// StepTimeout bounds every browser step; a page that never shows what a
// step waits for fails the test instead of hanging it.
const StepTimeout = 10 * time.Second

// chromiumPath finds the browser, or "" when the machine has none.
func chromiumPath() string {
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// StartBrowser starts one headless Chromium for the test or benchmark
// (skipping it when none is installed) and returns its context; tabs are
// made from it.
func StartBrowser(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
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

// Tab is one page in its own browser context.
type Tab struct {
	T   *testing.T
	Ctx context.Context
}

// TabOption adjusts a new tab.
type TabOption func(*tabOptions)

type tabOptions struct {
	noJavaScript   bool
	acceptLanguage string
}

// NoJavaScript makes the page's scripts never run, as in a browser with
// JavaScript turned off.
func NoJavaScript() TabOption { return func(o *tabOptions) { o.noJavaScript = true } }

// AcceptLanguage makes the tab ask pages for that language, as a browser
// set up so would.
func AcceptLanguage(lang string) TabOption { return func(o *tabOptions) { o.acceptLanguage = lang } }

// NewTab opens a tab in a fresh browser context (own cookies, own cache).
func NewTab(t *testing.T, browser context.Context, options ...TabOption) *Tab {
	t.Helper()
	var o tabOptions
	for _, opt := range options {
		opt(&o)
	}
	life, stop := context.WithTimeout(browser, 2*time.Minute)
	ctx, closeTab := chromedp.NewContext(life, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		closeTab()
		stop()
	})
	p := &Tab{T: t, Ctx: ctx}
	// The first run creates the tab and binds it to its context, so it gets
	// the tab's whole life (bounded above), not a step timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	if o.noJavaScript {
		p.Do("turn JavaScript off", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
	}
	if o.acceptLanguage != "" {
		ua := Must[string](p, "navigator.userAgent")
		p.Do("ask for "+o.acceptLanguage, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride,
				emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: o.acceptLanguage})
			return err
		}))
	}
	return p
}

// Do runs the steps within StepTimeout and fails the test with the page's
// state when one fails.
func (p *Tab) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.T.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, StepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.T.Fatalf("%s: %v\nlocation: %s\n%s", what, err, p.Location(), p.Dump("body"))
	}
}

// Open navigates and waits for the page to load.
func (p *Tab) Open(url string) {
	p.T.Helper()
	p.Do("open "+url, chromedp.Navigate(url))
}

// Submit runs steps that submit a form the page leaves to the browser (a
// post answered by a redirect, a search), and returns once the page the
// form leads to has loaded. A condition waited for after a plain click can
// already hold on the page being left — its live stream may show the
// change before the form's answer comes — and the next step would then
// race the navigation still under way. The page is marked before the
// steps; a new document is one without the mark. The test fails with the
// page's state if none has loaded within StepTimeout.
func (p *Tab) Submit(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.T.Helper()
	const mark = "__webtestSubmitted"
	p.Do(what, append([]chromedp.Action[chromedp.Void]{chromedp.Evaluate[chromedp.Void]("window." + mark + " = true")}, steps...)...)
	if !p.Within(StepTimeout, "!window."+mark) {
		p.T.Fatalf("%s: no new page loaded within %s\nlocation: %s\n%s", what, StepTimeout, p.Location(), p.Dump("body"))
	}
}

// Eval evaluates a JavaScript expression in the page.
func Eval[T any](p *Tab, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(p.Ctx, StepTimeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr))
}

// Must evaluates an expression that has to succeed.
func Must[T any](p *Tab, expr string) T {
	p.T.Helper()
	v, err := Eval[T](p, expr)
	if err != nil {
		p.T.Fatalf("evaluate %s: %v\nlocation: %s\n%s", expr, err, p.Location(), p.Dump("body"))
	}
	return v
}

// WaitFor polls a JavaScript condition until it holds or StepTimeout
// ends. It polls from Go, so it survives the navigations a form submit
// causes; section names the part of the page to show when it fails.
func (p *Tab) WaitFor(what, cond, section string) {
	p.T.Helper()
	if !p.Within(StepTimeout, cond) {
		p.T.Fatalf("%s: not true within %s: %s\nlocation: %s\n%s", what, StepTimeout, cond, p.Location(), p.Dump(section))
	}
}

// Within reports whether cond holds at some point in the next d, on a
// page that has finished loading: a condition true on a document still
// being parsed after a form post lets the next step query nodes that
// chromedp forgets when the load completes ("Could not find node with
// given id").
func (p *Tab) Within(d time.Duration, cond string) bool {
	deadline := time.Now().Add(d)
	for {
		ok, err := Eval[bool](p, `document.readyState === "complete" && !!(`+cond+`)`)
		if err == nil && ok {
			return true
		}
		if time.Now().After(deadline) || p.Ctx.Err() != nil {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Location is the page's current URL, for messages.
func (p *Tab) Location() string {
	ctx, cancel := context.WithTimeout(p.Ctx, 3*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown: " + err.Error() + ")"
	}
	return loc
}

// Dump returns the HTML of a part of the page for a failure message.
func (p *Tab) Dump(selector string) string {
	ctx, cancel := context.WithTimeout(p.Ctx, 3*time.Second)
	defer cancel()
	html, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		"(document.querySelector("+JS(selector)+") || document.documentElement).outerHTML"))
	if err != nil {
		return "(page HTML unavailable: " + err.Error() + ")"
	}
	const max = 6000
	if len(html) > max {
		html = html[:max] + "…"
	}
	return "--- " + selector + " ---\n" + html
}

// Text is the trimmed text of the first element matching selector, or ""
// when there is none.
func (p *Tab) Text(selector string) string {
	p.T.Helper()
	return Must[string](p, "((document.querySelector("+JS(selector)+") || {}).textContent || '').trim()")
}

// JS writes a Go string as a JavaScript string literal.
func JS(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Spaces folds every run of spaces to one plain space.
func Spaces(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
