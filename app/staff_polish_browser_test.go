package app_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
	"naryad/templates"
)

// Issue 18's "a Polish user sees Polish everywhere": a user whose profile
// says pl, on a browser asking for English, in a branch that speaks
// Russian, where the customer and the DMS write in Russian.

const (
	plNumber      = "ЗН-1801"
	plPass        = "polish-pass-1801"
	plRawStatus   = "Осмотр на подъёмнике" // a 1C status no customer status maps to
	plLockerSite  = "Ключница у входа"
	plDeclined    = "Тормозные колодки" // PushWorkOrder's line 2, which needs approval
	plDeclinedSum = 680000
)

// plData is what the people and the DMS wrote, in Russian: data, not the
// interface, so it may stay Russian on a Polish page.
var plData = []string{
	"Иван Петров", "Сервис на Ленинском", "Замена масла", plDeclined, "А123ВС77", plNumber,
	"Ждём ответа клиента", plRawStatus, plLockerSite,
}

// Interface words of the texts maps (staffpage, inbox, team, SLA, report,
// admin) in English and Russian: none may show on a Polish page. English
// ones are matched as whole words, case-sensitively.
var (
	plEnglishWords = []string{
		"Inbox", "Sign out", "Profile", "Team", "Reports", "SLA breaches", "Key lockers", "All branches", "Branch", "Sections",
		"Active", "Mine", "Following", "Unassigned", "Waiting for us", "Waiting for customer", "Resolved", "Search", "Clear",
		"Assignee", "Assign", "Resolve", "Send", "Reply to the customer", "Add note", "Work order", "Vehicle", "Total", "Approval",
		"declined", "Customer", "Phones", "Vehicles", "Work orders", "Notifications", "Keyboard shortcuts", "Next thread",
		"On shift", "Off shift", "Thread limit", "Open threads", "Latest assignments", "Reason", "automatic", "round robin",
		"No breaches", "What is late", "Late by",
		"Per branch", "Per advisor", "Median first response", "Download CSV", "Lead conversion", "Online payments", "Promoters",
		"Users", "Branches", "Templates", "Status mapping", "DMS tokens", "Reminders", "Assignment",
		"Customer declined", "DMS status", "is not mapped", "Locker", "door opened", "Online payment", "failed",
	}
	plRussianWords = []string{
		"Входящие", "Выйти", "Профиль", "Команда", "Отчёты", "Ключницы", "Филиал", "Разделы",
		"Активные", "Мои", "Без ответственного", "Найти", "Ответственный", "Назначить", "Решено", "Отправить", "Заказ-наряд",
		"Автомобиль", "Итого", "Согласование", "отклонено", "Уведомления", "На смене", "Последние назначения", "по очереди",
		"Нарушений нет", "По филиалам", "Скачать CSV", "Пользователи", "Шаблоны", "Администрирование",
		"Клиент отказался", "не сопоставлен", "Постамат", "ячейка", "Онлайн-платёж", "₽",
	}
	plCyrillic = regexp.MustCompile(`[\p{Cyrillic}]+`)
)

// plPageText is every word a page shows or names — its text (hidden parts
// such as dialogs included, scripts not) and the attributes read aloud or
// shown on hover — without what is in the customer's language by design:
// the customer's and the messages to them, and the template preview
// ("what the customer sees").
const plPageText = `(() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("script, style, li.msg.in .body, li.msg.out .body, li.msg.out .quote, #template-preview").forEach(e => e.remove());
  const parts = [document.title, body.textContent];
  const names = ["placeholder", "aria-label", "title", "alt", "data-title", "data-on", "data-off", "data-denied"];
  document.querySelectorAll("*").forEach(e => names.forEach(a => { const v = e.getAttribute(a); if (v) { parts.push(v); } }));
  return parts.join("\n");
})()`

// TestBrowserPolishUserEverywhere signs in a Polish user (profile pl) on an
// English browser, in a Russian branch, after the customer declined a line
// on their page and the DMS and the other systems wrote their lines, and
// reads the inbox, a thread, the team, the SLA breaches, the reports and
// the admin at 1366×768 and 360×740: all Polish — system lines and money
// included — no English or Russian interface word, nothing wider than a
// phone.
func TestBrowserPolishUserEverywhere(t *testing.T) {
	browser := webtest.StartBrowser(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			plFlow(t, browser, apptest.Start(t, b))
		})
	}
}

func plFlow(t *testing.T, browser context.Context, h *apptest.Hub) {
	ctx := context.Background()
	u, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "piotr", Name: "Piotr Nowak", Role: store.RoleAdmin, Locale: "pl",
		Password: plPass, BranchIDs: []int64{h.Branch.ID}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Store.SetOnShift(ctx, h.Branch.ID, u.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	h.PushWorkOrder(t, "pl-v1", plNumber, 1, "Ждём ответа клиента", nil)
	base := h.Run(t)
	th := h.Thread(t, plNumber)
	if th.AssigneeID == nil || *th.AssigneeID != u.ID {
		t.Fatalf("the thread went to %v, want the only advisor on shift %d", th.AssigneeID, u.ID)
	}

	// The customer, on their phone in Russian, declines the pads.
	c := inspPhone(t, browser)
	c.Open(base + h.CustomerPath(t, plNumber))
	lines, err := h.Store.Lines(ctx, *th.WorkOrderID)
	if err != nil || len(lines) != 2 {
		t.Fatalf("lines: %v %v", lines, err)
	}
	line := "#line-" + strconv.FormatInt(lines[1].ID, 10)
	c.WaitFor("the line to decide", `document.querySelector(`+webtest.JS(line+` input[value=declined]`)+`)`, "#order")
	c.Do("decline the pads", chromedp.Click(chromedp.CSS(line+` input[value=declined]`)), chromedp.Click(chromedp.ID("to-review")))
	c.WaitFor("the review", `document.querySelector("#confirm")`, "body")
	c.Do("confirm", chromedp.Click(chromedp.ID("confirm")))
	c.WaitFor("confirmed", `location.search === "?ok=thanks"`, "body")

	// 1C moves the order to a status of its own; a locker and the payment
	// provider write their lines (as lockerhub's recorder and the payments
	// service do: the same constructor, the same store call).
	h.PushWorkOrder(t, "pl-v2", plNumber, 2, plRawStatus, nil)
	for _, m := range []hub.Message{
		hub.SystemLine(th.ID, "locker", templates.SysLockerEvent, map[string]string{"site": plLockerSite, "box": "3", "what_key": templates.SysLockerOpenedDropOff}),
		hub.SystemLine(th.ID, "naryad", templates.SysPaymentFailed, map[string]string{"amount_minor": strconv.Itoa(plDeclinedSum), "currency": "RUB", "reason": ""}),
	} {
		if err := h.Store.AddMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	plMoney, err := templates.Money("pl", plDeclinedSum, "RUB")
	if err != nil {
		t.Fatal(err)
	}
	plMoney = webtest.Spaces(plMoney)
	wantLines := []string{
		"Klient odrzucił «" + plDeclined + "» (" + plMoney + ")",
		"Status DMS «" + plRawStatus + "» nie ma odpowiednika dla klienta",
		"Skrytka «" + plLockerSite + "», schowek 3: drzwiczki otwarte do zostawienia kluczy.",
		"Płatność online na " + plMoney + " nie powiodła się.",
	}

	p := webtest.NewTab(t, browser, webtest.AcceptLanguage("en-US,en;q=0.9"))
	inspSignIn(p, base, "piotr", plPass)
	threadPath := "/inbox/threads/" + strconv.FormatInt(th.ID, 10)
	pages := []struct{ path, ready string }{
		{"/inbox", `document.querySelector("ol.threads li.thread")`},
		{threadPath, `document.querySelectorAll("ol.messages li.msg.system").length >= 4`},
		{"/inbox/team", `document.querySelector("table.assignments td.reason")`},
		{"/inbox/sla", `document.querySelector("main h1")`},
		{"/reports", `document.querySelector("main h1")`},
		{"/admin", `document.querySelector("main h1")`},
	}
	for _, vp := range []struct {
		name   string
		width  int64
		height int64
		phone  bool
	}{{"1366x768", 1366, 768, false}, {"360x740", 360, 740, true}} {
		t.Run(vp.name, func(t *testing.T) {
			p.T = t
			if vp.phone {
				p.Do("phone viewport", chromedp.EmulateViewport(vp.width, vp.height, chromedp.EmulateMobile, chromedp.EmulatePortrait))
			} else {
				p.Do("desktop viewport", chromedp.EmulateViewport(vp.width, vp.height))
			}
			for _, pg := range pages {
				p.Open(base + pg.path)
				p.WaitFor(pg.path, `location.pathname === `+webtest.JS(pg.path)+` && `+pg.ready, "body")
				plCheckPolish(t, p, pg.path)
				if vp.phone {
					plCheckFits(t, p, pg.path)
				}
			}
			p.Open(base + threadPath)
			p.WaitFor("the thread", `document.querySelectorAll("ol.messages li.msg.system").length >= 4`, "body")
			lines := webtest.Must[[]string](p, `[...document.querySelectorAll("ol.messages li.msg.system .body")].map(b => b.textContent.replace(/\s+/g, " ").trim())`)
			for _, want := range wantLines {
				if !slicesContainsPrefix(lines, want) {
					t.Errorf("no system line %q in Polish; the lines are %q", want, lines)
				}
			}
			if got := webtest.Spaces(p.Text(".assign-line")); !strings.HasPrefix(got, "Przypisano ") || !strings.Contains(got, "po kolei") {
				t.Errorf("the assignment line %q, want it in Polish (round robin)", got)
			}
			p.Open(base + "/inbox")
			p.WaitFor("the list", `document.querySelector("ol.threads li.thread")`, "body")
			if row := webtest.Spaces(p.Text("ol.threads li.thread")); !strings.Contains(row, wantLines[3]) {
				t.Errorf("the list's row shows %q, want the last line in Polish %q", row, wantLines[3])
			}
			p.Open(base + "/inbox/team")
			p.WaitFor("the team", `document.querySelector("table.assignments td.reason")`, "body")
			if why := webtest.Spaces(p.Text("table.assignments td.reason")); why != "po kolei" {
				t.Errorf("the latest assignment's reason %q, want «po kolei»", why)
			}
			if !vp.phone {
				return
			}
			// Russian words are longer («Администрирование»): the same pages
			// in the branch's language fit the phone too.
			if err := h.Store.SetUserLocale(ctx, u.ID, "ru"); err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := h.Store.SetUserLocale(ctx, u.ID, "pl"); err != nil {
					t.Fatal(err)
				}
			}()
			for _, pg := range pages {
				p.Open(base + pg.path)
				p.WaitFor(pg.path+" in Russian", `document.documentElement.lang === "ru" && `+pg.ready, "body")
				plCheckFits(t, p, pg.path+" in Russian")
			}
		})
	}
}

// plCheckPolish fails when the page is not marked Polish or shows an
// English or Russian interface word, or Cyrillic beyond plData.
func plCheckPolish(t *testing.T, p *webtest.Tab, page string) {
	t.Helper()
	if lang := webtest.Must[string](p, `document.documentElement.lang`); lang != "pl" {
		t.Errorf("%s: <html lang=%q>, want pl", page, lang)
	}
	text := webtest.Must[string](p, plPageText)
	for _, w := range plEnglishWords {
		if regexp.MustCompile(`(^|[^\pL])` + regexp.QuoteMeta(w) + `($|[^\pL])`).MatchString(text) {
			t.Errorf("%s: English %q on the Polish page", page, w)
		}
	}
	for _, w := range plRussianWords {
		if strings.Contains(text, w) {
			t.Errorf("%s: Russian %q on the Polish page", page, w)
		}
	}
	rest := text
	for _, d := range plData {
		rest = strings.ReplaceAll(rest, d, "")
	}
	if left := plCyrillic.FindAllString(rest, -1); len(left) > 0 {
		t.Errorf("%s: Russian words that are not the customer's or the DMS's data: %q", page, left)
	}
}

// plCheckFits fails when a phone's page is wider than the phone: Chromium's
// mobile emulation widens the layout viewport for a too-wide page, so both
// the document and the window are measured.
func plCheckFits(t *testing.T, p *webtest.Tab, page string) {
	t.Helper()
	if w := webtest.Must[[]float64](p, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > 360 || w[1] > 360 {
		t.Errorf("%s: %v px wide (document, window) on a 360 px phone", page, w)
	}
}

func slicesContainsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
