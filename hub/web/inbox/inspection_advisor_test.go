package inbox_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// inspWorld is branch A's thread with an inspection: a red item with a
// measurement, a note and a photo, a yellow one, a green one; the rest
// not looked at.
type inspWorld struct {
	*world
	insp  hub.Inspection
	items []hub.InspectionItem
	photo hub.InspectionMedia
	url   string // the thread page
}

func newInspWorld(t *testing.T, h *apptest.Hub) inspWorld {
	t.Helper()
	ctx := context.Background()
	w := inspWorld{world: newWorld(t, h)}
	w.url = fmt.Sprintf("/inbox/threads/%d", w.a.ID)
	var err error
	if w.insp, err = h.Store.StartInspection(ctx, w.a, "Миша"); err != nil {
		t.Fatal(err)
	}
	w.items, _ = h.Store.InspectionItems(ctx, w.insp.ID)
	set := func(n int, state, value, note string) {
		if _, err := h.Store.EditInspectionItem(ctx, w.insp.ID, w.items[n].ID,
			store.ItemEdit{State: &state, Value: &value, Note: &note, By: "Миша"}); err != nil {
			t.Fatal(err)
		}
	}
	set(0, hub.ItemRed, "1.5", "Протектор на пределе")
	set(1, hub.ItemYellow, "", "Трещины на щётках")
	set(2, hub.ItemGreen, "", "")
	w.photo = hub.InspectionMedia{ItemID: w.items[0].ID, UploadKey: "u1", SHA256: strings.Repeat("a", 64),
		Name: "tyre.jpg", ContentType: "image/jpeg", SizeBytes: 100, ThumbSHA256: strings.Repeat("b", 64)}
	if _, err := h.Store.AddInspectionMedia(ctx, w.insp.ID, &w.photo); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w inspWorld) item(t *testing.T, n int) hub.InspectionItem {
	t.Helper()
	items, err := w.h.Store.InspectionItems(context.Background(), w.insp.ID)
	if err != nil {
		t.Fatal(err)
	}
	return items[n]
}

func (w inspWorld) changes(t *testing.T) int {
	t.Helper()
	var n int64
	if err := w.h.Store.Gorm(context.Background()).Table("changes").Where("type = ?", hub.ChangeInspection).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// TestInspectionCardEditAndSend: the advisor sees the items grouped worst
// first with their photos, corrects a note, hides an item, sends the
// inspection to 1C (one change; a second press says nothing changed),
// and the card then tells what was sent, what changed since and when the
// customer opened the report.
func TestInspectionCardEditAndSend(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newInspWorld(t, h)
		anna := w.signIn(t, "anna")
		anna.Lang = "ru"
		resp, page := anna.Do(http.MethodGet, w.url, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("thread page: %d", resp.StatusCode)
		}
		red, yellow, green := strings.Index(page, "Срочно"), strings.Index(page, "Скоро"), strings.Index(page, "В порядке")
		if red < 0 || yellow < red || green < yellow || !strings.Contains(page, templates.StateWord("ru", "")) {
			t.Fatalf("groups not worst first: %d %d %d", red, yellow, green)
		}
		for _, want := range []string{w.items[0].Name, "1,5\u00a0мм", "Протектор на пределе", "Трещины на щётках",
			fmt.Sprintf(`src="/inspection/media/%d/thumb"`, w.photo.ID), fmt.Sprintf(`href="/inspection/media/%d"`, w.photo.ID),
			"В 1С ещё не отправлен", w.url + "/inspection/send", "inspection_card"} {
			if !strings.Contains(page, want) {
				t.Errorf("the card lacks %q", want)
			}
		}
		itemURL := func(n int) string { return fmt.Sprintf("%s/inspection/items/%d", w.url, w.items[n].ID) }

		if resp, _ := post(anna, itemURL(0), "note", "  Протектор 1,5 мм, менять  "); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit note: %d", resp.StatusCode)
		}
		if it := w.item(t, 0); it.Note != "Протектор 1,5 мм, менять" || it.UpdatedBy != "Анна" {
			t.Fatalf("note %q by %q", it.Note, it.UpdatedBy)
		}
		if resp, _ := post(anna, itemURL(1), "hidden", "1"); resp.StatusCode != http.StatusSeeOther || !w.item(t, 1).Hidden {
			t.Fatalf("hide: %d", resp.StatusCode)
		}
		if _, page = anna.Do(http.MethodGet, w.url, nil); !strings.Contains(page, "скрыт от клиента и 1С") || !strings.Contains(page, ">Показать<") {
			t.Error("the hidden item is not marked, or cannot be shown again")
		}

		resp, _ = post(anna, w.url+"/inspection/send")
		if resp.StatusCode != http.StatusSeeOther || w.changes(t) != 1 {
			t.Fatalf("send: %d, %d changes", resp.StatusCode, w.changes(t))
		}
		_, page = anna.Do(http.MethodGet, resp.Header.Get("Location"), nil)
		for _, want := range []string{"Осмотр отправлен в 1С.", "Отправлен в 1С", "отправил(а) Анна", "Клиент ещё не открывал отчёт"} {
			if !strings.Contains(page, want) {
				t.Errorf("after the send the page lacks %q", want)
			}
		}
		if strings.Contains(page, w.url+"/inspection/send") {
			t.Error("the send button is offered with nothing new to send")
		}
		resp, page = post(anna, w.url+"/inspection/send")
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "Уже отправлен, с тех пор ничего не изменилось") || w.changes(t) != 1 {
			t.Fatalf("second send: %d, %d changes", resp.StatusCode, w.changes(t))
		}

		post(anna, itemURL(1), "hidden", "0")
		opened := time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)
		if err := h.Store.Gorm(ctx).Table("inspections").Where("id = ?", w.insp.ID).Update("customer_opened_at", opened).Error; err != nil {
			t.Fatal(err)
		}
		_, page = anna.Do(http.MethodGet, w.url, nil)
		for _, want := range []string{"Изменён после отправки", "Клиент открыл отчёт 24.11.2026 12:30", w.url + "/inspection/send"} {
			if !strings.Contains(page, want) {
				t.Errorf("after an edit the page lacks %q", want)
			}
		}
	})
}

// TestInspectionSendOnceUnderRace: fifteen presses at once make one
// change; the others are told nothing changed.
func TestInspectionSendOnceUnderRace(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newInspWorld(t, h)
		anna := w.signIn(t, "anna")
		reqs := make([]*http.Request, 15)
		for i := range reqs {
			form := url.Values{"csrf": {anna.CSRF}}
			reqs[i] = httptest.NewRequest(http.MethodPost, w.url+"/inspection/send", strings.NewReader(form.Encode()))
			reqs[i].Header.Set("Content-Type", "application/x-www-form-urlencoded")
			anna.AddCookies(reqs[i])
		}
		codes := make([]int, len(reqs))
		var wg sync.WaitGroup
		for i, req := range reqs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := h.Server.App().Test(req, -1)
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				codes[i] = resp.StatusCode
			}()
		}
		wg.Wait()
		sent := 0
		for _, c := range codes {
			switch c {
			case http.StatusSeeOther:
				sent++
			case http.StatusConflict:
			default:
				t.Errorf("a send answered %d", c)
			}
		}
		if sent != 1 || w.changes(t) != 1 {
			t.Fatalf("%d sends went through, %d changes; want one", sent, w.changes(t))
		}
	})
}

// TestInspectionCardRefusesBadInput: bad notes and forms are refused
// with words on the page and nothing stored; other branches' threads,
// other inspections' items, a mechanic and a form without its token are
// turned away.
func TestInspectionCardRefusesBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newInspWorld(t, h)
		anna, oleg := w.signIn(t, "anna"), w.signIn(t, "oleg")
		anna.Lang = "ru"
		itemURL := fmt.Sprintf("%s/inspection/items/%d", w.url, w.items[0].ID)
		revision := func() int64 {
			i, err := h.Store.InspectionOf(ctx, w.insp.ID)
			if err != nil {
				i, _ = h.Store.InspectionOf(ctx, *w.a.WorkOrderID)
			}
			return i.Revision
		}
		before := revision()
		for name, c := range map[string]struct {
			fields []string
			want   string
		}{
			// The hub's form rule (forminput) refuses these before the card.
			"NUL":          {[]string{"note", "a\x00b"}, ""},
			"invalid UTF8": {[]string{"note", "a\xffb"}, ""},
			"too long":     {[]string{"note", strings.Repeat("ж", hub.MaxItemNoteRunes+1)}, "не больше 2000 символов"},
			"hidden maybe": {[]string{"hidden", "maybe"}, "Форма заполнена неверно"},
			"empty form":   {nil, "Форма заполнена неверно"},
		} {
			resp, page := post(anna, itemURL, c.fields...)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, c.want) {
				t.Errorf("%s: %d, page without %q", name, resp.StatusCode, c.want)
			}
		}
		if revision() != before || w.item(t, 0).Note != "Протектор на пределе" {
			t.Fatalf("a refused form changed the inspection (revision %d → %d)", before, revision())
		}
		// Another branch's advisor, an item of no inspection of this thread.
		if resp, _ := post(oleg, itemURL, "note", "x"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another branch's advisor: %d", resp.StatusCode)
		}
		if resp, _ := post(oleg, w.url+"/inspection/send"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another branch's advisor sends: %d", resp.StatusCode)
		}
		if resp, _ := post(anna, fmt.Sprintf("%s/inspection/items/%d", w.url, w.items[0].ID+100000), "note", "x"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("an unknown item: %d", resp.StatusCode)
		}
		bURL := fmt.Sprintf("/inbox/threads/%d", w.b.ID)
		if resp, _ := post(anna, bURL+"/inspection/send"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("branch B's thread: %d", resp.StatusCode)
		}
		if resp, _ := anna.Do(http.MethodPost, w.url+"/inspection/send", url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("no csrf: %d", resp.StatusCode)
		}
		addMechanic(t, h)
		misha := w.signIn(t, "misha")
		if resp, _ := post(misha, w.url+"/inspection/send"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a mechanic sends: %d", resp.StatusCode)
		}
		if revision() != before || w.changes(t) != 0 {
			t.Fatalf("turned-away requests changed something: revision %d, %d changes", revision(), w.changes(t))
		}
	})
}

// TestInspectionCardShowsDeclinedWork: the vehicle's work declined on an
// earlier order and not done since is on the card, even before the
// mechanic starts; the order's own and closed rows are not.
func TestInspectionCardShowsDeclinedWork(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newWorld(t, h)
		h.PushWorkOrder(t, "e3", "ЗН-0", 1, "В работе", map[string]any{
			"vehicle": map[string]any{"external_id": "V-ЗН-1", "plate": "А123ВС77"}})
		older, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "ЗН-0")
		if err != nil {
			t.Fatal(err)
		}
		current, _ := h.Store.WorkOrder(ctx, *w.a.WorkOrderID)
		if older.VehicleID == nil || current.VehicleID == nil || *older.VehicleID != *current.VehicleID {
			t.Fatal("the two orders are not of one vehicle")
		}
		day := time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC)
		closed := day
		rows := []hub.DeclinedWork{
			{WorkOrderID: older.ID, ItemCode: "pads_rear", Name: "Колодки задние", State: hub.ItemRed, Note: "2 мм", TotalMinor: 540000, Currency: "RUB"},
			{WorkOrderID: older.ID, ItemCode: "battery", Name: "Аккумулятор-закрыт", State: hub.ItemYellow, ClosedAt: &closed},
			{WorkOrderID: current.ID, ItemCode: "wipers", Name: "Щётки-этого-заказа", State: hub.ItemYellow},
		}
		for i := range rows {
			rows[i].VehicleID, rows[i].BranchID, rows[i].DeclinedAt, rows[i].OfferAfter = *current.VehicleID, h.Branch.ID, day, day
		}
		if err := h.Store.Gorm(ctx).Create(&rows).Error; err != nil {
			t.Fatal(err)
		}
		anna := w.signIn(t, "anna")
		anna.Lang = "ru"
		_, page := anna.Do(http.MethodGet, fmt.Sprintf("/inbox/threads/%d", w.a.ID), nil)
		for _, want := range []string{"Ранее отказался", "Колодки задние", "заказ-наряд ЗН-0, 01.08.2026", "2 мм", "Механик ещё не начинал осмотр"} {
			if !strings.Contains(page, want) {
				t.Errorf("the card lacks %q", want)
			}
		}
		for _, not := range []string{"Аккумулятор-закрыт", "Щётки-этого-заказа"} {
			if strings.Contains(page, not) {
				t.Errorf("the card lists %q", not)
			}
		}
	})
}
