package customer_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// repJPEG is a small real JPEG, stored as a photo and as its own thumbnail
// (no thumbnails are made in this branch yet).
func repJPEG(t testing.TB, h *apptest.Hub, shade uint8) (sha string, size int64) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for x := range 8 {
		for y := range 6 {
			img.Set(x, y, color.RGBA{shade, 40, 40, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	sha, err := hub.NewMedia(filepath.Join(h.Config.DataDir, "media")).Put(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return sha, int64(b.Len())
}

// repInspection is an inspection of the order: items 0 red (note, value,
// two photos), 1 yellow, 2 green, 3 red but hidden, the rest not looked at.
type repInspection struct {
	insp   hub.Inspection
	items  []hub.InspectionItem
	photos []hub.InspectionMedia // of item 0
	hidden hub.InspectionMedia   // of item 3
}

func repInspect(t testing.TB, h *apptest.Hub, a secOrder) repInspection {
	t.Helper()
	ctx := context.Background()
	var r repInspection
	var err error
	if r.insp, err = h.Store.StartInspection(ctx, a.Thread, "Ivan"); err != nil {
		t.Fatal(err)
	}
	if r.items, err = h.Store.InspectionItems(ctx, r.insp.ID); err != nil {
		t.Fatal(err)
	}
	edit := func(i int, state, value, note string, hidden bool) {
		e := store.ItemEdit{State: &state, Note: &note, Hidden: &hidden}
		if value != "" {
			e.Value = &value
		}
		if r.items[i], err = h.Store.EditInspectionItem(ctx, r.insp.ID, r.items[i].ID, e); err != nil {
			t.Fatal(err)
		}
	}
	edit(0, hub.ItemRed, "1.5", "Колодки стёрты до металла", false)
	edit(1, hub.ItemYellow, "", "Скоро менять", false)
	edit(2, hub.ItemGreen, "", "", false)
	edit(3, hub.ItemRed, "", "Скрытая заметка", true)
	add := func(item int, key string, shade uint8) hub.InspectionMedia {
		sha, size := repJPEG(t, h, shade)
		m := &hub.InspectionMedia{ItemID: r.items[item].ID, UploadKey: key, SHA256: sha, Name: key + ".jpg",
			ContentType: "image/jpeg", SizeBytes: size, ThumbSHA256: sha}
		if _, err := h.Store.AddInspectionMedia(ctx, r.insp.ID, m); err != nil {
			t.Fatal(err)
		}
		return *m
	}
	r.photos = []hub.InspectionMedia{add(0, "pads-1", 200), add(0, "pads-2", 100)}
	r.hidden = add(3, "hidden-1", 50)
	return r
}

// repSend sends the inspection as the advisor's button does.
func repSend(t testing.TB, h *apptest.Hub, id int64) {
	t.Helper()
	if _, err := h.Store.SendInspection(context.Background(), id, "adv"); err != nil {
		t.Fatal(err)
	}
}

func repTieLine(t testing.TB, h *apptest.Hub, lineID int64, code string) {
	t.Helper()
	if err := h.Store.Gorm(context.Background()).Exec(`UPDATE work_order_lines SET inspection_item = ? WHERE id = ?`, code, lineID).Error; err != nil {
		t.Fatal(err)
	}
}

// The report shows once sent: red, yellow, green in that order, hidden and
// unchecked items left out; a line to approve shows its item's photos, the
// mechanic's note as the "why" and the urgency, and red lines come first.
// The first customer visit after the send is recorded, once.
func TestTheSentInspectionIsTheCustomersReport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "ОСМ-1", estOrder("ru", "+79165550700",
			estLine("1", "labor", "Diagnostics", "1000", false),
			estLine("2", "part", "Wipers", "900", true),
			estLine("3", "part", "Brake pads", "6800", true)))
		r := repInspect(t, h, a)
		repTieLine(t, h, a.line(t, h, "3").ID, r.items[0].Code)
		repTieLine(t, h, a.line(t, h, "2").ID, r.items[1].Code)

		v := secOpen(t, send, a.Path)
		body := secBody(t, secGet(t, send, a.Path, v.cookie))
		if strings.Contains(body, `id="report"`) || strings.Contains(body, "Колодки стёрты") {
			t.Fatalf("an unsent inspection is shown:\n%s", body)
		}
		if i, _ := h.Store.InspectionOf(context.Background(), a.WO.ID); i.CustomerOpenedAt != nil {
			t.Fatalf("opened recorded before the send")
		}

		repSend(t, h, r.insp.ID)
		body = secBody(t, secGet(t, send, a.Path, v.cookie))
		text := estText(body)
		for _, want := range []string{"Результаты осмотра", "Нужен ремонт сейчас", "Скоро понадобится внимание", "В порядке",
			"Колодки стёрты до металла", "1,5 мм", "Почему:", "Срочно"} {
			if !strings.Contains(text, want) {
				t.Errorf("report lacks %q", want)
			}
		}
		if strings.Contains(body, "Скрытая заметка") || strings.Contains(body, r.items[4].Name) {
			t.Errorf("a hidden or unchecked item is shown:\n%s", body)
		}
		red, yellow, green := strings.Index(body, "group-red"), strings.Index(body, "group-yellow"), strings.Index(body, "group-green")
		if red < 0 || !(red < yellow && yellow < green) {
			t.Errorf("groups not red, yellow, green: %d %d %d", red, yellow, green)
		}
		if pads, wipers := strings.Index(body, `<legend>Brake pads</legend>`), strings.Index(body, `<legend>Wipers</legend>`); pads < 0 || pads > wipers {
			t.Errorf("the red line is not first: pads at %d, wipers at %d", pads, wipers)
		}
		line := body[strings.Index(body, `<legend>Brake pads</legend>`):]
		line = line[:strings.Index(line, "</fieldset>")]
		thumb := regexp.MustCompile(`<a class="thumb" href="([^"]+)"[^>]*><img src="([^"]+)"[^>]*loading="lazy"`)
		if got := thumb.FindAllStringSubmatch(line, -1); len(got) != 2 || got[0][2] != got[0][1]+"/thumb" {
			t.Errorf("the pads line shows %v, want its two photos as lazy thumbnails", got)
		}
		if !strings.Contains(line, "badge-red") || !strings.Contains(line, "Колодки стёрты до металла") {
			t.Errorf("the pads line lacks its urgency or why:\n%s", line)
		}
		first, _ := h.Store.InspectionOf(context.Background(), a.WO.ID)
		if first.CustomerOpenedAt == nil {
			t.Fatal("the first view after the send is not recorded")
		}
		secBody(t, secGet(t, send, a.Path, v.cookie))
		if again, _ := h.Store.InspectionOf(context.Background(), a.WO.ID); !again.CustomerOpenedAt.Equal(*first.CustomerOpenedAt) {
			t.Errorf("a later view moved the first-opened time")
		}
	})
}

// The media routes serve only this thread's sent, visible photos; a photo
// of a hidden item, another thread's link, an unsent inspection or a
// made-up id are 404, and the bytes served are the stored ones.
func TestReportMediaOnlyOfTheSentReportOfThisThread(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "ОСМ-2", estOrder("ru", "+79165550710", estLine("1", "part", "Brake pads", "6800", true)))
		b := secPushOrder(t, h, "ОСМ-3", estOrder("ru", "+79165550720", estLine("1", "part", "Oil", "900", true)))
		r := repInspect(t, h, a)
		va, vb := secOpen(t, send, a.Path), secOpen(t, send, b.Path)
		photo := a.Path + "/inspection/media/" + itoa(r.photos[0].ID)
		if resp := secGet(t, send, photo, va.cookie); resp.StatusCode != http.StatusNotFound {
			t.Errorf("photo of an unsent inspection: %d, want 404", resp.StatusCode)
		}
		repSend(t, h, r.insp.ID)
		for _, path := range []string{photo, photo + "/thumb"} {
			resp := secGet(t, send, path, va.cookie)
			got := secBody(t, resp)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(got, "\xff\xd8") {
				t.Errorf("GET %s: %d %q, want the JPEG", path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
				t.Errorf("GET %s: Cache-Control %q", path, cc)
			}
		}
		for _, path := range []string{
			a.Path + "/inspection/media/" + itoa(r.hidden.ID),
			b.Path + "/inspection/media/" + itoa(r.photos[0].ID),
			a.Path + "/inspection/media/99999999",
			a.Path + "/inspection/media/abc",
			"/c/" + secRandomToken(t) + "/inspection/media/" + itoa(r.photos[0].ID),
		} {
			cookie := va.cookie
			if strings.HasPrefix(path, b.Path) {
				cookie = vb.cookie
			}
			if resp := secGet(t, send, path, cookie); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
			}
		}
	})
}

// The confusing totals: after declining the pads the review says
// 12 500 ₽; the DMS then sends a status change (the whole work order again,
// its total still 14 300 ₽ because it has not read the decision yet). The
// page must keep saying 12 500 ₽ and that the service will confirm the
// final sum, never "sent"; once the DMS's total takes the decision in, its
// total stands and the note goes.
func TestTheTotalAfterADecisionSurvivesAStatusOnlyVersion(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		phone, number := "+79165550730", "ИТОГ-С"
		lines := []any{estLine("1", "labor", "Diagnostics", "5000", false),
			estLine("2", "part", "Struts", "7500", true), estLine("3", "part", "Brake pads", "1800", true)}
		a := secPushOrder(t, h, number, estOrder("ru", phone, lines...))
		v := secOpen(t, send, a.Path)
		review := estReview(t, send, v, url.Values{
			estKey(a.line(t, h, "2")): {hub.DecisionApproved}, estKey(a.line(t, h, "3")): {hub.DecisionDeclined}})
		reviewed := estFind(t, estNewTotal, review, "new total")
		if strings.Contains(estText(review), "отправлен") {
			t.Errorf("the review says something was sent:\n%s", review)
		}
		secExpectRedirect(t, secPostForm(t, send, a.Path+"/estimate", v.cookie, estForm(review)), a.Path+"?ok=thanks")
		const confirm = "Итоговую сумму подтвердит сервис."
		check := func(step, wantTotal string, wantNote bool) {
			t.Helper()
			page := secBody(t, secGet(t, send, a.Path, v.cookie))
			if got := estFind(t, estOrderTotal, page, "order total"); got != wantTotal {
				t.Errorf("%s: page total %q, want %q", step, got, wantTotal)
			}
			if got := strings.Contains(estText(page), confirm); got != wantNote {
				t.Errorf("%s: note %q shown %v, want %v", step, confirm, got, wantNote)
			}
			if strings.Contains(estText(page), "отправлен") && !strings.Contains(estText(page), "Сообщение отправлено") {
				t.Errorf("%s: the page says the decision was sent:\n%s", step, page)
			}
		}
		check("after the confirm", reviewed, true)

		h.PushWorkOrder(t, "wo-"+number+"-2", number, 2, "В работе", estOrder("ru", phone, lines...))
		check("after a status-only version", reviewed, true)

		h.PushWorkOrder(t, "wo-"+number+"-3", number, 3, "В работе", estOrder("ru", phone,
			estLine("1", "labor", "Diagnostics", "5000", false), estLine("2", "part", "Struts", "7500", true)))
		check("after the DMS took the decision in", estMoney(t, "ru", 1250000), false)
	})
}

// The chat is a chat: the link to the page itself is not shown in the
// service's messages, there are no delivery states, and a camera button
// sits next to the file picker; a photo from either is accepted.
func TestTheChatIsAChat(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "ЧАТ-1", estOrder("ru", "+79165550740", estLine("1", "part", "Oil", "900", true)))
		link := "https://hub.example.test" + a.Path
		secStaffFile(t, h, a.Thread, hub.DirectionOut, "Ваш автомобиль готов. Подробности: "+link+"\nЖдём вас до 20:00.", "", nil)
		v := secOpen(t, send, a.Path)
		body := secBody(t, secGet(t, send, a.Path, v.cookie))
		chat := body[strings.Index(body, `id="chat"`):]
		if strings.Contains(chat, "/c/") && strings.Contains(chat, link) {
			t.Errorf("the page shows a link to itself:\n%s", chat)
		}
		if !strings.Contains(chat, "Ваш автомобиль готов. Подробности") || !strings.Contains(chat, "Ждём вас до 20:00.") {
			t.Errorf("the message text around the link is lost:\n%s", chat)
		}
		if strings.Contains(chat, "state-") || strings.Contains(chat, "в очереди") {
			t.Errorf("delivery states shown:\n%s", chat)
		}
		if !regexp.MustCompile(`<input type="file" name="file" accept="image/\*" capture="environment"`).MatchString(chat) {
			t.Errorf("no camera button:\n%s", chat)
		}
		// A photo from the second picker arrives while the camera's,
		// first in the form, posts an empty part.
		var img bytes.Buffer
		if err := jpeg.Encode(&img, image.NewRGBA(image.Rect(0, 0, 4, 4)), nil); err != nil {
			t.Fatal(err)
		}
		var form bytes.Buffer
		w := multipart.NewWriter(&form)
		for _, f := range [][2]string{{"csrf", v.csrf}, {"text", ""}} {
			if err := w.WriteField(f[0], f[1]); err != nil {
				t.Fatal(err)
			}
		}
		for _, part := range []struct {
			name string
			data []byte
		}{{"", nil}, {"picked.jpg", img.Bytes()}} {
			hdr := textproto.MIMEHeader{}
			hdr.Set("Content-Disposition", `form-data; name="file"; filename="`+part.name+`"`)
			hdr.Set("Content-Type", "application/octet-stream")
			pw, err := w.CreatePart(hdr)
			if err != nil {
				t.Fatal(err)
			}
			pw.Write(part.data)
		}
		w.Close()
		before := len(secThreadFiles(t, h, a.Thread))
		resp := send(t, secRequest(t, http.MethodPost, a.Path+"/messages", v.cookie, nil, w.FormDataContentType(), form.Bytes()))
		secExpectRedirect(t, resp, a.Path+"?ok=sent_ok")
		if after := len(secThreadFiles(t, h, a.Thread)); after != before+1 {
			t.Errorf("files %d → %d, want one more", before, after)
		}
	})
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// The step bar marks where the car is: diagnosis while the mechanic's
// inspection is not sent, approval while lines wait, then in work, ready.
func TestTheStepBarFollowsTheOrder(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		phone, number := "+79165550750", "ШАГ-1"
		plain := estOrder("ru", phone, estLine("1", "labor", "Diagnostics", "1000", false))
		a := secPushOrder(t, h, number, plain)
		v := secOpen(t, send, a.Path)
		current := regexp.MustCompile(`<li class="step current" aria-current="step"><span>([^<]+)</span>`)
		step := func(what, want string) {
			t.Helper()
			body := secBody(t, secGet(t, send, a.Path, v.cookie))
			if got := current.FindStringSubmatch(body); got == nil || got[1] != want {
				t.Errorf("%s: current step %v, want %q", what, got, want)
			}
		}
		step("in progress, nothing inspected", "В работе")
		i, err := h.Store.StartInspection(context.Background(), a.Thread, "Ivan")
		if err != nil {
			t.Fatal(err)
		}
		step("inspection under way", "Диагностика")
		h.PushWorkOrder(t, "wo-"+number+"-2", number, 2, "В работе", estOrder("ru", phone,
			estLine("1", "labor", "Diagnostics", "1000", false), estLine("2", "part", "Pads", "6800", true)))
		step("a line to approve", "Согласование")
		items, err := h.Store.InspectionItems(context.Background(), i.ID)
		if err != nil {
			t.Fatal(err)
		}
		red := hub.ItemRed
		if _, err := h.Store.EditInspectionItem(context.Background(), i.ID, items[0].ID, store.ItemEdit{State: &red, By: "Ivan"}); err != nil {
			t.Fatal(err)
		}
		repSend(t, h, i.ID)
		h.PushWorkOrder(t, "wo-"+number+"-3", number, 3, "Готов", plain)
		step("ready", "Готов")
	})
}
