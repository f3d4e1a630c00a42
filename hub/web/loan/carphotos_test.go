package loan_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/templates"
)

const (
	ruCarClosed     = "Фото этого этапа сейчас не принимаются."
	ruPickupTitle   = "Фото автомобиля при получении"
	ruReadingsOK    = "Показания получены. Спасибо!"
	ruKmBad         = "Укажите пробег целым числом километров, не меньше, чем при выдаче."
	ruReadingClosed = "Автомобиль уже возвращён: показания больше не принимаются."
)

// carUploadRequest is the request of one car photo, with the client's
// cookies.
func (c *client) carUploadRequest(t *testing.T, set, kind, name string, data []byte) *http.Request {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", c.CSRF)
	_ = w.WriteField("set", set)
	_ = w.WriteField("kind", kind)
	if data != nil {
		part, err := w.CreateFormFile("photo", name)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(data)
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, c.base+"/car/photo", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	c.AddCookies(req)
	return req
}

func (c *client) carUpload(t *testing.T, set, kind string, data []byte) (*http.Response, string) {
	t.Helper()
	return c.Send(c.carUploadRequest(t, set, kind, "IMG_0001.jpg", data))
}

// carPhotos is the loan's current car photos as "set/kind" → SHA-256.
func (e *env) carPhotos(id int64) map[string]string {
	e.t.Helper()
	photos, err := e.st.LoanCarPhotos(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range photos {
		out[p.PhotoSet+"/"+p.Kind] = p.SHA256
	}
	return out
}

// out moves a loan out, the key taken at e.now less ago.
func (e *env) out(id int64, ago time.Duration) hub.Loan {
	e.t.Helper()
	e.ready(id)
	at := e.now.Add(-ago)
	return e.change(id, func(l *hub.Loan) { l.State, l.OutAt = hub.LoanOut, &at })
}

var carThumb = regexp.MustCompile(`<a href="(/l/[^"]+/car/photo/pickup/front\?v=\d+)" target="_blank" rel="noopener"><img class="car-thumb" src="(/l/[^"]+/car/photo/pickup/front\?v=\d+&amp;thumb=1)"`)

// carFiles is the files the loan's current car photos name: each photo's
// and its thumbnail's, sorted.
func (e *env) carFiles(id int64) []string {
	e.t.Helper()
	photos, err := e.st.LoanCarPhotos(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, p := range photos {
		out = append(out, p.SHA256)
		if p.ThumbSHA256 != "" {
			out = append(out, p.ThumbSHA256)
		}
	}
	slices.Sort(out)
	return out
}

// At the pickup: no photos before the loan is ready; then a card of six
// shots with the camera and a word of how to take each, the key's code not
// waiting for them; each received shot shown back to the customer (a
// picture of their own, with a stored file's headers); a retake replaces
// the shot and deletes the old file.
func TestCarPhotosAtPickup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		l, token := e.offer(nil)
		c, page := e.open(token)
		if strings.Contains(page, ruPickupTitle) {
			t.Fatalf("photos of the car asked before the loan is ready:\n%s", snippet(page))
		}
		resp, body := c.carUpload(t, hub.CarPhotoPickup, hub.CarPhotoFront, photoJPEG(t, 1))
		wantStatus(t, "photo before ready", resp, body, http.StatusConflict, ruCarClosed)
		if len(e.carPhotos(l.ID)) != 0 || len(e.mediaFiles()) != 0 {
			t.Fatal("a refused car photo was kept")
		}

		e.ready(l.ID)
		page = c.page(t)
		card := page[strings.Index(page, `id="car-pickup"`):]
		card = card[:strings.Index(card, "</section>")]
		if strings.Count(card, `name="photo"`) != 6 || strings.Count(card, `capture="environment"`) != 6 ||
			!strings.Contains(card, "Включите зажигание и снимите стрелку указателя топлива.") ||
			!strings.Contains(card, "Ключ можно получить и без фото") || !strings.Contains(card, "Получено снимков: 0 из 6.") {
			t.Fatalf("the pickup card:\n%s", card)
		}
		if strings.Index(page, `id="car-pickup"`) > strings.Index(page, `id="key"`) || !strings.Contains(page, `id="key-desk"`) {
			t.Errorf("the page asks for the photos first and still gives the key:\n%s", snippet(page))
		}

		resp, body = c.carUpload(t, hub.CarPhotoPickup, hub.CarPhotoFront, photoJPEG(t, 1))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != c.base+"?ok=photo_ok#car-pickup" {
			t.Fatalf("JPEG: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), snippet(body))
		}
		png := encodePNG(t, image.NewGray(image.Rect(0, 0, 20, 10)))
		if resp, body := c.carUpload(t, hub.CarPhotoPickup, hub.CarPhotoFuel, png); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("PNG: %d\n%s", resp.StatusCode, snippet(body))
		}
		photos := e.carPhotos(l.ID)
		if len(photos) != 2 || photos["pickup/front"] == "" || photos["pickup/fuel"] == "" {
			t.Fatalf("stored %v", photos)
		}
		stored, err := st.LoanCarPhoto(context.Background(), l.ID, hub.CarPhotoPickup, hub.CarPhotoFuel)
		if err != nil || stored.ContentType != "image/png" || stored.TakenBy != hub.CarPhotoByCustomer || stored.SizeBytes != int64(len(png)) {
			t.Errorf("the PNG's row %+v %v", stored, err)
		}

		page = c.page(t)
		if !strings.Contains(page, "Получено снимков: 2 из 6.") || strings.Count(page, ruReceived) != 2 {
			t.Errorf("two shots received:\n%s", snippet(page))
		}
		if !strings.Contains(page, `<li class="car-shot next" id="car-pickup-back">`) {
			t.Errorf("the next shot to take is the back:\n%s", snippet(page))
		}
		m := carThumb.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("the front is not shown back:\n%s", snippet(page))
		}
		resp, img := c.Do(http.MethodGet, strings.ReplaceAll(m[1], "&amp;", "&"), nil)
		if resp.StatusCode != http.StatusOK || img != string(photoJPEG(t, 1)) || resp.Header.Get("Content-Type") != "image/jpeg" ||
			!strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "sandbox") || resp.Header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("the front photo: %d %v", resp.StatusCode, resp.Header)
		}
		// The page draws the thumbnail (a JPEG of its own), linked to it.
		resp, thumb := c.Do(http.MethodGet, strings.ReplaceAll(m[2], "&amp;", "&"), nil)
		if _, err := jpeg.DecodeConfig(strings.NewReader(thumb)); resp.StatusCode != http.StatusOK || err != nil || thumb == string(photoJPEG(t, 1)) {
			t.Errorf("the front's thumbnail: %d %v", resp.StatusCode, err)
		}
		for _, path := range []string{"/car/photo/pickup/back", "/car/photo/return/front", "/car/photo/pickup/roof", "/car/photo/x/front"} {
			if resp, _ := c.Do(http.MethodGet, c.base+path, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, resp.StatusCode)
			}
		}

		// A retake replaces the front; its old file goes.
		old := photos["pickup/front"]
		if resp, body := c.carUpload(t, hub.CarPhotoPickup, hub.CarPhotoFront, photoJPEG(t, 2)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("retake: %d\n%s", resp.StatusCode, snippet(body))
		}
		if now := e.carPhotos(l.ID); len(now) != 2 || now["pickup/front"] == old {
			t.Errorf("after the retake %v", now)
		}
		if files := e.mediaFiles(); len(files) != 4 || !slices.Equal(files, e.carFiles(l.ID)) || strings.Contains(strings.Join(files, " "), old) {
			t.Errorf("media after the retake %v (old %s)", files, old)
		}
		// The return set is not taken at the pickup.
		resp, body = c.carUpload(t, hub.CarPhotoReturn, hub.CarPhotoFront, photoJPEG(t, 3))
		wantStatus(t, "return photo at pickup", resp, body, http.StatusConflict, ruCarClosed)
	})
}

// Files that are not photos, however they are named, photos over the
// limit, a made-up set or kind and a form without the page's session are
// refused with a clear answer; nothing is stored, no file stays.
func TestCarPhotoRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		l, token := e.offer(nil)
		e.ready(l.ID)
		c, _ := e.open(token)
		big := append(photoJPEG(t, 1), bytes.Repeat([]byte{0}, testUploadMax)...)
		pickup, front := hub.CarPhotoPickup, hub.CarPhotoFront
		cases := []struct {
			what, set, kind string
			data            []byte
			status          int
			text            string
		}{
			{"SVG passed off as a JPEG", pickup, front, []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), http.StatusUnsupportedMediaType, ruFileType},
			{"HTML passed off as a PNG", pickup, front, []byte("<!doctype html><script>alert(1)</script>"), http.StatusUnsupportedMediaType, ruFileType},
			{"a script", pickup, hub.CarPhotoFuel, []byte("alert(document.cookie)"), http.StatusUnsupportedMediaType, ruFileType},
			{"a PNG signature then HTML", pickup, front, []byte("\x89PNG\r\n\x1a\n<html><script>alert(1)</script>"), http.StatusUnsupportedMediaType, ruFileType},
			{"a JPEG's first bytes then SVG", pickup, front, append([]byte("\xff\xd8\xff\xe0"), `<svg onload="alert(1)"/>`...), http.StatusUnsupportedMediaType, ruFileType},
			{"over the limit", pickup, front, big, http.StatusRequestEntityTooLarge, ruTooBig},
			{"no file", pickup, front, nil, http.StatusUnprocessableEntity, "Выберите или сделайте фото."},
			{"a made-up kind", pickup, "roof", photoJPEG(t, 1), http.StatusUnprocessableEntity, "Выберите или сделайте фото."},
			{"a made-up set", "handover", front, photoJPEG(t, 1), http.StatusUnprocessableEntity, "Выберите или сделайте фото."},
		}
		for _, tc := range cases {
			resp, body := c.carUpload(t, tc.set, tc.kind, tc.data)
			wantStatus(t, tc.what, resp, body, tc.status, tc.text)
			if len(e.carPhotos(l.ID)) != 0 || len(e.mediaFiles()) != 0 {
				t.Fatalf("%s: something was kept", tc.what)
			}
		}
		forged := *c
		forged.CSRF = "forged"
		resp, body := forged.carUpload(t, pickup, front, photoJPEG(t, 1))
		wantStatus(t, "forged form", resp, body, http.StatusForbidden, ruExpired)
		if len(e.carPhotos(l.ID)) != 0 || len(e.mediaFiles()) != 0 {
			t.Fatal("a forged form's photo was kept")
		}
	})
}

// Fifteen shots of one kind at once (a double tap, a flaky network): one
// current photo, and no file of the fourteen replaced stays behind.
func TestCarPhotosAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		l, token := e.offer(nil)
		e.ready(l.ID)
		c, _ := e.open(token)
		var reqs []*http.Request
		for i := range 15 {
			reqs = append(reqs, c.carUploadRequest(t, hub.CarPhotoPickup, hub.CarPhotoLeft, "left.jpg", photoJPEG(t, 10+i)))
		}
		for i, s := range e.sendAll(reqs) {
			if s != http.StatusSeeOther {
				t.Errorf("shot %d at once: %d, want 303", i, s)
			}
		}
		photos := e.carPhotos(l.ID)
		if len(photos) != 1 || photos["pickup/left"] == "" {
			t.Fatalf("current photos %v, want one", photos)
		}
		if files := e.mediaFiles(); len(files) != 2 || !slices.Equal(files, e.carFiles(l.ID)) {
			t.Errorf("media files %v, want only the current photo's", files)
		}
	})
}

// At the return: the pickup's shots stay open for a while after the key
// left (the return's card folded under them), then the return's card with
// the reading; a reading that cannot be is refused and nothing is kept;
// a good one is kept and told to staff; once the car is back (here the
// locker's drop-off, with less fuel than at the handover) one staff task
// is opened, the readings are closed and both sets stay on the page.
func TestCarPhotosAtReturn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, st)
		l, token := e.offer(nil) // 6/8 and 12 345 km at the handover
		e.out(l.ID, time.Hour)
		c, page := e.open(token)
		if !strings.Contains(page, `id="car-pickup"`) || !strings.Contains(page, `<details class="car-later">`) {
			t.Fatalf("an hour after the key left: the pickup's card and the return's folded:\n%s", snippet(page))
		}
		if resp, body := c.carUpload(t, hub.CarPhotoPickup, hub.CarPhotoBack, photoJPEG(t, 1)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("pickup photo an hour after: %d\n%s", resp.StatusCode, snippet(body))
		}

		e.now = e.now.Add(hub.PickupPhotoWindow)
		page = c.page(t)
		if strings.Contains(page, `id="car-pickup"`) || strings.Contains(page, `<details class="car-later">`) || !strings.Contains(page, `id="car-return"`) ||
			strings.Index(page, `id="car-return"`) > strings.Index(page, `id="return"`) {
			t.Fatalf("past the pickup's window: the return's card, before the drop-off:\n%s", snippet(page))
		}
		resp, body := c.carUpload(t, hub.CarPhotoPickup, hub.CarPhotoLeft, photoJPEG(t, 2))
		wantStatus(t, "pickup photo past its window", resp, body, http.StatusConflict, ruCarClosed)
		for i, kind := range hub.CarPhotoKinds() {
			if resp, body := c.carUpload(t, hub.CarPhotoReturn, kind, photoJPEG(t, 20+i)); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("return %s: %d\n%s", kind, resp.StatusCode, snippet(body))
			}
		}

		lines := func() int {
			msgs, _ := st.Messages(ctx, e.f.Thread.ID)
			n := 0
			for _, m := range msgs {
				if m.TextKey == templates.SysLoanReturnReported {
					n++
				}
			}
			return n
		}
		for _, tc := range []struct {
			what   string
			form   url.Values
			status int
			text   string
		}{
			{"odometer below the handover", url.Values{"fuel": {"4"}, "odometer": {"12 344"}}, http.StatusUnprocessableEntity, ruKmBad},
			{"odometer not a number", url.Values{"fuel": {"4"}, "odometer": {"12k"}}, http.StatusUnprocessableEntity, ruKmBad},
			{"odometer huge", url.Values{"fuel": {"4"}, "odometer": {strings.Repeat("9", 40)}}, http.StatusUnprocessableEntity, ruKmBad},
			{"fuel over full", url.Values{"fuel": {"9"}, "odometer": {"12400"}}, http.StatusUnprocessableEntity, "Выберите уровень топлива по указателю."},
			{"no fuel", url.Values{"fuel": {""}, "odometer": {"12400"}}, http.StatusUnprocessableEntity, "Выберите уровень топлива по указателю."},
			{"note too long", url.Values{"fuel": {"4"}, "odometer": {"12400"}, "damage": {"yes"}, "note": {strings.Repeat("вмятина ", 80)}}, http.StatusUnprocessableEntity, "Опишите повреждения короче"},
		} {
			resp, body := c.Post(c.base+"/car/reading", tc.form)
			wantStatus(t, tc.what, resp, body, tc.status, tc.text)
		}
		if r, _ := st.LoanReturnReport(ctx, l.ID); r.ReportedAt != nil || lines() != 0 {
			t.Fatalf("a refused reading was kept: %+v", r)
		}

		resp, body = c.Post(c.base+"/car/reading", url.Values{"fuel": {"3"}, "odometer": {"12 400"}, "damage": {"yes"}, "note": {"  скол на  лобовом "}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != c.base+"?ok=car_readings_ok#car-return" {
			t.Fatalf("reading: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), snippet(body))
		}
		r, err := st.LoanReturnReport(ctx, l.ID)
		if err != nil || r.FuelEighths == nil || *r.FuelEighths != 3 || *r.OdometerKm != 12400 || !r.Damage || r.DamageNote != "скол на лобовом" {
			t.Fatalf("the reading kept %+v %v", r, err)
		}
		if lines() != 1 {
			t.Errorf("staff lines of the reading %d, want 1", lines())
		}
		_, page = c.Do(http.MethodGet, c.base+"?ok=car_readings_ok", nil)
		if !strings.Contains(page, ruReadingsOK) || !strings.Contains(page, "Показания получены ✓: топливо 3/8, пробег 12400 км. Вы отметили повреждения.") ||
			!strings.Contains(page, `<option value="3" selected>`) || !strings.Contains(page, "скол на лобовом</textarea>") {
			t.Errorf("the page after the reading:\n%s", snippet(page))
		}

		// The key is dropped off (the locker's move: nobody reads the gauge).
		at := e.now
		if _, err := st.ChangeLoan(ctx, l.ID, hub.LoanEventReturned, func(x *hub.Loan) error {
			x.State, x.ReturnedAt = hub.LoanReturned, &at
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		tasks, err := st.OpenStaffTasks(ctx, e.f.Branch.ID)
		if err != nil || len(tasks) != 1 || tasks[0].Kind != store.TaskLoanReturn ||
			!strings.Contains(tasks[0].Title, "топливо 3/8 (при выдаче 6/8) — клиент отметил повреждения") {
			t.Fatalf("tasks after the return %+v %v", tasks, err)
		}
		resp, body = c.Post(c.base+"/car/reading", url.Values{"fuel": {"8"}, "odometer": {"12400"}})
		wantStatus(t, "reading after the return", resp, body, http.StatusConflict, ruReadingClosed)
		resp, body = c.carUpload(t, hub.CarPhotoReturn, hub.CarPhotoFront, photoJPEG(t, 40))
		wantStatus(t, "return photo after the return", resp, body, http.StatusConflict, ruCarClosed)
		if tasks, _ := st.OpenStaffTasks(ctx, e.f.Branch.ID); len(tasks) != 1 {
			t.Errorf("tasks %d after more tries, want 1", len(tasks))
		}
		page = c.page(t)
		if !strings.Contains(page, `id="car-photos"`) || strings.Count(page, `class="car-thumb"`) != 7 || strings.Contains(page, `name="photo"`) {
			t.Errorf("the returned loan's page: both sets, read only (1 + 6 photos):\n%s", snippet(page))
		}
	})
}
