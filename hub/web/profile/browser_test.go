package profile_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

// TestBrowserPolishUserWithAnEnglishBrowser: an admin whose profile says
// Polish, on a 360×740 phone whose browser asks for English, gets the
// Polish layout (product, branch switcher, sections, their name, one
// sign-out) within the screen's width, and the administration in Polish;
// choosing a branch in the switcher narrows the pages to it at once.
func TestBrowserPolishUserWithAnEnglishBrowser(t *testing.T) {
	browser := webtest.StartBrowser(t)
	h := apptest.Start(t, storetest.SQLite(t))
	ctx := context.Background()
	waw := hub.Branch{Code: "WAW1", Name: "Warszawa Mokotów", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"}
	if err := h.Store.CreateBranch(ctx, &waw); err != nil {
		t.Fatal(err)
	}
	if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "ola", Name: "Aleksandra Wiśniewska-Kowalczyk", Role: store.RoleAdmin,
		Locale: "pl", Password: password, BranchIDs: []int64{h.Branch.ID, waw.ID}}, nil); err != nil {
		t.Fatal(err)
	}
	base := h.Run(t)

	p := webtest.NewTab(t, browser, webtest.AcceptLanguage("en-US,en;q=0.9"))
	p.Do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	p.Open(base + "/login")
	p.WaitFor("login form", `document.querySelector("form[action='/login'] input[name=csrf]")?.value`, "body")
	p.Do("sign in",
		chromedp.SendKeys(chromedp.ID("login"), "ola"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	p.WaitFor("the Polish inbox", `location.pathname === "/inbox" && document.documentElement.lang === "pl"`, "body")

	header := `document.querySelector("header.staffpage")`
	p.WaitFor("the Polish layout, once", `(() => { const h = `+header+`; return h &&
		h.querySelector("a.product").textContent === "naryad" &&
		h.querySelector("a.me[href='/profile']").textContent === "Aleksandra Wiśniewska-Kowalczyk" &&
		[...h.querySelectorAll("nav.sections a")].map(a => a.textContent).join("|") === "Skrzynka|Zespół|Przekroczenia SLA|Mechanik|Raporty|Skrytki na klucze|Administracja" &&
		document.querySelectorAll("form[action='/logout']").length === 1 &&
		h.querySelector("form[action='/logout'] button").textContent === "Wyloguj" &&
		h.querySelector("form.branch-switch select").options[0].textContent === "Wszystkie oddziały" })()`, "header")
	// At 360 px nothing is wider than the screen and every header part is
	// inside it.
	p.WaitFor("the header within 360 px", `document.documentElement.scrollWidth <= 360 &&
		[...`+header+`.querySelectorAll("a, button, select")].every(e => { const r = e.getBoundingClientRect(); return r.left >= 0 && r.right <= 360 })`, "header")

	p.Open(base + "/admin/users")
	p.WaitFor("the Polish administration", `document.documentElement.lang === "pl" &&
		document.querySelector("h1").textContent === "Użytkownicy" &&
		document.querySelector("nav.subsections a[aria-current=page]").textContent === "Użytkownicy" &&
		[...document.querySelectorAll("nav.subsections a")].some(a => a.textContent === "Szablony") &&
		document.querySelector("form.add button[type=submit]").textContent === "Dodaj"`, "main")

	p.Do("choose WAW1 in the switcher", chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.querySelector("header.staffpage form.branch-switch select");
		s.value = "`+itoa(waw.ID)+`";
		s.dispatchEvent(new Event("change"));
	})()`))
	p.WaitFor("back on the page with WAW1 chosen", `location.pathname === "/admin/users" && document.readyState === "complete" &&
		document.querySelector("header.staffpage form.branch-switch select").selectedOptions[0].textContent === "WAW1 · Warszawa Mokotów" &&
		document.querySelector("header.staffpage form.branch-switch button").hidden`, "header")
}
