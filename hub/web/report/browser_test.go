package report_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

// reportScreenshotPath is docs/screenshots/reports.png, from this
// package's directory (hub/web/report), where go test runs.
var reportScreenshotPath = filepath.Join("..", "..", "..", "docs", "screenshots", "reports.png")

// browserLead is a lead of a new customer at day+at that became a work
// order (make, total) a day later, handed over.
func browserLead(t *testing.T, h *apptest.Hub, name, phone, make string, total int64, at time.Duration) {
	t.Helper()
	ctx := context.Background()
	cid, err := h.Store.UpsertCustomer(ctx, store.CustomerData{NodeID: h.Node.ID, ExternalID: "lead-" + phone, Name: name, Phones: []string{phone}})
	if err != nil {
		t.Fatal(err)
	}
	th := hub.Thread{BranchID: h.Branch.ID, Phone: phone, Channel: hub.ChannelWhatsApp}
	if err := h.Store.CreateThread(ctx, &th); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.Gorm(ctx).Exec(`UPDATE threads SET created_at = ? WHERE id = ?`, day.Add(at), th.ID).Error; err != nil {
		t.Fatal(err)
	}
	if make == "" {
		return
	}
	vid, err := h.Store.UpsertVehicle(ctx, store.VehicleData{NodeID: h.Node.ID, ExternalID: "lead-" + phone, CustomerID: &cid, Make: make, Plate: phone})
	if err != nil {
		t.Fatal(err)
	}
	handed := day.Add(at + 48*time.Hour)
	w := hub.WorkOrder{NodeID: h.Node.ID, BranchID: h.Branch.ID, Number: "ЛИД-" + phone, Version: 1, CustomerID: &cid, VehicleID: &vid,
		Currency: "RUB", TotalMinor: total, Status: hub.StatusDelivered, OpenedAt: day.Add(at + 24*time.Hour), HandedOverAt: &handed}
	if _, err := h.Store.SaveWorkOrder(ctx, &w); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserReport opens /reports in Russian in headless Chromium at
// 1366×768, checks the charts are accessible images, fetches a table's
// CSV link the way the browser downloads it, and saves the screenshot.
func TestBrowserReport(t *testing.T) {
	browser := webtest.StartBrowser(t)
	h := apptest.Start(t, storetest.SQLite(t))
	newWorld(t, h)
	if err := h.Store.SetBranchRegion(context.Background(), h.Branch.ID, "Центр"); err != nil {
		t.Fatal(err)
	}
	scoreWithComment(t, h, "ЗН-1", 10, 2*time.Hour, "Всё сделали быстро, спасибо")
	browserLead(t, h, "Сидоров Иван", "+79990000001", "Lada", 1_850_000, time.Hour)
	browserLead(t, h, "Петрова Анна", "+79990000002", "Kia", 2_400_050, 2*time.Hour)
	browserLead(t, h, "", "+79990000003", "", 0, 3*time.Hour)
	base := h.Run(t)

	p := webtest.NewTab(t, browser, webtest.AcceptLanguage("ru-RU,ru;q=0.9"))
	p.Do("desktop viewport", chromedp.EmulateViewport(1366, 768))
	p.Open(base + "/login")
	p.WaitFor("login form", `document.querySelector("form[action='/login'] input[name=csrf]")?.value`, "body")
	p.Do("sign in",
		chromedp.SendKeys(chromedp.ID("login"), "anna"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	p.WaitFor("signed in", `location.pathname !== "/login"`, "body")
	p.Open(base + "/reports?from=2025-03-01&to=2025-03-31")
	p.WaitFor("the report", `document.querySelector("main h1")?.textContent === "Отчёты" && document.querySelector("#t-conversion table")`, "main")

	charts := webtest.Must[[]string](p, `[...document.querySelectorAll("svg.chart")].map(s => s.getAttribute("role") + "|" +
		s.getAttribute("aria-labelledby").split(" ").map(id => document.getElementById(id)?.textContent).join("|"))`)
	if len(charts) != 3 {
		t.Fatalf("charts %q, want response, funnel and NPS", charts)
	}
	for _, c := range charts {
		if parts := strings.Split(c, "|"); len(parts) != 3 || parts[0] != "img" || parts[1] == "" || parts[2] == "" {
			t.Errorf("chart %q is not an image named and described", c)
		}
	}
	total := webtest.Must[string](p, `[...document.querySelectorAll("#t-conversion tfoot td")].map(td => td.textContent).join("|")`)
	if got := strings.ReplaceAll(total, "\u00a0", " "); got != "Все|3|2|2|42 500,50 ₽|0|0,0 %" {
		t.Errorf("conversion total %q, want 3 leads, 2 visits, 2 orders, 42 500,50 ₽, none online", got)
	}

	// The CSV link as the browser fetches it: same session, a file.
	webtest.Must[bool](p, `window.__csv = null; fetch(document.querySelector("#t-conversion a[download]").href)
		.then(r => r.text().then(body => window.__csv = r.headers.get("content-disposition") + "\n" + body)); true`)
	p.WaitFor("the CSV", `window.__csv`, "main")
	got := webtest.Must[string](p, `window.__csv`)
	for _, want := range []string{`attachment; filename="naryad-conversion-2025-03-01-2025-03-31.csv"`,
		"Филиал;Обращений;Визитов;Заказов;Выручка;Оплачено онлайн;Доля онлайн-оплат\r\n", "MSK1;3;2;2;"} {
		if !strings.Contains(got, want) {
			t.Errorf("csv lacks %q:\n%q", want, got)
		}
	}
	webtest.Must[bool](p, `window.scrollTo(0, 0); true`)
	p.SaveScreenshot(reportScreenshotPath, 1366, 768)
}
