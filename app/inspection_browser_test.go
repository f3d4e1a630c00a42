package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
	"naryad/templates"
)

// The screenshots of docs/ this flow takes (on SQLite).
var (
	inspMechanicShot   = filepath.Join("..", "docs", "screenshots", "inspection-mechanic.png")
	inspCustomerShot   = filepath.Join("..", "docs", "screenshots", "customer-report.png")
	inspCustomerFullPg = filepath.Join("..", "docs", "screenshots", "customer-report-full.png")
)

const (
	inspNumber   = "ЗН-1701"
	inspMechPass = "mechanic-pass-1701"
	inspAdvPass  = "advisor-pass-1701"
)

// TestBrowserInspectionEndToEnd is issue 17's whole path in headless
// Chromium against a running hub, on every test backend: a mechanic on a
// 360×740 phone finds the work order and fills an inspection (states,
// measurements, notes, real photos through the camera input); the advisor
// sends it from the thread page; 1C reads the inspection change and
// downloads its photos, then prices two items in a new version with
// inspection_item; the customer, on a 360×740 phone, sees the photos beside
// those lines, approves one and declines one, and the total agrees at every
// step — live, on the review, after confirming, on the advisor's card, and
// after a status-only version from 1C; both PDFs download as PDFs, and 1C
// gets the decisions and the report.
func TestBrowserInspectionEndToEnd(t *testing.T) {
	browser := webtest.StartBrowser(t)
	photos := inspPhotos(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			inspFlow(t, browser, apptest.Start(t, b), photos, b.Name == "sqlite")
		})
	}
}

func inspFlow(t *testing.T, browser context.Context, h *apptest.Hub, photos []string, screenshots bool) {
	ctx := context.Background()
	for _, u := range []staff.NewUser{
		{Login: "mech", Name: "Сергей Механик", Role: store.RoleMechanic, Password: inspMechPass},
		{Login: "olga", Name: "Ольга Смирнова", Role: store.RoleAdvisor, Password: inspAdvPass},
	} {
		u.BranchIDs = []int64{h.Branch.ID}
		if _, err := staff.AddUser(ctx, h.Store, u, nil); err != nil {
			t.Fatal(err)
		}
	}
	h.PushWorkOrder(t, "e2e-v1", inspNumber, 1, "Принят", map[string]any{"lines": []any{
		inspLine("1", "labor", "Диагностика", "1500", false, ""),
	}})
	base := h.Run(t)
	th := h.Thread(t, inspNumber)

	// --- The mechanic, in the bay -------------------------------------
	m := inspPhone(t, browser)
	inspSignIn(m, base, "mech", inspMechPass)
	m.Open(base + "/mechanic")
	m.Do("find the work order by its number",
		chromedp.SendKeys(chromedp.CSS(`form.search input[name=q]`), inspNumber),
		chromedp.Submit(chromedp.CSS(`form.search input[name=q]`)),
	)
	m.WaitFor("the inspection", `/^\/mechanic\/orders\/\d+\/inspection$/.test(location.pathname) && document.body.classList.contains("js")`, "body")
	insp, err := h.Store.InspectionOf(ctx, *th.WorkOrderID)
	if err != nil {
		t.Fatal(err)
	}
	items := inspItemsByCode(t, h, insp.ID)
	if w := webtest.Must[float64](m, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the mechanic's page is %v px wide on a 360 px phone", w)
	}
	type fill struct {
		code, state, typed, value, note string
		photos                          []string
	}
	fills := []fill{
		{"pads_front", hub.ItemRed, "2,5", "2.5", "Колодки стёрты почти до металла", photos[:2]},
		{"wipers", hub.ItemYellow, "", "", "Оставляют полосы на стекле", photos[2:]},
		{"tyre_fl", hub.ItemGreen, "6", "6", "", nil},
	}
	for _, f := range fills {
		sel := "#item-" + strconv.FormatInt(items[f.code].ID, 10)
		if hgt := webtest.Must[float64](m, `document.querySelector("`+sel+` button.st-`+f.state+`").getBoundingClientRect().height`); hgt < 44 {
			t.Errorf("%s: the state button is %v px high", f.code, hgt)
		}
		steps := []chromedp.Action[chromedp.Void]{chromedp.ScrollIntoView(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel + ` button.st-` + f.state))}
		if f.typed != "" {
			steps = append(steps, chromedp.SendKeys(chromedp.CSS(sel+` input[name=value]`), f.typed))
		}
		if f.note != "" {
			steps = append(steps, chromedp.SendKeys(chromedp.CSS(sel+` textarea[name=note]`), f.note))
		}
		m.Do("fill "+f.code, steps...)
		if len(f.photos) > 0 {
			m.Do("take the photos of "+f.code, chromedp.SetUploadFiles(chromedp.CSS(sel+` input[type=file][capture]`), f.photos))
			m.WaitFor("thumbnails of "+f.code, `document.querySelectorAll("`+sel+` ul.media img").length === `+strconv.Itoa(len(f.photos))+
				` && [...document.querySelectorAll("`+sel+` ul.media img")].every(i => i.complete && i.naturalWidth > 0) && !document.querySelector("`+sel+` ol.queue li")`, sel)
		}
		inspWaitItem(t, h, insp.ID, items[f.code].ID, f.state, f.value, f.note)
	}
	m.WaitFor("saved", `document.getElementById("save-state").textContent === "Сохранено"`, "main")
	if media, err := h.Store.InspectionMediaOf(ctx, insp.ID); err != nil || len(media) != 3 {
		t.Fatalf("stored media: %d %v", len(media), err)
	}
	if screenshots {
		pads := "#item-" + strconv.FormatInt(items["pads_front"].ID, 10)
		m.Do("show the pads under the sticky save state", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.querySelector("`+pads+`").getBoundingClientRect().top + scrollY - document.getElementById("save-state").getBoundingClientRect().height - 8)`))
		m.SaveScreenshot(inspMechanicShot, 360, 740)
	}

	// --- The advisor sends it from the thread page --------------------
	a := webtest.NewTab(t, browser, webtest.AcceptLanguage("ru-RU,ru;q=0.9"))
	a.Do("desktop viewport", chromedp.EmulateViewport(1280, 900))
	inspSignIn(a, base, "olga", inspAdvPass)
	threadURL := base + "/inbox/threads/" + strconv.FormatInt(th.ID, 10)
	a.Open(threadURL)
	a.WaitFor("the inspection card", `document.querySelectorAll("#inspection li.insp-item:not(.none)").length === 3 && document.querySelector("#inspection .insp-send button")`, "#inspection")
	if n := webtest.Must[float64](a, `document.querySelectorAll("#insp-item-`+strconv.FormatInt(items["pads_front"].ID, 10)+` .insp-media img").length`); n != 2 {
		t.Errorf("the card shows %v photos of the pads, want 2", n)
	}
	if v := webtest.Spaces(a.Text(`#insp-item-` + strconv.FormatInt(items["pads_front"].ID, 10) + ` .insp-value`)); !strings.HasSuffix(v, "мм") {
		t.Errorf("the card measures the pads as %q, want millimetres in Russian", v)
	}
	a.Do("send to 1C", chromedp.Click(chromedp.CSS(`#inspection .insp-send button`)))
	a.WaitFor("sent", `new URLSearchParams(location.search).get("insp") === "sent" && document.querySelector("#inspection .insp-sent:not(.no)") && !document.querySelector("#inspection .insp-send")`, "#inspection")
	inspFetchPDF(t, a, `#inspection .insp-pdf a`)

	// --- 1C reads the change and its photos, and prices two items -----
	change := inspChange(t, h, hub.ChangeInspection)
	got := map[string]map[string]any{}
	for _, it := range change["items"].([]any) {
		it := it.(map[string]any)
		got[it["code"].(string)] = it
	}
	if len(got) != 3 {
		t.Fatalf("the inspection change has %d items, want the 3 looked at: %v", len(got), change)
	}
	for _, f := range fills {
		it := got[f.code]
		if it["state"] != f.state || (f.value != "" && (it["value"] != f.value || it["unit"] != items[f.code].Unit)) || (it["note"] != nil && it["note"] != f.note) || (f.note != "" && it["note"] != f.note) {
			t.Errorf("%s in the change: %v", f.code, it)
		}
		files, _ := it["files"].([]any)
		if len(files) != len(f.photos) {
			t.Errorf("%s: %d files in the change, want %d", f.code, len(files), len(f.photos))
		}
		for _, fl := range files {
			fl := fl.(map[string]any)
			body := inspDMSFile(t, h, fl["url"].(string), "image/jpeg")
			if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != fl["sha256"] {
				t.Errorf("%s: the file at %s is not its sha256", f.code, fl["url"])
			}
			if _, err := jpeg.DecodeConfig(bytes.NewReader(body)); err != nil {
				t.Errorf("%s: %s is not a JPEG: %v", f.code, fl["url"], err)
			}
		}
	}
	priced := []any{
		inspLine("1", "labor", "Диагностика", "1500", false, ""),
		inspLine("2", "part", "Колодки тормозные передние", "6800", true, "pads_front"),
		inspLine("3", "labor", "Замена щёток стеклоочистителя", "1200", true, "wipers"),
	}
	h.PushWorkOrder(t, "e2e-v2", inspNumber, 2, "Ждём ответа клиента", map[string]any{"lines": priced})
	lines := inspLineIDs(t, h)
	padsLine, wipersLine := "#line-"+lines["2"], "#line-"+lines["3"]
	money := func(minor int64) string { return webtest.Spaces(inspMoney(t, minor)) }

	// --- The customer decides on their phone --------------------------
	c := inspPhone(t, browser)
	c.Open(base + h.CustomerPath(t, inspNumber))
	c.WaitFor("the report and two lines", `document.querySelectorAll("#report li.item").length === 3 && document.querySelectorAll("form.estimate fieldset.line").length === 2`, "#order")
	if w := webtest.Must[float64](c, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the customer's page is %v px wide on a 360 px phone", w)
	}
	for _, l := range []struct {
		sel, badge string
		photos     int
	}{{padsLine, "badge-red", 2}, {wipersLine, "badge-yellow", 1}} {
		c.Do("scroll to "+l.sel, chromedp.ScrollIntoView(chromedp.CSS(l.sel)))
		c.WaitFor("the photos beside "+l.sel, `document.querySelectorAll("`+l.sel+` a.thumb img").length === `+strconv.Itoa(l.photos)+
			` && [...document.querySelectorAll("`+l.sel+` a.thumb img")].every(i => i.complete && i.naturalWidth > 0) && document.querySelector("`+l.sel+` .`+l.badge+`")`, l.sel)
	}
	if v := webtest.Spaces(c.Text(padsLine + " .urgency .value")); v != "2,5 мм" {
		t.Errorf("the pads line's measurement: %q, want «2,5 мм»", v)
	}
	if why := webtest.Spaces(c.Text(padsLine + " .why")); !strings.Contains(why, "Колодки стёрты почти до металла") {
		t.Errorf("the pads line's why: %q", why)
	}
	if first := webtest.Spaces(c.Text("#messages li.msg .body")); !strings.HasPrefix(first, "Автомобиль Škoda Octavia") {
		t.Errorf("the chat's first message repeats its author or is empty: %q", first)
	}
	if got := webtest.Spaces(c.Text("#order p.total strong")); got != money(950000) {
		t.Errorf("the page's total before choosing: %q, want %q", got, money(950000))
	}
	if screenshots {
		c.Do("to the top, as the link opens", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
		c.SaveScreenshot(inspCustomerShot, 360, 740)
		inspFullScreenshot(t, c, inspCustomerFullPg)
	}
	c.Do("approve the pads", chromedp.Click(chromedp.CSS(padsLine+` input[value=approved]`)))
	c.WaitFor("live total after approving", `!document.getElementById("live-total").hidden && document.querySelector("#live-total strong").textContent.trim() !== ""`, "#order")
	if live := webtest.Spaces(c.Text("#live-total strong")); live != money(950000) {
		t.Errorf("live total after approving the pads: %q, want %q", live, money(950000))
	}
	c.Do("decline the wipers", chromedp.Click(chromedp.CSS(wipersLine+` input[value=declined]`)))
	c.WaitFor("live total after declining", `document.querySelector("#live-total strong").textContent.replace(/\s+/g, " ").trim() === `+webtest.JS(money(830000)), "#order")
	c.Do("review", chromedp.Click(chromedp.ID("to-review")))
	c.WaitFor("the review", `document.querySelector("#new-total") && document.readyState === "complete"`, "body")
	if got := webtest.Spaces(c.Text("#new-total")); got != money(830000) {
		t.Errorf("the review's total %q, want %q", got, money(830000))
	}
	c.Do("confirm", chromedp.Click(chromedp.ID("confirm")))
	c.WaitFor("confirmed", `location.search === "?ok=thanks" && document.readyState === "complete"`, "body")
	inspCheckTotals(t, c, a, threadURL, money(830000), "after confirming")

	// 1C gets both decisions and the report with its PDF.
	inspDecisions(t, h, map[string]string{"2": hub.DecisionApproved, "3": hub.DecisionDeclined})
	report := inspChange(t, h, hub.ChangeInspectionReport)
	inspCheckPDF(t, "the inspection_report file", inspDMSFile(t, h, report["file"].(map[string]any)["url"].(string), "application/pdf"))
	inspFetchPDF(t, c, `#report .report-pdf a`)

	// A status-only version from 1C before it read the answers: the
	// customer and the advisor still see the customer's total.
	h.PushWorkOrder(t, "e2e-v3", inspNumber, 3, "В работе", map[string]any{"lines": priced})
	c.Open(base + h.CustomerPath(t, inspNumber))
	c.WaitFor("the page again", `document.querySelector("#order p.total strong") && document.readyState === "complete"`, "body")
	inspCheckTotals(t, c, a, threadURL, money(830000), "after a status-only version")
}

// inspCheckTotals checks the customer's page and the advisor's card show
// want, and the page says the service will confirm the sum.
func inspCheckTotals(t *testing.T, c, a *webtest.Tab, threadURL, want, when string) {
	t.Helper()
	if got := webtest.Spaces(c.Text("#order p.total strong")); got != want {
		t.Errorf("%s: the customer's page says %q, want %q", when, got, want)
	}
	if c.Text("#provisional") == "" {
		t.Errorf("%s: the page does not say the service will confirm the sum:\n%s", when, c.Dump("#order"))
	}
	a.Open(threadURL)
	a.WaitFor("the thread", `document.querySelector("td.num.total")`, "body")
	if got := webtest.Spaces(a.Text("td.num.total")); got != want {
		t.Errorf("%s: the advisor's card says %q, the customer %q", when, got, want)
	}
}

func inspLine(id, kind, name, price string, approval bool, item string) map[string]any {
	l := map[string]any{"id": id, "kind": kind, "name": name, "qty": 1, "unit_price": price, "needs_approval": approval}
	if item != "" {
		l["inspection_item"] = item
	}
	return l
}

func inspMoney(t *testing.T, minor int64) string {
	t.Helper()
	s, err := templates.Money("ru", minor, "RUB")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// inspPhotos writes three camera-sized JPEGs (a gradient each, so they
// differ) for the file inputs.
func inspPhotos(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for i, c := range []color.RGBA{{R: 190, G: 40, B: 30}, {R: 60, G: 60, B: 180}, {R: 200, G: 170, B: 20}} {
		img := image.NewRGBA(image.Rect(0, 0, 1280, 960))
		for y := 0; y < 960; y++ {
			for x := 0; x < 1280; x++ {
				img.Set(x, y, color.RGBA{R: c.R, G: uint8(int(c.G) + x/16), B: uint8(int(c.B) + y/16), A: 255})
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, []string{"pads-left.jpg", "pads-right.jpg", "wipers.jpg"}[i])
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	return out
}

// inspPhone is a 360×740 phone tab asking for Russian.
func inspPhone(t *testing.T, browser context.Context) *webtest.Tab {
	t.Helper()
	p := webtest.NewTab(t, browser, webtest.AcceptLanguage("ru-RU,ru;q=0.9"))
	p.Do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	return p
}

func inspSignIn(p *webtest.Tab, base, login, pass string) {
	p.T.Helper()
	p.Open(base + "/login")
	p.WaitFor("login form", `document.querySelector("form[action='/login'] input[name=csrf]")?.value`, "body")
	p.Do(login+" signs in",
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), pass),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	p.WaitFor("signed in", `location.pathname !== "/login" && document.readyState === "complete"`, "body")
}

func inspItemsByCode(t *testing.T, h *apptest.Hub, inspectionID int64) map[string]hub.InspectionItem {
	t.Helper()
	items, err := h.Store.InspectionItems(context.Background(), inspectionID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]hub.InspectionItem{}
	for _, it := range items {
		out[it.Code] = it
	}
	return out
}

// inspWaitItem waits until the page's autosave has stored the item.
func inspWaitItem(t *testing.T, h *apptest.Hub, inspectionID, itemID int64, state, value, note string) {
	t.Helper()
	var it hub.InspectionItem
	for deadline := time.Now().Add(webtest.StepTimeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		for _, x := range inspItemsByCode(t, h, inspectionID) {
			if x.ID == itemID {
				it = x
			}
		}
		if it.State == state && it.Value == value && it.Note == note {
			return
		}
	}
	t.Fatalf("item %d stored as %+v, want state %q value %q note %q", itemID, it, state, value, note)
}

func inspLineIDs(t *testing.T, h *apptest.Hub) map[string]string {
	t.Helper()
	lines, err := h.Store.Lines(context.Background(), *h.Thread(t, inspNumber).WorkOrderID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range lines {
		out[l.ExternalID] = strconv.FormatInt(l.ID, 10)
	}
	return out
}

// inspChange is the data of the newest change of that type in the feed.
func inspChange(t *testing.T, h *apptest.Hub, typ string) map[string]any {
	t.Helper()
	var data map[string]any
	for _, c := range inspFeed(t, h) {
		if c["type"] == typ && c["work_order_number"] == inspNumber {
			data = c["data"].(map[string]any)
		}
	}
	if data == nil {
		t.Fatalf("no %s change in the feed", typ)
	}
	return data
}

func inspFeed(t *testing.T, h *apptest.Hub) []map[string]any {
	t.Helper()
	status, body := h.Get(t, "/api/dms/v1/changes?after=0&limit=500")
	if status != http.StatusOK {
		t.Fatalf("changes: %d %v", status, body)
	}
	var out []map[string]any
	for _, c := range body["changes"].([]any) {
		out = append(out, c.(map[string]any))
	}
	return out
}

// inspDecisions checks the feed carries each line's decision.
func inspDecisions(t *testing.T, h *apptest.Hub, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, c := range inspFeed(t, h) {
		if c["type"] == hub.ChangeLineDecision && c["work_order_number"] == inspNumber {
			d := c["data"].(map[string]any)
			id, _ := d["line_id"].(string)
			dec, _ := d["decision"].(string)
			got[id] = dec
		}
	}
	for id, d := range want {
		if got[id] != d {
			t.Errorf("line %s: the feed's decision %q, want %q (feed: %v)", id, got[id], d, got)
		}
	}
}

// inspDMSFile downloads a file of the feed as 1C does, with its token.
func inspDMSFile(t *testing.T, h *apptest.Hub, url, contentType string) []byte {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+h.Token)
	resp := h.Do(t, req)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), contentType) || len(body) == 0 {
		t.Fatalf("GET %s: %d %q, %d bytes", url, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	return body
}

// inspFetchPDF downloads the link's PDF in the tab, with the tab's own
// session, and checks it is one.
func inspFetchPDF(t *testing.T, p *webtest.Tab, link string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, webtest.StepTimeout)
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(async () => {
		const r = await fetch(document.querySelector(`+webtest.JS(link)+`).href);
		const b = new Uint8Array(await r.arrayBuffer());
		return {status: r.status, type: r.headers.get("Content-Type") || "", head: String.fromCharCode(...b.slice(0, 5)),
			tail: String.fromCharCode(...b.slice(-8)), size: b.length};
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("download %s: %v", link, err)
	}
	if got["status"] != float64(http.StatusOK) || got["type"] != "application/pdf" || got["head"] != "%PDF-" ||
		!strings.Contains(got["tail"].(string), "%%EOF") || got["size"].(float64) < 1000 {
		t.Errorf("%s: %v", link, got)
	}
}

func inspCheckPDF(t *testing.T, what string, b []byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[max(0, len(b)-16):], []byte("%%EOF")) {
		t.Errorf("%s is not a PDF (%d bytes)", what, len(b))
	}
}

// inspFullScreenshot writes the whole page, top to bottom, at the phone's
// width, when screenshots are being retaken (webtest.ScreenshotsEnv) or the
// file is missing.
func inspFullScreenshot(t *testing.T, p *webtest.Tab, path string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil && os.Getenv(webtest.ScreenshotsEnv) == "" {
		return
	}
	ctx, cancel := context.WithTimeout(p.Ctx, webtest.StepTimeout)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("full-page screenshot: %v", err)
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", path, len(shot))
}
