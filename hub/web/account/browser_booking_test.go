package account_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/account"
	"naryad/hub/web/webtest"
)

// bookingScreenshotPath is docs/screenshots/booking.png from this package.
var bookingScreenshotPath = filepath.Join("..", "..", "..", "docs", "screenshots", "booking.png")

// TestBrowserBookingFlow books a visit in headless Chromium on a 360×740
// phone against a whole running hub: a reminder's link with the car
// chosen, a service, a time from the calendar, confirm, the booking's page.
// The calendar step is the screenshot docs/screenshots/booking.png.
func TestBrowserBookingFlow(t *testing.T) {
	browser := webtest.StartBrowser(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			h := apptest.Start(t, b)
			base := h.Run(t)
			vehicle := seedBookableBranch(t, h)
			token := accountSession(t, h.Store, "+79161234567")

			p := webtest.NewTab(t, browser, webtest.AcceptLanguage("ru"))
			p.Do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait))
			p.Do("signed in", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: account.SessionCookie, Value: token,
					URL: base})
				return err
			}))
			narrow := func(step string) {
				t.Helper()
				if got := webtest.Must[float64](p, "document.documentElement.scrollWidth"); got > 360 {
					t.Errorf("%s: page is %v px wide at a 360 px viewport", step, got)
				}
			}

			p.Open(base + "/account/book?vehicle=" + strconv.FormatInt(vehicle, 10) + "&branch=MSK1")
			p.WaitFor("services step", `document.querySelector("input[name=svc][value=to]")`, "main")
			narrow("services")
			p.Do("choose maintenance", chromedp.Click(chromedp.CSS(`input[name=svc][value=to]`)),
				chromedp.SendKeys(chromedp.CSS(`#note`), "Стук спереди справа"),
				chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
			p.WaitFor("calendar with times", `document.querySelector(".calendar a.day.selected") && document.querySelector(".slots a.slot")`, "main")
			narrow("calendar")
			p.Do("scroll to the calendar", chromedp.Evaluate[chromedp.Void](`document.getElementById("slot").scrollIntoView()`))
			p.WaitFor("scrolled to the calendar", `Math.abs(window.scrollY - Math.min(document.getElementById("slot").offsetTop,
				document.documentElement.scrollHeight - window.innerHeight)) < 2`, "main")
			p.SaveScreenshot(bookingScreenshotPath, 360, 740)
			p.Do("pick the first time", chromedp.Click(chromedp.CSS(`.slots a.slot`)))
			p.WaitFor("confirm step", `document.querySelector("input[name=request_key]")`, "main")
			narrow("confirm")
			p.Do("confirm", chromedp.Click(chromedp.CSS(`main form[method=post] button[type=submit]`)))
			p.WaitFor("the booking's page", `document.querySelector("p.note[role=status]")?.textContent.includes("Заявка отправлена")`, "main")
			narrow("booking")

			list, err := h.Store.Gorm(context.Background()).Raw(`SELECT COUNT(*) FROM bookings WHERE vehicle_id = ?`, vehicle).Rows()
			if err != nil {
				t.Fatal(err)
			}
			defer list.Close()
			var n int
			for list.Next() {
				if err := list.Scan(&n); err != nil {
					t.Fatal(err)
				}
			}
			if n != 1 {
				t.Fatalf("%d bookings of the car stored, want 1", n)
			}
		})
	}
}

// seedBookableBranch gives the hub's branch hours, a directory entry,
// capacity and a catalogue, and a DMS customer on +79161234567 with a
// car; it returns the car's id.
func seedBookableBranch(t *testing.T, h *apptest.Hub) int64 {
	t.Helper()
	ctx := context.Background()
	st, id := h.Store, h.Branch.ID
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(st.Gorm(ctx).Exec(`UPDATE branches SET working_hours = ? WHERE id = ?`, "Пн-Сб 09:00-18:00", id).Error)
	check(st.SetBranchBooking(ctx, id, hub.BranchBooking{City: "Москва", Address: "Ленинский пр., 30",
		Brands: []string{"Kia", "Hyundai"}, CancelHours: 2, HorizonDays: 60, LeadMinutes: 60}))
	check(st.SetCapacity(ctx, id, hub.KindMaintenance, 60, 2))
	check(st.SetCapacity(ctx, id, hub.KindTyres, 30, 3))
	for i, s := range []hub.Service{
		{Code: "to", Kind: hub.KindMaintenance, NameRU: "Плановое ТО", NamePL: "Przegląd okresowy", NameEN: "Scheduled service", Minutes: 90},
		{Code: "tyres", Kind: hub.KindTyres, NameRU: "Сезонная замена шин", NamePL: "Sezonowa wymiana opon", NameEN: "Seasonal tyre change", Minutes: 45},
	} {
		s.BranchID, s.Active, s.Position = id, true, i
		check(st.SaveService(ctx, &s))
	}
	cust, err := st.UpsertCustomer(ctx, store.CustomerData{NodeID: h.Node.ID, ExternalID: "C-1", Name: "Иван Петров",
		Phones: []string{"+79161234567"}})
	check(err)
	v, err := st.UpsertVehicle(ctx, store.VehicleData{NodeID: h.Node.ID, ExternalID: "V-1", CustomerID: &cust,
		Make: "Kia", Model: "Sportage", Plate: "А123ВС77"})
	check(err)
	return v
}

// accountSession signs the holder of phone in, as the code sign-in ends,
// and returns the session cookie's value.
func accountSession(t *testing.T, st *store.Store, phone string) string {
	t.Helper()
	ctx := context.Background()
	acc, err := st.AccountForVerifiedPhone(ctx, phone, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	token, err := st.CreateAccountSession(ctx, acc.ID, true, "chromium", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return token
}
