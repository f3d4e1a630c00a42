package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

const (
	asgFirst   = "ЗН-1811"
	asgSecond  = "ЗН-1812"
	asgMgrPass = "manager-pass-1811"
)

// asgNotifyStub replaces the browser's Notification on every page the tab
// opens (as hub/web/inbox's browser test does): permission granted, each
// notification kept in sessionStorage, which outlives the reloads live
// events cause.
const asgNotifyStub = `(() => {
  const note = function (title, opts) {
    const all = JSON.parse(sessionStorage.getItem("test.notes") || "[]");
    all.push({title: title, body: (opts || {}).body || ""});
    sessionStorage.setItem("test.notes", JSON.stringify(all));
  };
  note.permission = "granted";
  note.requestPermission = () => Promise.resolve("granted");
  window.Notification = note;
})();`

// asgNotes is what the page has notified so far.
const asgNotes = `JSON.parse(sessionStorage.getItem("test.notes") || "[]")`

// TestBrowserAssignmentAndObserverNotification is issue 18's work that
// assigns itself, whole: two advisors on shift at a round-robin branch and
// a manager who observes it; two work orders arrive through the DMS
// exchange and their threads go to one advisor each, as the thread page's
// assignment line and the team page's latest assignments say; the
// manager, with the inbox open and notifications on, is notified when the
// customer of a thread they follow writes on the customer page — and not
// for a thread they stopped following.
func TestBrowserAssignmentAndObserverNotification(t *testing.T) {
	browser := webtest.StartBrowser(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			asgFlow(t, browser, apptest.Start(t, b))
		})
	}
}

func asgFlow(t *testing.T, browser context.Context, h *apptest.Hub) {
	ctx := context.Background()
	users := map[string]store.User{}
	for _, n := range []staff.NewUser{
		{Login: "anna", Name: "Анна Соколова", Role: store.RoleAdvisor},
		{Login: "boris", Name: "Борис Орлов", Role: store.RoleAdvisor},
		{Login: "marina", Name: "Марина Волкова", Role: store.RoleAdmin},
	} {
		n.Password, n.BranchIDs = asgMgrPass, []int64{h.Branch.ID}
		u, err := staff.AddUser(ctx, h.Store, n, nil)
		if err != nil {
			t.Fatal(err)
		}
		users[n.Login] = u
	}
	if err := h.Store.SetAssignMode(ctx, h.Branch.ID, store.AssignRoundRobin); err != nil {
		t.Fatal(err)
	}
	for _, login := range []string{"anna", "boris"} {
		if _, err := h.Store.SetOnShift(ctx, h.Branch.ID, users[login].ID, true, nil); err != nil {
			t.Fatal(err)
		}
	}
	// The manager is not on shift (never given threads) but observes.
	if err := h.Store.SetBranchDuty(ctx, users["marina"].ID, h.Branch.ID, 0, true); err != nil {
		t.Fatal(err)
	}
	base := h.Run(t)

	m := webtest.NewTab(t, browser, webtest.AcceptLanguage("ru-RU,ru;q=0.9"))
	m.Do("desktop viewport", chromedp.EmulateViewport(1366, 768))
	m.Do("stub notifications", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: asgNotifyStub})
		return err
	}))
	inspSignIn(m, base, "marina", asgMgrPass)
	m.Open(base + "/inbox")
	m.WaitFor("the bell", `document.body.dataset.events && !document.querySelector(".notify-toggle").hidden`, "main")
	m.Do("turn notifications on", chromedp.Click(chromedp.CSS(`.notify-toggle`)))
	m.WaitFor("notifications on", `document.querySelector(".notify-toggle").getAttribute("aria-pressed") === "true" && localStorage.getItem("naryad.notify") === "on"`, "main")

	// Two work orders from 1C, through the exchange.
	h.PushWorkOrder(t, "asg-1", asgFirst, 1, "Принят", nil)
	h.PushWorkOrder(t, "asg-2", asgSecond, 1, "Принят", map[string]any{
		"customer": map[string]any{"external_id": "C-" + asgSecond, "name": "Ольга Ким", "phones": []any{"+79167654321"}, "locale": "ru"},
		"vehicle":  map[string]any{"external_id": "V-" + asgSecond, "plate": "В456ОР77", "make": "Kia", "model": "Rio"},
	})
	first, second := h.Thread(t, asgFirst), h.Thread(t, asgSecond)
	m.WaitFor("both threads live in the manager's list", `document.querySelectorAll("ol.threads li.thread").length === 2`, "main")

	// Round robin: one thread each, in the order the advisors come.
	for _, c := range []struct {
		number, advisor string
		id              int64
	}{{asgFirst, "Анна Соколова", first.ID}, {asgSecond, "Борис Орлов", second.ID}} {
		path := "/inbox/threads/" + strconv.FormatInt(c.id, 10)
		m.Open(base + path)
		m.WaitFor(c.number+"'s thread", `location.pathname === `+webtest.JS(path)+` && document.querySelector(".assign-line .last-assignment")`, "main")
		if got := webtest.Spaces(m.Text(".assign-line .last-assignment")); !strings.HasPrefix(got, "Назначен ") || !strings.HasSuffix(got, ": по очереди") {
			t.Errorf("%s: the assignment line %q, want «Назначен …: по очереди»", c.number, got)
		}
		if got := webtest.Spaces(m.Text("form.assign label b")); got != c.advisor {
			t.Errorf("%s: the thread's assignee is %q, want %q", c.number, got, c.advisor)
		}
		if got := webtest.Spaces(m.Text(".assign-line .observers")); !strings.Contains(got, "Марина Волкова") {
			t.Errorf("%s: the observers %q, want the manager among them", c.number, got)
		}
	}
	m.Open(base + "/inbox/team")
	m.WaitFor("the latest assignments", `document.querySelectorAll("table.assignments tbody tr").length === 2`, "main")
	rows := webtest.Must[[]string](m, `[...document.querySelectorAll("table.assignments tbody tr")].map(r => [...r.cells].map(c => c.textContent.replace(/\s+/g, " ").trim()).join(" | "))`)
	for _, want := range []struct{ thread, to string }{{"#" + strconv.FormatInt(first.ID, 10), "Анна Соколова"}, {"#" + strconv.FormatInt(second.ID, 10), "Борис Орлов"}} {
		found := false
		for _, r := range rows {
			found = found || (strings.Contains(r, " | "+want.thread+" ") && strings.HasSuffix(r, " | никто | "+want.to+" | по очереди | автоматически"))
		}
		if !found {
			t.Errorf("no latest assignment of %s to %s by round robin: %q", want.thread, want.to, rows)
		}
	}

	// The manager stops following the second thread, keeps the inbox open;
	// both customers write on their pages: only the followed one notifies.
	if err := h.Store.UnfollowThread(ctx, second.ID, users["marina"].ID); err != nil {
		t.Fatal(err)
	}
	m.Open(base + "/inbox")
	m.WaitFor("the inbox, listening", `document.body.dataset.events && document.querySelector(".notify-toggle").getAttribute("aria-pressed") === "true"`, "main")
	asgCustomerWrites(t, browser, base, h, asgSecond, "Не ваш: когда будет готово?")
	m.WaitFor("the list shows the unfollowed thread's message", `document.body.textContent.includes("Не ваш: когда будет готово?")`, "main")
	asgCustomerWrites(t, browser, base, h, asgFirst, "Можно забрать машину вечером?")
	m.WaitFor("a notification of the followed thread's message",
		asgNotes+`.some(n => n.body.includes("Можно забрать машину вечером?"))`, "main")
	notes := webtest.Must[[]map[string]string](m, asgNotes)
	if len(notes) != 1 || !strings.Contains(notes[0]["title"], "Новое сообщение от клиента") || !strings.Contains(notes[0]["title"], "Иван Петров") {
		t.Errorf("notifications %v, want one, titled in Russian with the customer's name", notes)
	}
}

// asgCustomerWrites sends text from the work order's customer page on a
// phone, as the customer would.
func asgCustomerWrites(t *testing.T, browser context.Context, base string, h *apptest.Hub, number, text string) {
	t.Helper()
	c := inspPhone(t, browser)
	c.Open(base + h.CustomerPath(t, number))
	c.WaitFor("the customer page", `document.querySelector("form.composer textarea#text")`, "body")
	// Submit, not Do: the page's live stream shows the message before the
	// form's redirect comes.
	c.Submit("write", chromedp.SendKeys(chromedp.ID("text"), text), chromedp.Click(chromedp.CSS(`form.composer button[type=submit]`)))
	c.WaitFor("sent", `[...document.querySelectorAll("#messages li.msg.mine")].some(li => li.textContent.includes(`+webtest.JS(text)+`))`, "#messages")
}
