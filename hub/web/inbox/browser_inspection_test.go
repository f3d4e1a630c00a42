package inbox_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"naryad/app/apptest"
	"naryad/app/demo"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/webtest"
)

// TestBrowserMechanicInspection: a mechanic on a 360×740 phone opens the
// job card's QR address, marks an item red with a measurement and a note
// (saved with no button pressed), takes two photos that upload one by one
// with thumbnails, and after closing and reopening the page finds it all.
func TestBrowserMechanicInspection(t *testing.T) {
	browser := webtest.StartBrowser(t)
	h := apptest.Start(t, storetest.SQLite(t))
	ctx := context.Background()
	var guide bytes.Buffer
	if err := demo.Load(ctx, h.Server, h.Config, &guide); err != nil {
		t.Fatalf("demo.Load: %v\n%s", err, guide.String())
	}
	branch, err := h.Store.BranchByCode(ctx, demo.BranchCode)
	if err != nil {
		t.Fatal(err)
	}
	const pass = "mechanic-pass-123"
	if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "mech", Name: "Сергей Механик", Role: store.RoleMechanic,
		Password: pass, BranchIDs: []int64{branch.ID}}, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for i, c := range []color.RGBA{{R: 200, A: 255}, {B: 200, A: 255}} {
		img := image.NewRGBA(image.Rect(0, 0, 640, 480))
		for y := 0; y < 480; y++ {
			for x := 0; x < 640; x++ {
				img.Set(x, y, color.RGBA{R: c.R, G: uint8(x / 3), B: c.B, A: 255})
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, nil); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, []string{"pads-left.jpg", "pads-right.jpg"}[i])
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	base := h.Run(t)

	p := mechPhone(t, browser, base, pass)

	// The QR code on the job card: /mechanic?q=<number>.
	p.Open(base + "/mechanic?q=" + "АА-000101")
	p.WaitFor("the inspection", `/^\/mechanic\/orders\/\d+\/inspection$/.test(location.pathname) && document.body.classList.contains("js")`, "body")
	threadID, err := strconv.ParseInt(webtest.Must[string](p, `location.pathname.split("/")[3]`), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	th, err := h.Store.Thread(ctx, threadID)
	if err != nil || th.WorkOrderID == nil {
		t.Fatalf("thread %d: %+v %v", threadID, th, err)
	}
	insp, err := h.Store.InspectionOf(ctx, *th.WorkOrderID)
	if err != nil {
		t.Fatal(err)
	}
	items, err := h.Store.InspectionItems(ctx, insp.ID)
	if err != nil {
		t.Fatal(err)
	}
	pads := items[5] // pads_front, in mm
	sel := "#item-" + mechIDText(pads.ID)
	if w := webtest.Must[float64](p, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the page is %v px wide on a 360 px phone", w)
	}
	if hgt := webtest.Must[float64](p, `document.querySelector("`+sel+` button.st-red").getBoundingClientRect().height`); hgt < 48 {
		t.Errorf("state button is %v px high, want ≥ 48", hgt)
	}

	p.Do("mark the pads red, measure and note",
		chromedp.Click(chromedp.CSS(sel+` button.st-red`)),
		chromedp.SendKeys(chromedp.CSS(sel+` input[name=value]`), "2,5"),
		chromedp.SendKeys(chromedp.CSS(sel+` textarea[name=note]`), "Колодки на пределе"),
	)
	p.WaitFor("saved", `document.getElementById("save-state").textContent === "Сохранено"`, "main")
	deadline := time.Now().Add(5 * time.Second)
	var got hub.InspectionItem
	for time.Now().Before(deadline) {
		items, _ := h.Store.InspectionItems(ctx, insp.ID)
		if got = items[5]; got.State == hub.ItemRed && got.Value == "2.5" && got.Note == "Колодки на пределе" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got.State != hub.ItemRed || got.Value != "2.5" || got.Note != "Колодки на пределе" {
		t.Fatalf("autosaved item %+v", got)
	}

	p.Do("take two photos", chromedp.SetUploadFiles(chromedp.CSS(sel+` input[type=file]`), files))
	p.WaitFor("two thumbnails", `document.querySelectorAll("`+sel+` ul.media img").length === 2 && [...document.querySelectorAll("`+sel+` ul.media img")].every(i => i.complete && i.naturalWidth === 480) && document.querySelectorAll("`+sel+` ol.queue li").length === 0`, "main")
	media, err := h.Store.InspectionMediaOf(ctx, insp.ID)
	if err != nil || len(media) != 2 || media[0].ThumbSHA256 == "" {
		t.Fatalf("stored media %+v %v", media, err)
	}
	// docs/screenshots/inspection-mechanic.png is taken by the whole flow's
	// test (app/inspection_browser_test.go), one writer per file.

	// Closed and opened again: the draft is the server's.
	p.Open(base + "/inbox")
	p.Open(base + "/mechanic/orders/" + mechIDText(th.ID) + "/inspection")
	p.WaitFor("reopened", `document.querySelector("`+sel+` button.st-red")?.getAttribute("aria-pressed") === "true" && document.querySelector("`+sel+` input[name=value]").value === "2.5" && document.querySelectorAll("`+sel+` ul.media img").length === 2`, "main")

	// Without JavaScript the forms post: a state, then a photo.
	nojs := mechPhone(t, browser, base, pass, webtest.NoJavaScript())
	tyre := "#item-" + mechIDText(items[0].ID)
	nojs.Open(base + "/mechanic/orders/" + mechIDText(th.ID) + "/inspection")
	nojs.WaitFor("the page without script", `document.readyState === "complete" && !document.body.classList.contains("js") && document.querySelector("`+tyre+` button.save")`, "body")
	nojs.Do("mark the tyre green", chromedp.Click(chromedp.CSS(tyre+` button.st-green`)))
	nojs.WaitFor("green after the post", `location.search === "?ok=saved" && document.querySelector("`+tyre+` button.st-green")?.getAttribute("aria-pressed") === "true"`, "main")
	nojs.Do("upload a photo",
		chromedp.SetUploadFiles(chromedp.CSS(tyre+` input[type=file]`), files[:1]),
		chromedp.Click(chromedp.CSS(tyre+` button.send-file`)),
	)
	nojs.WaitFor("the photo after the post", `location.search === "?ok=uploaded" && document.querySelectorAll("`+tyre+` ul.media img").length === 1`, "main")
}

// mechPhone is a 360×740 phone tab in Russian with the mechanic signed in.
func mechPhone(t *testing.T, browser context.Context, base, pass string, options ...webtest.TabOption) *webtest.Tab {
	t.Helper()
	p := webtest.NewTab(t, browser, append(options, webtest.AcceptLanguage("ru-RU,ru;q=0.9"))...)
	p.Do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	p.Open(base + "/login")
	p.WaitFor("login form", `document.querySelector("form[action='/login'] input[name=csrf]")?.value`, "body")
	p.Do("mechanic signs in",
		chromedp.SendKeys(chromedp.ID("login"), "mech"),
		chromedp.SendKeys(chromedp.ID("password"), pass),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	p.WaitFor("signed in", `location.pathname !== "/login" && document.readyState === "complete"`, "body")
	return p
}

func mechIDText(n int64) string { return strconv.FormatInt(n, 10) }
