package app_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"go.mau.fi/whatsmeow/types"

	"naryad/app"
	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
	"naryad/hub/whatsapp/watest"
)

// waScreenshotPath is docs/screenshots/whatsapp-link.png, from app.
var waScreenshotPath = filepath.Join("..", "docs", "screenshots", "whatsapp-link.png")

// TestBrowserWhatsAppLinking links a phone as an admin would, in headless
// Chromium against a running hub whose only fake is WhatsApp's server: add
// the account, press Link, see the QR code appear as an image, "scan" it,
// and watch the page say linked and the account list say connected.
func TestBrowserWhatsAppLinking(t *testing.T) {
	browser := webtest.StartBrowser(t)
	ctx := context.Background()
	reg := &watest.Registry{Setup: func(f *watest.Fake) {
		watest.Pairable(f)
		f.QRCodes = []string{"2@qr-ref-one,noise,identity,adv"}
		f.PairJID = types.JID{User: "74957770011", Server: types.DefaultUserServer, Device: 3}
	}}
	h := apptest.StartWith(t, storetest.SQLite(t), app.Deps{WhatsAppClient: reg.NewClient})
	if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "root", Name: "Root", Role: store.RoleAdmin,
		Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
		t.Fatal(err)
	}
	base := h.Run(t)

	p := webtest.NewTab(t, browser)
	p.Do("desktop viewport", chromedp.EmulateViewport(1280, 800))
	p.Open(base + "/admin/whatsapp")
	p.WaitFor("the login form", `location.pathname === "/login" && document.querySelector("form[action='/login'] input[name=csrf]")?.value`, "body")
	p.Do("sign in",
		chromedp.SendKeys(chromedp.ID("login"), "root"),
		chromedp.SendKeys(chromedp.ID("password"), "s3cret-pass-word"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	p.WaitFor("signed in", `location.pathname !== "/login" && document.readyState === "complete"`, "body")
	p.Open(base + "/admin/whatsapp")
	p.WaitFor("the WhatsApp page", `document.querySelector("form.add[action='/admin/whatsapp/accounts'] input[name=name]")`, "body")
	p.Do("add an account",
		chromedp.SendKeys(chromedp.CSS(`form.add[action="/admin/whatsapp/accounts"] input[name=name]`), "reception"),
		chromedp.Click(chromedp.CSS(`form.add[action="/admin/whatsapp/accounts"] button[type=submit]`)),
	)
	p.WaitFor("the new account's Link button", `[...document.querySelectorAll("form[action$='/link'] button")].some(b => b.textContent.trim() === "Link")`, "main")
	p.Do("press Link", chromedp.Click(chromedp.CSS(`form[action$="/link"] button[type=submit]`)))

	p.WaitFor("the QR code as an image", `location.pathname.endsWith("/link") && !document.getElementById("qr").hidden && document.getElementById("qr").complete && document.getElementById("qr").naturalWidth > 100`, "main")
	if got := p.Text("#status"); got != "Waiting for the phone…" {
		t.Errorf("status while linking = %q", got)
	}
	p.SaveScreenshot(waScreenshotPath, 1280, 800)

	reg.All()[0].ScanQR()
	p.WaitFor("the page to say linked", `document.getElementById("status").textContent.startsWith("Linked: +74957770011")`, "main")
	acc, err := h.Store.WAAccountByName(ctx, "reception")
	if err != nil {
		t.Fatal(err)
	}
	watest.Eventually(t, "the account to connect", func() bool { a, _ := h.Store.WAAccount(ctx, acc.ID); return a.State == hub.WAConnected })
	p.Open(base + "/admin/whatsapp")
	// The list shows the number grouped for reading (hub.DisplayPhone).
	p.WaitFor("the account shown connected", `document.querySelector("main").textContent.includes("connected") && document.querySelector("main").textContent.includes("+7 495 777-00-11")`, "main")
}
