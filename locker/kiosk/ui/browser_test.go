package ui

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"

	"naryad/hub/web/webtest"
	"naryad/lockerwire"
)

// kioskScreenshotPath is docs/screenshots/kiosk.png, from this package's
// directory (locker/kiosk/ui), where go test runs.
var kioskScreenshotPath = filepath.Join("..", "..", "..", "docs", "screenshots", "kiosk.png")

// ru is the site's language: the start screen's, and so the tests'.
var ru = texts["ru"]

// TestBrowserKiosk drives the kiosk page in headless Chromium against the
// real engine on the board simulator, reached through the real driver on a
// pseudo-terminal: the flows of issue #6, each on a fresh kiosk.
func TestBrowserKiosk(t *testing.T) {
	browser := webtest.StartBrowser(t)
	t.Run("drop_off_and_reopen_once", func(t *testing.T) { testDropOffAndReopen(t, browser) })
	t.Run("pickup_after_payment", func(t *testing.T) { testPickupAfterPayment(t, browser) })
	t.Run("pickup_refused_before_payment", func(t *testing.T) { testPickupRefusedBeforePayment(t, browser) })
	t.Run("wrong_pin_lockout", func(t *testing.T) { testWrongPINLockout(t, browser) })
	t.Run("door_left_open_alarm", func(t *testing.T) { testDoorLeftOpenAlarm(t, browser) })
	t.Run("idle_back_to_start_in_default_language", func(t *testing.T) { testIdle(t, browser) })
}

// kioskTab is the kiosk's screen: a tab on the page of a running kiosk.
type kioskTab struct {
	*webtest.Tab
	r *rig
}

// openKiosk starts a kiosk on the simulator, serves its page on a real
// listener and opens it at the given screen size.
func openKiosk(t *testing.T, browser context.Context, ro rigOptions, o Options, width, height int64) *kioskTab {
	t.Helper()
	ro.pty = true
	r := startKiosk(t, ro)
	h, err := New(r.engine, o)
	if err != nil {
		t.Fatalf("ui.New: %v", err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	h.Register(app)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.ShutdownWithTimeout(5 * time.Second) })

	p := &kioskTab{Tab: webtest.NewTab(t, browser), r: r}
	p.Do("kiosk screen size", chromedp.EmulateViewport(width, height))
	p.Open("http://" + ln.Addr().String() + "/")
	p.waitScreen("start")
	return p
}

// waitScreen waits for the page to show a screen (the body's class).
func (p *kioskTab) waitScreen(kind string) {
	p.T.Helper()
	p.WaitFor("screen "+kind, `document.readyState === "complete" && document.body.classList.contains("screen-`+kind+`")`, "main")
}

func (p *kioskTab) tap(selector string) {
	p.T.Helper()
	p.Do("tap "+selector, chromedp.Click(chromedp.CSS(selector)))
}

// keypad taps digits on the on-screen keypad.
func (p *kioskTab) keypad(digits string) {
	p.T.Helper()
	for _, d := range digits {
		p.tap(`[data-keypad] button[data-key="` + string(d) + `"]`)
	}
}

// enter types a code on the keypad and taps OK.
func (p *kioskTab) enter(code string) {
	p.T.Helper()
	p.keypad(code)
	p.WaitFor("code typed", `document.getElementById("code").value === `+webtest.JS(code), "main")
	p.tap("#entry-form-ok")
}

// says checks an element's text.
func (p *kioskTab) says(selector, want string) {
	p.T.Helper()
	p.WaitFor(selector+" says "+want,
		`(document.querySelector(`+webtest.JS(selector)+`)?.textContent || "").replace(/\s+/g, " ").trim() === `+webtest.JS(want), "main")
}

// hubGets waits until the hub holds n events of a kind.
func (p *kioskTab) hubGets(kind string, n int) {
	p.T.Helper()
	deadline := time.Now().Add(webtest.StepTimeout)
	for p.r.hub.count(kind) != n {
		if time.Now().After(deadline) {
			p.T.Fatalf("the hub holds %d %s events, want %d", p.r.hub.count(kind), kind, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func box(text, label string) string { return strings.ReplaceAll(text, "{box}", label) }

// testDropOffAndReopen: the code from the SMS on the keypad opens box 1;
// keys in and the door shut, the screen moves on by itself; "I forgot
// something" opens the same box once more, and only once.
func testDropOffAndReopen(t *testing.T, browser context.Context) {
	p := openKiosk(t, browser, rigOptions{}, Options{}, 1080, 1920)
	p.says(".bar .site", rigSite.Name)
	p.SaveScreenshot(kioskScreenshotPath, 1080, 1920)

	p.tap("#begin-dropoff")
	p.waitScreen("entry")
	p.says("main h1", ru["entry_dropoff"])
	p.keypad("12")
	p.tap(`[data-keypad] button[data-key="erase"]`)
	p.tap(`[data-keypad] button[data-key="clear"]`)
	p.enter(dropOff101)

	p.waitScreen("door_open")
	p.says("#door-message", box(ru["door_open_dropoff"], "1"))
	if lock := p.r.sim.Lock(0, 0); lock.Closed {
		t.Fatalf("box 1 reads closed on the board while the page says it is open")
	}
	if n := p.r.sim.Unlocks(0, 0); n != 1 {
		t.Fatalf("box 1 got %d unlock pulses, want 1", n)
	}

	p.r.putIn(1)
	p.waitScreen("done")
	p.says("#done-message", ru["done_dropoff"])
	p.hubGets(lockerwire.EventKeysReceived, 1)

	p.tap("#reopen")
	p.waitScreen("door_open")
	p.says("#door-message", box(ru["door_open_dropoff"], "1"))
	if n := p.r.sim.Unlocks(0, 0); n != 2 {
		t.Fatalf("after Reopen box 1 got %d unlock pulses in all, want 2", n)
	}
	p.r.sim.CloseDoor(0, 0) // the keys stay in
	p.waitScreen("done")
	if webtest.Must[bool](p.Tab, `!!document.getElementById("reopen")`) {
		t.Errorf("Reopen is offered a second time")
	}
	if n := p.r.unlocks(); n != 2 {
		t.Errorf("the locker got %d unlock pulses in all, want 2", n)
	}
	p.tap("#finish")
	p.waitScreen("start")
}

// testPickupAfterPayment: staff put the paid work order's keys back from
// the staff menu; the customer's PIN then opens that box, and taking the
// keys out ends the pickup.
func testPickupAfterPayment(t *testing.T, browser context.Context) {
	p := openKiosk(t, browser, rigOptions{}, Options{}, 1280, 800)

	p.tap("#begin-staff")
	p.waitScreen("entry")
	p.enter(staffPIN)
	p.waitScreen("staff_menu")
	p.says("main h1", strings.ReplaceAll(ru["staff_title"], "{name}", "Анна"))
	p.keypad("101")
	p.WaitFor("order typed", `document.getElementById("return-order").value === "101"`, "main")
	p.tap("#return-form-ok")
	p.waitScreen("door_open")
	p.says("#door-message", box(ru["door_open_staff"], "1"))
	p.r.putIn(1)
	p.waitScreen("staff_menu")
	p.says("#box-1 .state", ru["state_ready"])
	p.says("#box-1 .wo", "АА-000101")
	p.tap("#sign-out")
	p.waitScreen("start")

	p.tap("#begin-pickup")
	p.waitScreen("entry")
	p.enter(pickup101)
	p.waitScreen("door_open")
	p.says("#door-message", box(ru["door_open_pickup"], "1"))
	if p.r.sim.Lock(0, 0).Closed {
		t.Fatalf("box 1 reads closed on the board while the page says it is open")
	}
	p.r.takeOut(1)
	p.waitScreen("done")
	p.says("#done-message", ru["done_pickup"])
	p.hubGets(lockerwire.EventKeysCollected, 1)
	if n := p.r.sim.Unlocks(0, 0); n != 2 {
		t.Errorf("box 1 got %d unlock pulses, want 2 (staff return, pickup)", n)
	}
}

// testPickupRefusedBeforePayment: the work-order number and phone of an
// unpaid order tell the customer to pay first, and no door opens.
func testPickupRefusedBeforePayment(t *testing.T, browser context.Context) {
	p := openKiosk(t, browser, rigOptions{}, Options{}, 1080, 1920)
	p.tap("#begin-pickup")
	p.waitScreen("entry")
	p.tap("#by-order")
	p.WaitFor("number and phone fields", `document.getElementById("order") && document.getElementById("phone")`, "main")
	p.keypad("102")
	p.tap("#phone")
	p.keypad("7654")
	p.WaitFor("typed", `document.getElementById("order").value === "102" && document.getElementById("phone").value === "7654"`, "main")
	p.tap("#entry-form-ok")
	p.WaitFor("still by number after the answer", `location.search === "?by=order" && document.getElementById("problem")`, "main")
	p.says("#problem", ru["problem_not_paid"])
	if n := p.r.unlocks(); n != 0 {
		t.Errorf("an unpaid pickup sent %d unlock pulses", n)
	}
}

// testWrongPINLockout: five wrong PINs lock entry; the sixth try finds the
// lock, not a keypad.
func testWrongPINLockout(t *testing.T, browser context.Context) {
	p := openKiosk(t, browser, rigOptions{lockoutFor: time.Hour}, Options{}, 1280, 800)
	p.tap("#begin-pickup")
	p.waitScreen("entry")
	for left := 4; left >= 1; left-- {
		p.enter(wrongCode)
		p.says("#attempts", strings.ReplaceAll(ru["attempts_left"], "{n}", string(rune('0'+left))))
		p.says("#problem", ru["problem_wrong_code"]+" "+strings.ReplaceAll(ru["attempts_left"], "{n}", string(rune('0'+left))))
	}
	p.enter(wrongCode)
	p.waitScreen("locked_out")
	p.says("main h1", ru["locked_title"])
	until := p.r.engine.Screen().LockedUntil.Local().Format("15:04")
	p.says("#locked-until", strings.ReplaceAll(ru["locked_text"], "{time}", until))

	p.tap("#back")
	p.waitScreen("start")
	p.tap("#begin-pickup")
	p.waitScreen("locked_out")
	if webtest.Must[bool](p.Tab, `!!document.getElementById("code")`) {
		t.Errorf("the locked kiosk offers a code field")
	}
	p.hubGets(lockerwire.EventPINLockout, 1)
	if n := p.r.unlocks(); n != 0 {
		t.Errorf("wrong PINs sent %d unlock pulses", n)
	}
}

// testDoorLeftOpenAlarm: a drop-off door left open past DoorAlarmAfter
// shows the alarm; the open door keeps its screen however long nobody
// touches it; shutting it ends the drop-off.
func testDoorLeftOpenAlarm(t *testing.T, browser context.Context) {
	p := openKiosk(t, browser, rigOptions{doorAlarmAfter: 300 * time.Millisecond}, Options{IdleAfter: time.Second}, 1080, 1920)
	p.tap("#begin-dropoff")
	p.waitScreen("entry")
	p.enter(dropOff101)
	p.waitScreen("door_open")
	p.WaitFor("alarm shown", `document.getElementById("alarm")?.offsetParent !== null && document.querySelector(".door.alarm")`, "main")
	p.says("#alarm", ru["alarm"])
	p.hubGets(lockerwire.EventDoorLeftOpen, 1)
	if p.Within(2*time.Second, `!document.body.classList.contains("screen-door_open")`) {
		t.Fatalf("the open-door screen went away with the door still open")
	}
	p.r.putIn(1)
	p.waitScreen("done")
	p.hubGets(lockerwire.EventDoorClosed, 1)
}

// testIdle: untouched, the page goes back to the start screen and the next
// person sees the default language again.
func testIdle(t *testing.T, browser context.Context) {
	p := openKiosk(t, browser, rigOptions{}, Options{IdleAfter: time.Second}, 1280, 800)
	p.tap("#lang-en")
	p.WaitFor("English", `document.documentElement.lang === "en"`, "body")
	p.says("main h1", texts["en"]["welcome"])
	p.tap("#begin-dropoff")
	p.waitScreen("entry")
	p.says("main h1", texts["en"]["entry_dropoff"])
	p.keypad("1")
	p.waitScreen("start")
	p.WaitFor("default language again", `document.documentElement.lang === "ru"`, "body")
	if k := p.r.engine.Screen().Kind; k != "start" {
		t.Errorf("the engine shows %s after the page went idle", k)
	}
}
