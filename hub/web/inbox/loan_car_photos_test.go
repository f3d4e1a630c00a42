package inbox_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// carJPEG is a small real JPEG, different for each seed.
func carJPEG(t *testing.T, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for i := range img.Pix {
		img.Pix[i] = byte(i*5 + seed*17)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uploadCarPhoto posts one car photo from the loan's card.
func uploadCarPhoto(t *testing.T, b *browser, path, set, kind string, data []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", b.CSRF)
	_ = w.WriteField("set", set)
	_ = w.WriteField("kind", kind)
	if data != nil {
		part, err := w.CreateFormFile("photo", "IMG_0001.jpg")
		if err != nil {
			t.Fatal(err)
		}
		part.Write(data)
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.Send(req)
}

// loanOutAtDesk offers w.car as anna with no deposit asked (fuel 6/8,
// 12 345 km), makes it ready and hands the key over at the desk.
func (w loanWorld) loanOutAtDesk(t *testing.T, anna *browser) hub.Loan {
	t.Helper()
	ctx := context.Background()
	if err := w.h.Store.SetLoanSettings(ctx, hub.DefaultLoanSettings(w.a.BranchID)); err != nil {
		t.Fatal(err)
	}
	if resp, page := post(anna, w.url+"/loans", w.offerFields(w.car)...); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("offer: %d\n%s", resp.StatusCode, page)
	}
	l := w.newestLoan(t)
	signed := time.Now().UTC()
	if _, err := w.h.Store.ChangeLoan(ctx, l.ID, hub.LoanEventSigned, func(x *hub.Loan) error {
		x.IdentityStatus, x.SignedAt, x.SignedName, x.DocumentID = hub.IdentityVerified, &signed, "Иван Петров", "D-1"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if resp, page := post(anna, fmt.Sprintf("%s/loans/%d/out", w.url, l.ID)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("hand-over: %d\n%s", resp.StatusCode, page)
	}
	return w.newestLoan(t)
}

// newestLoan is the newest loan of A's thread.
func (w loanWorld) newestLoan(t *testing.T) hub.Loan {
	t.Helper()
	ls, err := w.h.Store.LoansOfThread(context.Background(), w.a.ID)
	if err != nil || len(ls) == 0 {
		t.Fatalf("loans of the thread: %+v %v", ls, err)
	}
	return ls[0]
}

func intPtr(n int) *int { return &n }

// wantCarRefusal fails unless the card came back with status and the
// problem under the loan.
func wantCarRefusal(t *testing.T, what string, resp *http.Response, page string, status int, problem string) {
	t.Helper()
	if resp.StatusCode != status || !strings.Contains(page, `<p class="error" role="alert">`+problem) {
		t.Errorf("%s: %d, want %d with %q", what, resp.StatusCode, status, problem)
	}
}

// customerPhoto stores a photo as the customer's page does.
func (w loanWorld) customerPhoto(t *testing.T, l hub.Loan, set, kind string, data []byte) hub.LoanCarPhoto {
	t.Helper()
	sum, err := w.media.Put(data)
	if err != nil {
		t.Fatal(err)
	}
	p := hub.LoanCarPhoto{LoanID: l.ID, PhotoSet: set, Kind: kind, MediaPath: sum, ContentType: "image/jpeg",
		SizeBytes: int64(len(data)), SHA256: sum, TakenBy: hub.CarPhotoByCustomer}
	if _, err := w.h.Store.PutLoanCarPhoto(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func (w loanWorld) returnTasks(t *testing.T) []store.StaffTask {
	t.Helper()
	all, err := w.h.Store.OpenStaffTasks(context.Background(), w.a.BranchID)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.StaffTask
	for _, task := range all {
		if task.Kind == store.TaskLoanReturn {
			out = append(out, task)
		}
	}
	return out
}

// The card shows the two sets side by side, a row per kind, with who took
// each; the photos are served to the staff of the loan's branch and to
// nobody else; an advisor adds a photo at the desk (a real one: an SVG or
// a page passed off as a photo is refused and nothing is kept), audited.
func TestLoanCarPhotosOnTheCard(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		anna.Lang = "ru"
		l := w.loanOutAtDesk(t, anna)
		front := w.customerPhoto(t, l, hub.CarPhotoPickup, hub.CarPhotoFront, carJPEG(t, 1))
		upload := fmt.Sprintf("%s/loans/%d/car-photos", w.url, l.ID)

		// An advisor photographs the odometer at the return.
		before := w.counts(t)
		resp, page := uploadCarPhoto(t, anna, upload, hub.CarPhotoReturn, hub.CarPhotoOdometer, carJPEG(t, 2))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("%s#loan-%d-car-photos", w.url, l.ID) {
			t.Fatalf("upload: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), page)
		}
		odo, err := h.Store.LoanCarPhoto(ctx, l.ID, hub.CarPhotoReturn, hub.CarPhotoOdometer)
		if err != nil || odo.TakenBy != hub.CarPhotoByStaff || odo.StaffName != "Анна" || odo.ContentType != "image/jpeg" {
			t.Fatalf("staff's photo %+v %v", odo, err)
		}
		if after := w.counts(t); after.audit != before.audit+1 || after.messages != before.messages || after.changes != before.changes {
			t.Errorf("a staff photo writes one audit row and nothing else: %+v → %+v", before, after)
		}

		// Not photos, however named; nothing kept.
		before = w.counts(t)
		for _, bad := range []struct {
			what string
			data []byte
		}{
			{"SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)},
			{"HTML", []byte("<!doctype html><script>alert(1)</script>")},
			{"JPEG's first bytes then a script", append([]byte("\xff\xd8\xff\xe0"), "<script>alert(1)</script>"...)},
		} {
			resp, page := uploadCarPhoto(t, anna, upload, hub.CarPhotoReturn, hub.CarPhotoFront, bad.data)
			wantCarRefusal(t, bad.what, resp, page, http.StatusUnsupportedMediaType, "Нужна фотография в формате JPEG, PNG, WebP или HEIC.")
		}
		for _, bad := range [][2]string{{"handover", hub.CarPhotoFront}, {hub.CarPhotoReturn, "roof"}} {
			resp, page := uploadCarPhoto(t, anna, upload, bad[0], bad[1], carJPEG(t, 3))
			wantCarRefusal(t, bad[0]+"/"+bad[1], resp, page, http.StatusUnprocessableEntity, "Выберите, когда и что снято")
		}
		if _, err := h.Store.LoanCarPhoto(ctx, l.ID, hub.CarPhotoReturn, hub.CarPhotoFront); err == nil {
			t.Error("a refused photo was kept")
		}
		if after := w.counts(t); after != before {
			t.Errorf("refusals stored something: %+v → %+v", before, after)
		}

		// The card: a row per kind, the pickup beside the return.
		_, page = anna.Do(http.MethodGet, w.url, nil)
		part := page[strings.Index(page, fmt.Sprintf(`id="loan-%d-car-photos"`, l.ID)):]
		part = part[:strings.Index(part, "</table>")]
		frontURL := fmt.Sprintf("/inbox/loans/%d/car-photos/pickup/front?v=%d", l.ID, front.ID)
		odoURL := fmt.Sprintf("/inbox/loans/%d/car-photos/return/odometer?v=%d", l.ID, odo.ID)
		if strings.Count(part, "<tr>") != 7 || !strings.Contains(part, "При выдаче</th><th scope=\"col\">При возврате") ||
			!strings.Contains(part, `<th scope="row">Спереди</th><td class="car-photo"><a href="`+frontURL+`"`) ||
			!strings.Contains(part, `<th scope="row">Пробег</th><td class="car-photo"><span class="car-none">—</span></td><td class="car-photo"><a href="`+odoURL+`"`) ||
			!strings.Contains(part, "клиент · ") || !strings.Contains(part, "Анна · ") {
			t.Fatalf("the card's photos:\n%s", part)
		}

		// Served to the branch's staff, not to another branch's.
		resp, img := anna.Do(http.MethodGet, frontURL, nil)
		if resp.StatusCode != http.StatusOK || img != string(carJPEG(t, 1)) || resp.Header.Get("Content-Type") != "image/jpeg" ||
			!strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("anna's view: %d %v", resp.StatusCode, resp.Header)
		}
		oleg := w.signIn(t, "oleg")
		for _, path := range []string{frontURL, odoURL} {
			if resp, body := oleg.Do(http.MethodGet, path, nil); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "\xff\xd8") {
				t.Errorf("another branch's staff got %s: %d", path, resp.StatusCode)
			}
		}
		if resp, _ := uploadCarPhoto(t, oleg, upload, hub.CarPhotoReturn, hub.CarPhotoBack, carJPEG(t, 4)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another branch's staff uploaded: %d", resp.StatusCode)
		}
		if resp, _ := anna.Do(http.MethodGet, fmt.Sprintf("/inbox/loans/%d/car-photos/return/back", l.ID), nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a photo never taken: %d", resp.StatusCode)
		}

		// A retake at the desk replaces the kind's photo; its file goes.
		if resp, page := uploadCarPhoto(t, anna, upload, hub.CarPhotoReturn, hub.CarPhotoOdometer, carJPEG(t, 5)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("retake: %d\n%s", resp.StatusCode, page)
		}
		if w.media.Has(odo.SHA256) {
			t.Error("the replaced photo's file is still there")
		}

		// Returned: no more pickup photos, the return's still at the desk.
		if resp, page := post(anna, fmt.Sprintf("%s/loans/%d/return", w.url, l.ID), "fuel", "6", "odometer", "12400"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("return: %d\n%s", resp.StatusCode, page)
		}
		resp, page = uploadCarPhoto(t, anna, upload, hub.CarPhotoPickup, hub.CarPhotoBack, carJPEG(t, 6))
		wantCarRefusal(t, "pickup photo after the return", resp, page, http.StatusConflict, "Фото этого этапа сейчас не добавить")
		if resp, page := uploadCarPhoto(t, anna, upload, hub.CarPhotoReturn, hub.CarPhotoBack, carJPEG(t, 7)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("return photo after the return: %d\n%s", resp.StatusCode, page)
		}
	})
}

// The return at the desk: less fuel than at the handover opens one staff
// task (in the branch's language, with the thread's address) and a line,
// whose thread shows both photo sets; a second return changes nothing;
// a full tank with no damage opens none; the customer's damage opens one.
func TestLoanReturnOpensOneTask(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		l := w.loanOutAtDesk(t, anna)
		w.customerPhoto(t, l, hub.CarPhotoPickup, hub.CarPhotoFuel, carJPEG(t, 1))
		w.customerPhoto(t, l, hub.CarPhotoReturn, hub.CarPhotoFuel, carJPEG(t, 2))
		back := fmt.Sprintf("%s/loans/%d/return", w.url, l.ID)
		if resp, page := post(anna, back, "fuel", "4", "odometer", "12 900"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("return: %d\n%s", resp.StatusCode, page)
		}
		tasks := w.returnTasks(t)
		if len(tasks) != 1 || tasks[0].Title != "Подменный автомобиль А 777 АА 77 вернулся: проверьте — топливо 4/8 (при выдаче 6/8), заказ-наряд ЗН-1" ||
			!strings.HasSuffix(tasks[0].Body, fmt.Sprintf("/inbox/threads/%d#loan-%d", w.a.ID, l.ID)) {
			t.Fatalf("tasks %+v", tasks)
		}
		anna.Lang = "en"
		_, page := anna.Do(http.MethodGet, w.url, nil)
		for _, want := range []string{
			"Task: courtesy car А 777 АА 77 (Škoda Rapid) came back with less fuel: 4/8, 6/8 at the handover.",
			fmt.Sprintf("/inbox/loans/%d/car-photos/pickup/fuel?v=", l.ID), fmt.Sprintf("/inbox/loans/%d/car-photos/return/fuel?v=", l.ID),
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the task's thread lacks %q", want)
			}
		}
		if resp, _ := post(anna, back, "fuel", "1", "odometer", "13000"); resp.StatusCode != http.StatusConflict {
			t.Errorf("second return: %d, want 409", resp.StatusCode)
		}
		if n := len(w.returnTasks(t)); n != 1 {
			t.Errorf("tasks after a second return: %d, want 1", n)
		}

		// The next loan of the work order comes back full, no damage.
		next := func() hub.Loan {
			t.Helper()
			if _, err := h.Store.ChangeLoan(ctx, w.newestLoan(t).ID, "", func(x *hub.Loan) error { x.State = hub.LoanClosed; return nil }); err != nil {
				t.Fatal(err)
			}
			if _, err := h.Store.SetCarState(ctx, w.car.BranchID, w.car.ID, hub.CarAvailable, true); err != nil {
				t.Fatal(err)
			}
			return w.loanOutAtDesk(t, anna)
		}
		full := next()
		if resp, page := post(anna, fmt.Sprintf("%s/loans/%d/return", w.url, full.ID), "fuel", "6", "odometer", "12500"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("full return: %d\n%s", resp.StatusCode, page)
		}
		if n := len(w.returnTasks(t)); n != 1 {
			t.Errorf("tasks after a full return without damage: %d, want still 1", n)
		}

		// The customer ticked damage before the key came back.
		damaged := next()
		if _, err := h.Store.ReportLoanReturn(ctx, hub.LoanReturnReport{LoanID: damaged.ID, FuelEighths: intPtr(8), OdometerKm: intPtr(12600),
			Damage: true, DamageNote: "вмятина на двери"}); err != nil {
			t.Fatal(err)
		}
		if resp, page := post(anna, fmt.Sprintf("%s/loans/%d/return", w.url, damaged.ID), "fuel", "8", "odometer", "12600"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("damaged return: %d\n%s", resp.StatusCode, page)
		}
		tasks = w.returnTasks(t)
		if len(tasks) != 2 || !strings.Contains(tasks[1].Title, "клиент отметил повреждения") {
			t.Fatalf("tasks after a return with damage: %+v", tasks)
		}
		_, page = anna.Do(http.MethodGet, w.url, nil)
		if !strings.Contains(page, "The customer noticed damage: «вмятина на двери»") ||
			!strings.Contains(page, "The customer&#39;s reading at the return: fuel 8/8, odometer 12600 km") {
			t.Errorf("the card lacks the customer's reading and damage:\n%s", page[strings.Index(page, fmt.Sprintf(`id="loan-%d-car-photos"`, damaged.ID)):])
		}
	})
}

// The desk's return form has a "damage noticed" tick with a note: ticked,
// the return opens the same one staff task as a customer's damage (in the
// branch's language, naming who noticed it) and the card says so; a note
// over 500 characters is refused (400) with nothing stored, the loan
// still out; unticked and full, no task.
func TestDeskReturnDamageTickOpensTheTask(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		l := w.loanOutAtDesk(t, anna)
		_, page := anna.Do(http.MethodGet, w.url, nil)
		if !strings.Contains(page, `name="damage"`) || !strings.Contains(page, `name="damage_note"`) {
			t.Fatalf("the desk's return form has no damage tick")
		}
		back := fmt.Sprintf("%s/loans/%d/return", w.url, l.ID)
		resp, page := post(anna, back, "fuel", "6", "odometer", "12500", "damage", "1", "damage_note", strings.Repeat("ц", 501))
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "The damage note may be at most 500 characters.") {
			i := strings.Index(page, `role="alert"`)
			t.Fatalf("long note: %d %s", resp.StatusCode, page[max(i-300, 0):max(i+300, 0)])
		}
		if got, _ := h.Store.Loan(ctx, l.ID); got.State != hub.LoanOut || len(w.returnTasks(t)) != 0 {
			t.Fatalf("a refused return changed the loan: %s, %d tasks", got.State, len(w.returnTasks(t)))
		}
		if resp, page := post(anna, back, "fuel", "6", "odometer", "12500", "damage", "1", "damage_note", "царапина на бампере"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("return with damage: %d\n%s", resp.StatusCode, page)
		}
		tasks := w.returnTasks(t)
		if len(tasks) != 1 || !strings.Contains(tasks[0].Title, "при приёмке на стойке отмечены повреждения") {
			t.Fatalf("tasks %+v", tasks)
		}
		r, err := h.Store.LoanReturnReport(ctx, l.ID)
		if err != nil || !r.Damage || r.DamageNote != "царапина на бампере" || r.DamageBy == "" || r.TaskID == nil || *r.TaskID != tasks[0].ID {
			t.Fatalf("report %+v %v", r, err)
		}
		_, page = anna.Do(http.MethodGet, w.url, nil)
		if !strings.Contains(page, "Damage noticed at the desk (") || !strings.Contains(page, "«царапина на бампере»") {
			t.Errorf("the card lacks the damage noticed at the desk")
		}
	})
}

// The card draws a car photo's thumbnail (a JPEG of at most 480 px, made
// at the upload) linked to the full photo; a retake drops the old
// thumbnail's file; a photo deleted after the retention reads "deleted"
// on the card and answers 410.
func TestLoanCarPhotoThumbnails(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		anna.Lang = "ru"
		l := w.loanOutAtDesk(t, anna)
		upload := fmt.Sprintf("%s/loans/%d/car-photos", w.url, l.ID)
		big := func(seed int) []byte {
			img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
			for i := range img.Pix {
				img.Pix[i] = byte(i/4096 + seed)
			}
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, nil); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
		if resp, page := uploadCarPhoto(t, anna, upload, hub.CarPhotoReturn, hub.CarPhotoFront, big(1)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", resp.StatusCode, page)
		}
		p, err := h.Store.LoanCarPhoto(ctx, l.ID, hub.CarPhotoReturn, hub.CarPhotoFront)
		if err != nil || p.ThumbSHA256 == "" || !w.media.Has(p.ThumbSHA256) {
			t.Fatalf("no thumbnail: %+v %v", p, err)
		}
		full := fmt.Sprintf("/inbox/loans/%d/car-photos/return/front?v=%d", l.ID, p.ID)
		_, page := anna.Do(http.MethodGet, w.url, nil)
		if !strings.Contains(page, `<a href="`+full+`" target="_blank" rel="noopener"><img src="`+full+`&amp;thumb=1"`) {
			t.Fatalf("the card does not draw the thumbnail linked to the photo:\n%s", page[strings.Index(page, fmt.Sprintf(`id="loan-%d-car-photos"`, l.ID)):])
		}
		resp, body := anna.Do(http.MethodGet, full+"&thumb=1", nil)
		cfg, err := jpeg.DecodeConfig(strings.NewReader(body))
		if resp.StatusCode != http.StatusOK || err != nil || cfg.Width != hub.ThumbLongEdge || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("thumbnail: %d %v %+v", resp.StatusCode, err, cfg)
		}
		if resp, body := anna.Do(http.MethodGet, full, nil); resp.StatusCode != http.StatusOK || body != string(big(1)) {
			t.Fatalf("full photo: %d, %d bytes", resp.StatusCode, len(body))
		}

		// A retake: the old thumbnail's file goes with the photo's.
		if resp, page := uploadCarPhoto(t, anna, upload, hub.CarPhotoReturn, hub.CarPhotoFront, big(2)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("retake: %d\n%s", resp.StatusCode, page)
		}
		if w.media.Has(p.ThumbSHA256) || w.media.Has(p.SHA256) {
			t.Error("the replaced photo's thumbnail or file is still there")
		}

		// Deleted after the retention (as hub/loanpurge marks it).
		p, _ = h.Store.LoanCarPhoto(ctx, l.ID, hub.CarPhotoReturn, hub.CarPhotoFront)
		if err := h.Store.Gorm(ctx).Model(&hub.LoanCarPhoto{}).Where("id = ?", p.ID).Update("purged_at", time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		_, page = anna.Do(http.MethodGet, w.url, nil)
		if !strings.Contains(page, `<span class="car-purged">удалено по сроку хранения</span>`) {
			t.Error("the card does not say the photo was deleted")
		}
		if resp, _ := anna.Do(http.MethodGet, fmt.Sprintf("/inbox/loans/%d/car-photos/return/front?v=%d", l.ID, p.ID), nil); resp.StatusCode != http.StatusGone {
			t.Errorf("a deleted photo: %d, want 410", resp.StatusCode)
		}
	})
}
