package app_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

// Issue 19's "done when", end to end in Chromium on a 360×740 phone
// against a whole running hub: two DMS nodes push the same customer's
// cars from two branches; the customer signs in with the code from
// sms.log, sees both cars, books a visit; the branch's DMS reads the
// request from its feed and confirms it; the customer is told by SMS,
// sees it confirmed and cancels it; the DMS reads the cancellation. A
// work-order link's "all my cars" signs in too.

const (
	accPhone     = "+79161234567"
	accPhoneUser = "8 (916) 123-45-67" // as a Russian customer types it
	accMSKNumber = "ЗН-1901"
	accSPBNumber = "СП-0042"
	accDMSNote   = "Ждём вас, возьмите СТС"
)

// accountScreenshotPath is the garage at 360×740 (booking.png is written
// by hub/web/account's TestBrowserBookingFlow).
var accountScreenshotPath = filepath.Join("..", "docs", "screenshots", "account.png")

// accCode finds the 6-digit code in the sign-in SMS ("…: 123456. …").
var accCode = regexp.MustCompile(`\b(\d{6})\b`)

func TestBrowserAccountEndToEnd(t *testing.T) {
	browser := webtest.StartBrowser(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			accFlow(t, browser, apptest.Start(t, b))
		})
	}
}

// accNet is the deployment: MSK1 (the test hub's branch) and SPB1, each
// with its own DMS node and token.
type accNet struct {
	msk, spb accDMS
	spbCode  string
}

func accFlow(t *testing.T, browser context.Context, h *apptest.Hub) {
	ctx := context.Background()
	base := h.Run(t)
	n := accSetUp(t, h, base)

	// 1. Each node pushes a work order of its branch: the same phone,
	// each node's own external ids, each with a car.
	n.msk.pushWorkOrder(t, "msk-1", accMSKNumber, h.Branch.Code, "C-77-0001", map[string]any{
		"external_id": "V-77-0001", "plate": "А123ВС77", "make": "Kia", "model": "Sportage", "vin": "XWEPH81ABJ0001234"})
	n.spb.pushWorkOrder(t, "spb-1", accSPBNumber, n.spbCode, "КЛ-42", map[string]any{
		"external_id": "ТС-42", "plate": "В456ОР78", "make": "Škoda", "model": "Octavia"})

	// 2. The customer opens their account, is sent to sign in, and signs
	// in with the code the hub wrote to sms.log, remembering the phone.
	p := inspPhone(t, browser)
	p.Open(base + "/account")
	p.WaitFor("sent to sign in", `location.pathname === "/account/sign-in" && new URLSearchParams(location.search).get("next") === "/account"`, "main")
	p.Do("type the phone", chromedp.SendKeys(chromedp.ID("phone"), accPhoneUser),
		chromedp.Click(chromedp.CSS(`form[action="/account/sign-in"] button[type=submit]`)))
	p.WaitFor("the code step", `location.pathname === "/account/sign-in/code" && document.querySelector("#code")`, "main")
	code := accSignInCode(t, h)
	p.Do("enter the code, remember the phone", chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Click(chromedp.CSS(`input[name=remember]`)),
		chromedp.Click(chromedp.CSS(`form[action="/account/sign-in/code"] button[type=submit]`)))

	// 3. The garage: both branches' cars.
	p.WaitFor("the garage", `location.pathname === "/account" && document.querySelectorAll("li.car").length === 2`, "main")
	accRemembered(t, p)
	garage := p.Text("ul.cars")
	for _, want := range []string{"Kia Sportage", "А123ВС77", "Škoda Octavia", "В456ОР78"} {
		if !strings.Contains(garage, want) {
			t.Errorf("the garage lacks %q:\n%s", want, garage)
		}
	}
	accNarrow(t, p, "garage")
	p.SaveScreenshot(accountScreenshotPath, 360, 740)
	p.Do("open the Škoda's history", chromedp.Click(chromedp.Search(`//li[contains(@class,"car")]//h2/a[contains(.,"Octavia")]`)))
	p.WaitFor("the Škoda's history", `location.pathname.startsWith("/account/cars/") && document.querySelector("article.order")`, "main")
	if history := webtest.Spaces(p.Text("main")); !strings.Contains(history, accSPBNumber) || !strings.Contains(history, "Сервис на Невском") ||
		!strings.Contains(history, "Замена масла") || strings.Contains(history, accMSKNumber) {
		t.Errorf("the Škoda's history should show SPB1's work order %s, not MSK1's:\n%s", accSPBNumber, history)
	}
	accNarrow(t, p, "car history")

	// 4. Book a visit: branch, car, service, a free time, confirm.
	p.Do("to booking", chromedp.Click(chromedp.CSS(`header nav a[href="/account/book"]`)))
	p.WaitFor("the branch step", `document.querySelector("a.card.pick[href*='branch=MSK1']")`, "main")
	p.Do("choose MSK1", chromedp.Click(chromedp.CSS(`a.card.pick[href*='branch=MSK1']`)))
	p.WaitFor("the car step", `document.querySelector("input[name=vehicle]")`, "main")
	p.Do("choose the Kia", chromedp.Click(chromedp.Search(`//label[contains(@class,"choice")][contains(.,"Kia Sportage")]/input`)),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	p.WaitFor("the services step", `document.querySelector("input[name=svc][value=to]")`, "main")
	p.Do("choose maintenance", chromedp.Click(chromedp.CSS(`input[name=svc][value=to]`)),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	p.WaitFor("free times", `document.querySelector(".calendar a.day.selected") && document.querySelector(".slots a.slot")`, "main")
	accNarrow(t, p, "calendar")
	p.Do("pick the first free time", chromedp.Click(chromedp.CSS(`.slots a.slot`)))
	p.WaitFor("the confirm step", `document.querySelector("input[name=request_key]")`, "main")
	if summary := p.Text("dl.summary"); !strings.Contains(summary, "Kia Sportage") || !strings.Contains(summary, "Плановое ТО") {
		t.Errorf("the summary lacks the car or the service:\n%s", summary)
	}
	p.Do("confirm", chromedp.Click(chromedp.CSS(`main form[method=post] button[type=submit]`)))
	p.WaitFor("the booking's page", `/^\/account\/bookings\/\d+$/.test(location.pathname) &&
		document.querySelector("p.note[role=status]")?.textContent.includes("Заявка отправлена")`, "main")
	id, err := strconv.ParseInt(strings.TrimPrefix(webtest.Must[string](p, "location.pathname"), "/account/bookings/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	booking, err := h.Store.Booking(ctx, id)
	if err != nil {
		t.Fatal(err)
	}

	// 5. MSK1's DMS finds the request in its feed, with its own ids of
	// the customer and the car; SPB1's DMS does not see it.
	req := n.msk.serviceRequest(t, id, hub.BookingRequested)
	if req["branch_code"] != "MSK1" || req["phone"] != accPhone || req["customer_external_id"] != "C-77-0001" ||
		req["vehicle_external_id"] != "V-77-0001" || req["kind"] != hub.KindMaintenance ||
		req["starts_at"] != booking.StartsAt.UTC().Format(time.RFC3339) {
		t.Errorf("the service_request = %v, want MSK1's ids and the booked time %s", req, booking.StartsAt.UTC())
	}
	if items, _ := req["services"].([]any); len(items) != 1 || items[0].(map[string]any)["code"] != "to" {
		t.Errorf("the service_request's services = %v, want [to]", req["services"])
	}
	if other := n.spb.changes(t, hub.ChangeServiceRequest); len(other) != 0 {
		t.Errorf("SPB1's DMS sees MSK1's booking: %v", other)
	}
	n.msk.pushEvent(t, map[string]any{"id": "bk-confirm-1", "type": "booking", "occurred_at": time.Now().Format(time.RFC3339),
		"booking": map[string]any{"booking_id": id, "state": "confirmed", "note": accDMSNote}})

	// The customer is told on their channel (SMS, so sms.log) …
	told := accWaitSMS(t, h, "the confirmation", func(l accSMSLine) bool {
		return booking.ThreadID != nil && l.ThreadID == *booking.ThreadID && strings.Contains(l.Body, "подтверждена")
	})
	if told.To != accPhone || !strings.Contains(told.Body, h.Branch.Name) || !strings.Contains(told.Body, accDMSNote) ||
		!strings.Contains(told.Body, "/account") {
		t.Errorf("the confirmation SMS = %+v, want the branch, the DMS's note and the account link", told)
	}
	// … and their bookings show it confirmed.
	p.Do("to the bookings", chromedp.Click(chromedp.CSS(`header nav a[href="/account/bookings"]`)))
	card := `a.card.booking[href="/account/bookings/` + strconv.FormatInt(id, 10) + `"]`
	p.WaitFor("the booking confirmed", `document.querySelector(`+webtest.JS(card+` .state`)+`)?.textContent.trim() === "Подтверждена"`, "main")
	accNarrow(t, p, "bookings")

	// 6. The customer cancels; the DMS reads the cancellation.
	p.Do("open the booking", chromedp.Click(chromedp.CSS(card)))
	p.WaitFor("the booking's page", `document.querySelector("form[action$='/cancel'] button")`, "main")
	if dms := p.Text("dl.booking"); !strings.Contains(dms, accDMSNote) {
		t.Errorf("the booking's page lacks the DMS's note:\n%s", dms)
	}
	p.Do("cancel", chromedp.Click(chromedp.CSS(`form[action$='/cancel'] button`)))
	p.WaitFor("cancelled", `document.querySelector("p.note[role=status]")?.textContent.includes("Запись отменена") &&
		document.querySelector("dl.booking .state")?.textContent.trim() === "Отменена" && !document.querySelector("form[action$='/cancel']")`, "main")
	n.msk.serviceRequest(t, id, hub.BookingCancelled)

	// 7. From a work order's page, "all my cars" signs a fresh browser in.
	c := inspPhone(t, browser)
	c.Open(base + accCustomerPath(t, h, n.spb.node, accSPBNumber))
	c.WaitFor("the work order's page", `document.querySelector("form.to-account button")`, "body")
	c.Do("all my cars", chromedp.Click(chromedp.CSS(`form.to-account button`)))
	c.WaitFor("the garage, signed in", `location.pathname === "/account" && document.querySelectorAll("li.car").length === 2`, "main")
	// On the phone that is remembered, it keeps the remembered session.
	p.Open(base + accCustomerPath(t, h, n.msk.node, accMSKNumber))
	p.WaitFor("the work order's page", `document.querySelector("form.to-account button")`, "body")
	p.Do("all my cars", chromedp.Click(chromedp.CSS(`form.to-account button`)))
	p.WaitFor("the garage, still signed in", `location.pathname === "/account" && document.querySelectorAll("li.car").length === 2`, "main")
	accRemembered(t, p)
}

// accSetUp adds SPB1, a DMS node with a token for each branch, and makes
// MSK1 bookable (hours, a directory entry, capacity, a catalogue), as an
// admin would.
func accSetUp(t *testing.T, h *apptest.Hub, base string) accNet {
	t.Helper()
	ctx := context.Background()
	st := h.Store
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	spb := hub.Branch{Code: "SPB1", Name: "Сервис на Невском", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru",
		Phone: "+78121234567", WorkingHours: "Пн-Сб 09:00-18:00"}
	check(st.CreateBranch(ctx, &spb))
	check(st.Gorm(ctx).Exec(`UPDATE branches SET working_hours = ? WHERE id = ?`, "Пн-Сб 09:00-18:00", h.Branch.ID).Error)
	check(st.SetBranchBooking(ctx, h.Branch.ID, hub.BranchBooking{City: "Москва", Address: "Ленинский пр., 30",
		Brands: []string{"Kia", "Škoda"}, CancelHours: 2, HorizonDays: 60, LeadMinutes: 60}))
	check(st.SetCapacity(ctx, h.Branch.ID, hub.KindMaintenance, 60, 2))
	to := hub.Service{BranchID: h.Branch.ID, Code: "to", Kind: hub.KindMaintenance, NameRU: "Плановое ТО",
		NamePL: "Przegląd okresowy", NameEN: "Scheduled service", Minutes: 90, Active: true}
	check(st.SaveService(ctx, &to))
	var n accNet
	n.spbCode = spb.Code
	var err error
	n.msk = accDMS{base: base}
	n.msk.token, n.msk.node, err = st.CreateNodeWithToken(ctx, "1c-msk", h.Branch.Code)
	check(err)
	n.spb = accDMS{base: base}
	n.spb.token, n.spb.node, err = st.CreateNodeWithToken(ctx, "1c-spb", spb.Code)
	check(err)
	return n
}

// accSignInCode is the code of the newest sign-in SMS to the phone in
// sms.log, as the hub's log provider wrote it.
func accSignInCode(t *testing.T, h *apptest.Hub) string {
	t.Helper()
	l := accWaitSMS(t, h, "the sign-in code", func(l accSMSLine) bool {
		return l.To == accPhone && strings.Contains(l.Body, "Код для входа")
	})
	m := accCode.FindStringSubmatch(l.Body)
	if m == nil {
		t.Fatalf("no 6-digit code in the sign-in SMS %q", l.Body)
	}
	return m[1]
}

// accSMSLine is a line of sms.log (hub/sms.Log).
type accSMSLine struct {
	To       string `json:"to"`
	Body     string `json:"body"`
	ThreadID int64  `json:"thread_id"`
}

// accWaitSMS waits until sms.log holds a line matching and returns the
// newest such line.
func accWaitSMS(t *testing.T, h *apptest.Hub, what string, match func(accSMSLine) bool) accSMSLine {
	t.Helper()
	deadline := time.Now().Add(webtest.StepTimeout)
	for {
		var found *accSMSLine
		raw := smsLog(t, h)
		for _, line := range strings.Split(strings.TrimSpace(raw), "\n") {
			if line == "" {
				continue
			}
			var l accSMSLine
			if err := json.Unmarshal([]byte(line), &l); err != nil {
				t.Fatalf("sms.log line %q: %v", line, err)
			}
			if match(l) {
				found = &l
			}
		}
		if found != nil {
			return *found
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no such line in sms.log within %s:\n%s", what, webtest.StepTimeout, raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// accRemembered checks "remember this phone" gave a cookie that outlives
// the browser session.
func accRemembered(t *testing.T, p *webtest.Tab) {
	t.Helper()
	var cookies []*network.Cookie
	p.Do("read the cookies", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{})
		cookies = res.Cookies
		return err
	}))
	for _, ck := range cookies {
		if ck.Name == "nrd_a" {
			if ck.Session || time.Until(time.Unix(int64(ck.Expires), 0)) < 300*24*time.Hour || !ck.HTTPOnly {
				t.Errorf("a remembered phone's session cookie = %+v, want HttpOnly and lasting about 400 days", ck)
			}
			return
		}
	}
	t.Errorf("no session cookie after signing in: %+v", cookies)
}

// accNarrow checks nothing is wider than the 360 px phone.
func accNarrow(t *testing.T, p *webtest.Tab, page string) {
	t.Helper()
	if got := webtest.Must[float64](p, "document.documentElement.scrollWidth"); got > 360 {
		t.Errorf("%s: the page is %v px wide at a 360 px viewport", page, got)
	}
}

// accCustomerPath is the work order's customer link ("/c/<token>").
func accCustomerPath(t *testing.T, h *apptest.Hub, node hub.DMSNode, number string) string {
	t.Helper()
	ctx := context.Background()
	w, err := h.Store.WorkOrderByNumber(ctx, node.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	th, err := h.Store.ThreadByWorkOrder(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	l, err := h.Store.ActiveMagicLink(ctx, th.ID)
	if err != nil {
		t.Fatal(err)
	}
	return "/c/" + h.Server.Links().Token(l.Salt)
}
