package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/app/demo"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

// ibThreadShot is docs/screenshots/thread.png (ibScreenshotPath is the
// list's, inbox.png): both taken here at 1366×768, the two-pane desktop.
var ibThreadShot = filepath.Join("..", "..", "..", "docs", "screenshots", "thread.png")

// ibWideOrder is a work order whose card is hard to fit: a long item name,
// sums in the millions, a fractional quantity.
const ibWideOrder = "АА-000777"

// ibCardFits measures the work-order card in JavaScript: every sum cell
// inside the card, the card inside the viewport, the lines' box without
// a horizontal scroll, and the page without one.
const ibCardFits = `(() => {
  const card = document.querySelector("aside.order");
  if (!card) { return {error: "no work-order card"}; }
  const c = card.getBoundingClientRect();
  const cells = [...card.querySelectorAll(".lines td.amount, .lines td.total")];
  const outside = cells.filter(td => { const r = td.getBoundingClientRect();
    return r.width === 0 || r.right > c.right + 0.5 || r.left < c.left - 0.5; }).map(td => td.textContent);
  const box = card.querySelector(".lines-box");
  return {cells: cells.length, outside, cardLeft: c.left, cardRight: c.right, viewport: document.documentElement.clientWidth,
    boxOverflow: box ? box.scrollWidth - box.clientWidth : -1,
    pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth};
})()`

type ibCardBox struct {
	Error        string
	Cells        int
	Outside      []string
	CardLeft     float64
	CardRight    float64
	Viewport     float64
	BoxOverflow  float64
	PageOverflow float64
}

// ibBox is a visible element's box, or zero width when hidden.
func ibBox(sel string) string {
	return `(() => { const e = document.querySelector(` + webtest.JS(sel) + `); if (!e) { return null; }
  const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width}; })()`
}

type ibRect struct{ Left, Right, Top, Bottom, Width float64 }

// ibNotifyStub replaces the browser's Notification on every page the tab
// opens: permission granted, each notification recorded in sessionStorage
// (it survives the reload the live stream triggers).
const ibNotifyStub = `(() => {
  const note = function (title, opts) {
    const all = JSON.parse(sessionStorage.getItem("test.notes") || "[]");
    all.push({title: title, body: (opts || {}).body || ""});
    sessionStorage.setItem("test.notes", JSON.stringify(all));
  };
  note.permission = "granted";
  note.requestPermission = () => Promise.resolve("granted");
  window.Notification = note;
})();`

// TestBrowserInboxPanes drives the two-pane inbox in headless Chromium at
// 1366×768, 1024×768 and 360×740: the panes and the side panel, the
// work-order card that never overflows, the filter counts and channel
// icons, keyboard navigation with its help, and a desktop notification
// for a new customer message in the advisor's queue.
func TestBrowserInboxPanes(t *testing.T) {
	browser := webtest.StartBrowser(t)
	b := storetest.SQLite(t)
	h := apptest.Start(t, b)
	var guide bytes.Buffer
	if err := demo.Load(context.Background(), h.Server, h.Config, &guide); err != nil {
		t.Fatalf("demo.Load: %v\n%s", err, guide.String())
	}
	sign, token := ibSignIn.FindStringSubmatch(guide.String()), ibDMSToken.FindStringSubmatch(guide.String())
	if sign == nil || token == nil {
		t.Fatalf("demo.Load printed no sign-in line or DMS token:\n%s", guide.String())
	}
	ibPushWideOrder(t, h, token[1])
	base := h.Run(t)

	p := webtest.NewTab(t, browser, webtest.AcceptLanguage("ru-RU,ru;q=0.9"))
	p.Do("desktop viewport", chromedp.EmulateViewport(1366, 768))
	p.Do("stub notifications", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: ibNotifyStub})
		return err
	}))
	p.Open(base + "/inbox")
	p.WaitFor("login form", `location.pathname === "/login" && document.querySelector("form[action='/login'] input[name=csrf]")?.value`, "body")
	p.Do("sign in",
		chromedp.SendKeys(chromedp.ID("login"), sign[1]),
		chromedp.SendKeys(chromedp.ID("password"), sign[2]),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	p.WaitFor("the inbox", `location.pathname === "/inbox" && document.readyState === "complete" && document.querySelectorAll("ol.threads li.thread").length >= 4`, "body")

	t.Run("list_pane_counts_icons", func(t *testing.T) {
		p.T = t
		list, pane := webtest.Must[ibRect](p, ibBox(".list-pane")), webtest.Must[ibRect](p, ibBox(".empty-pane"))
		if list.Width == 0 || pane.Width == 0 || list.Right > pane.Left {
			t.Errorf("at 1366 px the list %+v and the empty conversation pane %+v are not side by side", list, pane)
		}
		counts := webtest.Must[[]string](p, `[...document.querySelectorAll(".filters a .n")].map(n => n.textContent)`)
		rows := webtest.Must[int](p, `document.querySelectorAll("ol.threads li.thread").length`)
		if len(counts) != len(store.InboxFilters) || counts[0] != strconv.Itoa(rows) {
			t.Errorf("filter counts %v, want one per filter with the active one = %d rows", counts, rows)
		}
		icons := webtest.Must[[]string](p, `[...document.querySelectorAll("ol.threads li.thread")].map(li => li.querySelector("svg.ch[role=img]")?.getAttribute("aria-label") || "")`)
		for _, label := range icons {
			if label != "SMS" && label != "WhatsApp" && label != "Сайт" {
				t.Errorf("row icons %q: every row needs a channel icon named by its channel", icons)
				break
			}
		}
		if st := webtest.Must[string](p, `getComputedStyle(document.querySelector("ol.threads .status")).backgroundColor`); st == "rgba(0, 0, 0, 0)" {
			t.Errorf("the status has no colour")
		}
		p.SaveScreenshot(ibScreenshotPath, 1366, 768)
	})

	t.Run("keyboard", func(t *testing.T) {
		p.T = t
		focused := `(document.activeElement.closest("ol.threads li.thread") ? [...document.querySelectorAll("ol.threads li.thread")].indexOf(document.activeElement.closest("ol.threads li.thread")) : -1)`
		p.Do("j", chromedp.KeyEvent("j"))
		p.WaitFor("j focuses the first thread", focused+` === 0`, "main")
		p.Do("j j k", chromedp.KeyEvent("j"), chromedp.KeyEvent("j"), chromedp.KeyEvent("k"))
		p.WaitFor("j, j, k focus the second thread", focused+` === 1`, "main")
		p.Do("type j into the search", chromedp.Focus(chromedp.CSS(`.search input[type=search]`)), chromedp.KeyEvent("j"))
		if got := webtest.Must[string](p, `document.querySelector(".search input[type=search]").value`); got != "j" || webtest.Must[int](p, focused) != -1 {
			t.Errorf("typing j in the search gave %q and moved the focus: the shortcut must not fire in a field", got)
		}
		webtest.Must[bool](p, `(document.querySelector(".search input[type=search]").value = "", document.querySelector("ol.threads li.thread a.who").focus(), true)`)
		p.Do("?", chromedp.KeyEvent("?"))
		p.WaitFor("? opens the help", `document.getElementById("keys-help").open && document.getElementById("keys-help").textContent.includes("Следующий диалог")`, "body")
		p.Do("Escape", chromedp.KeyEvent("\u001b"))
		p.WaitFor("Escape closes it", `!document.getElementById("keys-help").open`, "body")
		path := webtest.Must[string](p, `new URL(document.activeElement.href).pathname`)
		p.Do("Enter opens the thread", chromedp.KeyEvent("\r"))
		p.WaitFor("the thread page", `location.pathname === `+webtest.JS(path)+` && document.readyState === "complete" && document.querySelector("textarea#reply")`, "body")
		p.Do("r", chromedp.KeyEvent("r"))
		p.WaitFor("r puts the cursor in the reply", `document.activeElement.id === "reply"`, "main")
		webtest.Must[bool](p, `(document.activeElement.blur(), true)`)
		p.Do("j", chromedp.KeyEvent("j"))
		p.WaitFor("j opens the next thread", `location.pathname !== `+webtest.JS(path)+` && location.pathname.startsWith("/inbox/threads/") && document.readyState === "complete" && document.querySelector("li.thread.current")`, "body")
	})

	wide := ibThreadPath(t, h, ibWideOrder)
	t.Run("thread_1366_three_columns", func(t *testing.T) {
		p.T = t
		p.Open(base + wide)
		p.WaitFor("the wide order's thread", `document.readyState === "complete" && document.querySelector("aside.order .lines") && document.querySelector("aside.customer")`, "body")
		list, chat, side := webtest.Must[ibRect](p, ibBox(".list-pane")), webtest.Must[ibRect](p, ibBox("section.chat")), webtest.Must[ibRect](p, ibBox(".side"))
		if list.Width == 0 || list.Right > chat.Left || chat.Right > side.Left || side.Width == 0 {
			t.Errorf("at 1366 px want list | conversation | side panel in a row: %+v %+v %+v", list, chat, side)
		}
		panel := webtest.Spaces(p.Text("aside.customer"))
		for _, want := range []string{"+7 916 555-00-77", "+7 903 555-00-78", "Škoda Octavia", "согласен получать сообщения", ibWideOrder} {
			if !strings.Contains(panel, want) {
				t.Errorf("side panel lacks %q: %s", want, panel)
			}
		}
		ibCheckCard(t, p, "1366")
		if got := webtest.Must[string](p, `document.querySelector("#template option")?.textContent || ""`); got == "" || strings.Contains(got, ".") {
			t.Errorf("first template is listed as %q, want a human name", got)
		}
		if got := webtest.Must[string](p, `document.getElementById("template-preview").textContent`); !strings.Contains(got, "Автосервис") && !strings.Contains(got, ibWideOrder) {
			t.Errorf("template preview %q does not look rendered for this thread", got)
		}
		p.SaveScreenshot(ibThreadShot, 1366, 768)
	})

	t.Run("thread_1024_two_panes", func(t *testing.T) {
		p.T = t
		p.Do("1024 px", chromedp.EmulateViewport(1024, 768))
		p.Open(base + wide)
		p.WaitFor("the thread", `document.readyState === "complete" && document.querySelector("aside.order .lines")`, "body")
		list, chat, side := webtest.Must[ibRect](p, ibBox(".list-pane")), webtest.Must[ibRect](p, ibBox("section.chat")), webtest.Must[ibRect](p, ibBox(".side"))
		if list.Width == 0 || list.Right > chat.Left || side.Top < chat.Bottom {
			t.Errorf("at 1024 px want the list beside the conversation, the side panel under it: %+v %+v %+v", list, chat, side)
		}
		ibCheckCard(t, p, "1024")
	})

	t.Run("phone_one_pane", func(t *testing.T) {
		p.T = t
		p.Do("360 px", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
		p.Open(base + wide)
		p.WaitFor("the thread", `document.readyState === "complete" && document.querySelector("aside.order .lines")`, "body")
		if list := webtest.Must[ibRect](p, ibBox(".list-pane")); list.Width != 0 {
			t.Errorf("on a phone the thread page shows the list too: %+v", list)
		}
		ibCheckCard(t, p, "360")
		p.Open(base + "/inbox")
		p.WaitFor("the list", `document.readyState === "complete" && document.querySelector("ol.threads")`, "body")
		if pane, list := webtest.Must[ibRect](p, ibBox(".empty-pane")), webtest.Must[ibRect](p, ibBox(".list-pane")); pane.Width != 0 || list.Width == 0 {
			t.Errorf("on a phone /inbox should be the list alone: list %+v pane %+v", list, pane)
		}
		if over := webtest.Must[float64](p, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
			t.Errorf("the list page scrolls sideways by %.0f px at 360", over)
		}
		p.Do("back to desktop", chromedp.EmulateViewport(1366, 768))
	})

	t.Run("notification_for_my_customer", func(t *testing.T) {
		p.T = t
		ibTestNotification(t, p, h, base, sign[1])
	})
}

// ibCheckCard fails unless the work-order card fits (see ibCardFits).
func ibCheckCard(t *testing.T, p *webtest.Tab, width string) {
	t.Helper()
	c := webtest.Must[ibCardBox](p, ibCardFits)
	if c.Error != "" || c.Cells < 4 || len(c.Outside) > 0 || c.CardRight > c.Viewport+0.5 || c.CardLeft < 0 || c.BoxOverflow > 0 || c.PageOverflow > 0 {
		t.Errorf("at %s px the work-order card overflows: %+v\n%s", width, c, p.Dump("aside.order"))
	}
}

// ibTestNotification turns notifications on, then a customer writes in a
// thread nobody has and in one assigned to the advisor: only the second
// is notified.
func ibTestNotification(t *testing.T, p *webtest.Tab, h *apptest.Hub, base, login string) {
	ctx := context.Background()
	u, err := h.Store.UserByLogin(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	mine, other := ibThread(t, h, ibWideOrder), ibThread(t, h, "АА-000102")
	if err := h.Store.AssignThread(ctx, mine.ID, &u.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.AssignThread(ctx, other.ID, nil); err != nil {
		t.Fatal(err)
	}
	p.Open(base + "/inbox")
	p.WaitFor("the bell", `document.readyState === "complete" && document.body.dataset.events && !document.querySelector(".notify-toggle").hidden`, "main")
	p.Do("turn notifications on", chromedp.Click(chromedp.CSS(`.notify-toggle`)))
	p.WaitFor("notifications on", `document.querySelector(".notify-toggle").getAttribute("aria-pressed") === "true" && localStorage.getItem("naryad.notify") === "on"`, "main")
	if _, err := h.Store.AddCustomerMessage(ctx, other, "Не моё: когда готово?", hub.ChannelSMS, nil); err != nil {
		t.Fatal(err)
	}
	p.WaitFor("the list reloads with the other thread's message", `document.readyState === "complete" && document.body.textContent.includes("Не моё: когда готово?")`, "main")
	if _, err := h.Store.AddCustomerMessage(ctx, mine, "Моё: можно забрать вечером?", hub.ChannelSMS, nil); err != nil {
		t.Fatal(err)
	}
	p.WaitFor("a notification for my customer's message",
		`JSON.parse(sessionStorage.getItem("test.notes") || "[]").some(n => n.body.includes("Моё: можно забрать вечером?"))`, "main")
	notes := webtest.Must[string](p, `sessionStorage.getItem("test.notes")`)
	if strings.Contains(notes, "Не моё") {
		t.Errorf("notified of a thread not in my queue: %s", notes)
	}
	if !strings.Contains(notes, "Новое сообщение от клиента") {
		t.Errorf("notification title is not in Russian: %s", notes)
	}
}

// ibPushWideOrder sends ibWideOrder through the DMS API with the demo's token.
func ibPushWideOrder(t *testing.T, h *apptest.Hub, token string) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"events": []any{map[string]any{
		"id": "wide-1", "type": "work_order", "occurred_at": time.Now().Format("2006-01-02T15:04:05"),
		"work_order": map[string]any{"number": ibWideOrder, "version": 1, "branch": demo.BranchCode, "status": "В работе", "currency": "RUB",
			"customer": map[string]any{"external_id": "C-wide", "name": "Константин Константинопольский-Щедрин", "phones": []any{"+79165550077", "+79035550078"}, "locale": "ru"},
			"vehicle":  map[string]any{"external_id": "V-wide", "plate": "К777КК777", "make": "Škoda", "model": "Octavia", "vin": "TMBJJ7NE1L0123456"},
			"lines": []any{
				map[string]any{"id": "1", "kind": "labor", "name": "Комплексная диагностика ходовой части, подвески и рулевого управления на стенде развала-схождения", "qty": 2.5, "unit_price": "1234567.89"},
				map[string]any{"id": "2", "kind": "part", "name": "Тормозные колодки передние оригинальные VAG 5Q0698151AA", "qty": 12, "unit_price": "98765.43", "needs_approval": true},
				map[string]any{"id": "3", "kind": "part", "name": "Масло", "qty": 4.25, "unit_price": "999999.99"},
			}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if status, reply := h.PostEvents(t, token, body); status != http.StatusOK || apptest.Results(t, reply)[0]["result"] != "applied" {
		t.Fatalf("push %s: %d %v", ibWideOrder, status, reply)
	}
}

// ibThread is the thread of a demo work order.
func ibThread(t *testing.T, h *apptest.Hub, number string) hub.Thread {
	t.Helper()
	ctx := context.Background()
	var threadID int64
	if err := h.Store.Gorm(ctx).Raw(`SELECT t.id FROM threads t JOIN work_orders w ON w.id = t.work_order_id WHERE w.number = ?`, number).Scan(&threadID).Error; err != nil || threadID == 0 {
		t.Fatalf("thread of %s: %v", number, err)
	}
	th, err := h.Store.Thread(ctx, threadID)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func ibThreadPath(t *testing.T, h *apptest.Hub, number string) string {
	return "/inbox/threads/" + strconv.FormatInt(ibThread(t, h, number).ID, 10)
}
