package loan_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/templates"
)

// webpPhoto is a 1×1 lossless WebP, as a phone's browser may send.
func webpPhoto(t *testing.T) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// heicPhoto is laid out like an iPhone's HEIC: its container's brand
// (ftyp), the items' box (meta) and the picture's data (mdat), each box
// sized to the byte.
func heicPhoto() []byte {
	b := []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")
	b = append(b, "\x00\x00\x00\x30meta"...)
	b = append(b, bytes.Repeat([]byte{0}, 0x28)...)
	b = append(b, "\x00\x00\x00\xd0mdat"...)
	return append(b, bytes.Repeat([]byte{0x42}, 0xc8)...)
}

// The manual check: five photos one by one, each only "received ✓" on
// the page (never shown back), a retake replacing its kind and deleting
// the old file; the fifth submits the check for staff with a system
// line, and no photo reaches the DMS feed.
func TestManualIdentityPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, st)
		l, token := e.offer(nil)
		c, page := e.open(token)
		if strings.Count(page, `name="photo"`) != 5 || strings.Count(page, `capture="environment"`) != 4 || strings.Count(page, `capture="user"`) != 1 {
			t.Fatalf("want five photo inputs with the camera (the selfie's the front one):\n%s", snippet(page))
		}
		changesBefore := e.snapshot(l.ID).changes
		photos := map[string][]byte{
			hub.IDPhotoIDFront:      photoJPEG(t, 1),
			hub.IDPhotoIDBack:       encodePNG(t, image.NewGray(image.Rect(0, 0, 20, 10))),
			hub.IDPhotoLicenceFront: webpPhoto(t),
			hub.IDPhotoLicenceBack:  heicPhoto(),
			hub.IDPhotoSelfie:       photoJPEG(t, 2),
		}
		kinds := hub.IDPhotoKinds()
		for i, kind := range kinds[:4] {
			resp, body := c.upload(t, kind, "IMG_000"+string(rune('1'+i))+".jpg", photos[kind])
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != c.base+"?ok=photo_ok#identity" {
				t.Fatalf("upload %s: %d %q\n%s", kind, resp.StatusCode, resp.Header.Get("Location"), snippet(body))
			}
		}
		page = c.page(t)
		if got := strings.Count(page, ruReceived); got != 4 {
			t.Errorf("page shows %d photos received, want 4", got)
		}
		if l := e.loan(l.ID); l.IdentityStatus != hub.IdentityPending {
			t.Errorf("after four photos identity is %s, want pending", l.IdentityStatus)
		}
		files, err := st.LoanIdentityFiles(ctx, l.ID)
		if err != nil || len(files) != 4 {
			t.Fatalf("stored photos %+v %v", files, err)
		}
		wantTypes := []string{"image/jpeg", "image/png", "image/webp", "image/heic"}
		for i, f := range files {
			if f.ContentType != wantTypes[i] || f.SHA256 == "" || f.MediaPath != f.SHA256 {
				t.Errorf("photo %d: %+v, want %s", i, f, wantTypes[i])
			}
			// Never shown back: neither the picture nor its address.
			if strings.Contains(page, f.SHA256) || strings.Contains(page, "<img") {
				t.Errorf("the page shows photo %s", f.Kind)
			}
			if _, err := os.Stat(e.media.Path(f.SHA256)); err != nil {
				t.Errorf("photo %s not in the media store: %v", f.Kind, err)
			}
		}

		// A retake replaces the kind's photo; the old file goes.
		old := files[0].SHA256
		if resp, body := c.upload(t, hub.IDPhotoIDFront, "again.jpg", photoJPEG(t, 3)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("retake: %d\n%s", resp.StatusCode, snippet(body))
		}
		if _, err := os.Stat(e.media.Path(old)); !os.IsNotExist(err) {
			t.Errorf("the replaced photo's file is still there: %v", err)
		}
		files, _ = st.LoanIdentityFiles(ctx, l.ID)
		if len(files) != 4 || files[0].SHA256 == old {
			t.Errorf("after the retake: %+v", files)
		}

		resp, body := c.upload(t, hub.IDPhotoSelfie, "selfie.jpg", photos[hub.IDPhotoSelfie])
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != c.base+"?ok=photos_done#identity" {
			t.Fatalf("fifth photo: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), snippet(body))
		}
		got := e.loan(l.ID)
		if got.IdentityStatus != hub.IdentitySubmitted {
			t.Fatalf("after five photos identity is %s, want submitted", got.IdentityStatus)
		}
		page = c.page(t)
		if !strings.Contains(page, ruSubmitted) || strings.Contains(page, `name="photo"`) {
			t.Errorf("the page after five photos:\n%s", snippet(page))
		}
		if !strings.Contains(page, `<li class="step waiting"><span>Личность</span>`) || !strings.Contains(page, `<li class="step current" aria-current="step"><span>Договор</span>`) {
			t.Errorf("step bar after five photos: identity waiting, agreement current:\n%s", snippet(page))
		}
		msgs, _ := st.Messages(ctx, e.f.Thread.ID)
		var lines []hub.Message
		for _, m := range msgs {
			if m.TextKey == templates.SysLoanIdentitySubmitted {
				lines = append(lines, m)
			}
		}
		if len(lines) != 1 || lines[0].Direction != hub.DirectionSystem || !strings.Contains(lines[0].Text("ru"), e.car.Plate) {
			t.Errorf("staff lines %+v, want one system line naming the car", lines)
		}
		// No `loan` change, and nothing of the photos in the feed.
		changes, _ := st.ChangesAfter(ctx, []int64{e.f.Branch.ID}, 0, 1000)
		if len(changes) != changesBefore {
			t.Errorf("the photos added %d feed changes", len(changes)-changesBefore)
		}
		files, _ = st.LoanIdentityFiles(ctx, l.ID)
		for _, ch := range changes {
			for _, f := range files {
				if strings.Contains(ch.Data, f.SHA256) {
					t.Errorf("feed change %s names identity photo %s", ch.Type, f.Kind)
				}
			}
		}

		// Submitted: no more photos; nothing stored, no file left behind.
		before := e.snapshot(l.ID)
		resp, body = c.upload(t, hub.IDPhotoSelfie, "late.jpg", photoJPEG(t, 9))
		wantStatus(t, "photo after submission", resp, body, http.StatusConflict, ruClosed)
		if after := e.snapshot(l.ID); after != before {
			t.Errorf("a refused photo changed %+v → %+v", before, after)
		}

		// Staff refuse the photos: the page says so and takes none.
		e.change(l.ID, func(l *hub.Loan) { l.IdentityStatus = hub.IdentityRefused })
		if page = c.page(t); !strings.Contains(page, `id="identity-refused"`) || strings.Contains(page, `name="photo"`) {
			t.Errorf("refused identity:\n%s", snippet(page))
		}
	})
}

// Files that are not photos, however they are named, and photos over
// the limit are refused with a clear answer; nothing is stored and no
// file stays in the media store.
func TestIdentityPhotoRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		l, token := e.offer(nil)
		c, _ := e.open(token)
		jpegHead := photoJPEG(t, 1)[:64]
		big := append(photoJPEG(t, 1), bytes.Repeat([]byte{0}, testUploadMax)...)
		cases := []struct {
			what, kind, name string
			data             []byte
			status           int
			text             string
		}{
			{"SVG named .jpg", hub.IDPhotoIDFront, "id.jpg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), http.StatusUnsupportedMediaType, ruFileType},
			{"HTML named .png", hub.IDPhotoIDFront, "id.png", []byte("<!doctype html><script>alert(1)</script>"), http.StatusUnsupportedMediaType, ruFileType},
			{"script named .heic", hub.IDPhotoIDFront, "id.heic", []byte("alert(document.cookie)"), http.StatusUnsupportedMediaType, ruFileType},
			{"PDF", hub.IDPhotoIDFront, "id.pdf", []byte("%PDF-1.4\n%%EOF"), http.StatusUnsupportedMediaType, ruFileType},
			{"a JPEG's first bytes only", hub.IDPhotoIDFront, "id.jpg", jpegHead[:3], http.StatusUnsupportedMediaType, ruFileType},
			{"a PNG signature then HTML", hub.IDPhotoIDFront, "id.png", []byte("\x89PNG\r\n\x1a\n<html><script>alert(1)</script>"), http.StatusUnsupportedMediaType, ruFileType},
			{"RIFF WEBP then garbage", hub.IDPhotoIDFront, "id.webp", []byte("RIFF\x10\x00\x00\x00WEBPjunkjunkjunk"), http.StatusUnsupportedMediaType, ruFileType},
			{"over the limit", hub.IDPhotoIDFront, "id.jpg", big, http.StatusRequestEntityTooLarge, ruTooBig},
			{"no file", hub.IDPhotoIDFront, "", nil, http.StatusUnprocessableEntity, "Выберите или сделайте фото."},
			{"empty file", hub.IDPhotoIDFront, "id.jpg", []byte{}, http.StatusUnprocessableEntity, "Выберите или сделайте фото."},
			{"a made-up kind", "passport_photo", "id.jpg", photoJPEG(t, 1), http.StatusUnprocessableEntity, "Выберите или сделайте фото."},
		}
		before := e.snapshot(l.ID)
		for _, tc := range cases {
			resp, body := c.upload(t, tc.kind, tc.name, tc.data)
			wantStatus(t, tc.what, resp, body, tc.status, tc.text)
			if after := e.snapshot(l.ID); after != before {
				t.Errorf("%s changed %+v → %+v", tc.what, before, after)
			}
		}
	})
}

// The same photo sent many times at once (a double tap, a flaky
// network), and different photos at once: each kind has one current
// photo, the check is submitted exactly once with one staff line, and
// no replaced file stays behind.
func TestIdentityPhotosAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, st)
		l, token := e.offer(nil)
		c, _ := e.open(token)
		var reqs []*http.Request
		for i := range 15 {
			reqs = append(reqs, c.uploadRequest(t, hub.IDPhotoKinds()[i%5], "p.jpg", photoJPEG(t, i)))
		}
		statuses := e.sendAll(reqs)
		for _, s := range statuses {
			if s != http.StatusSeeOther && s != http.StatusConflict {
				t.Errorf("a photo sent at once: %d, want 303 or 409", s)
			}
		}
		files, err := st.LoanIdentityFiles(ctx, l.ID)
		if err != nil || len(files) != 5 {
			t.Fatalf("current photos %d %v, want one of each kind", len(files), err)
		}
		if got := e.loan(l.ID).IdentityStatus; got != hub.IdentitySubmitted {
			t.Errorf("identity %s, want submitted", got)
		}
		msgs, _ := st.Messages(ctx, e.f.Thread.ID)
		n := 0
		for _, m := range msgs {
			if m.TextKey == templates.SysLoanIdentitySubmitted {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d staff lines, want 1", n)
		}
		// Every file in the media store is a current photo's.
		var current []string
		for _, f := range files {
			current = append(current, f.SHA256)
		}
		for _, name := range e.mediaFiles() {
			if !slices.Contains(current, name) {
				t.Errorf("media file %s belongs to no current photo", name)
			}
		}
	})
}

// The online check: a button that opens the provider's page (303, the
// address neither stored nor logged) with the page as the way back; the
// failed, processing and verified states; a provider that fails; and the
// manual photos when the hub has no online check.
func TestOnlineIdentityCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		f := &fakes{identityURL: "https://verify.stripe.com/start/test_YWNjdF8xMjM0NTY3ODkw"}
		e := newEnv(t, st, withFakes(f))
		stripe := func(l *hub.Loan) { l.IdentityMethod = hub.IdentityStripe }
		l, token := e.offer(stripe)
		c, page := e.open(token)
		if !strings.Contains(page, `id="identity-start"`) || strings.Contains(page, `name="photo"`) {
			t.Fatalf("want the online check's button, no photo inputs:\n%s", snippet(page))
		}
		resp, body := c.Post(c.base+"/identity/start", url.Values{})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != f.identityURL {
			t.Fatalf("start: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), snippet(body))
		}
		if f.identityReturn != testPublicURL+"/l/"+token {
			t.Errorf("return URL %q, want the page", f.identityReturn)
		}
		if strings.Contains(e.log.String(), f.identityURL) {
			t.Error("the provider's page was logged")
		}

		// A failed try: say so and offer it again.
		e.change(l.ID, func(l *hub.Loan) { l.IdentityError = "document_unverified_other" })
		page = c.page(t)
		if !strings.Contains(page, `id="identity-failed"`) || !strings.Contains(page, "Попробовать ещё раз") || strings.Contains(page, "document_unverified_other") {
			t.Errorf("failed try: want the failure in words and the button again:\n%s", snippet(page))
		}
		// The provider does not answer: 503 with words, no redirect.
		f.identityErr = errProviderDown
		resp, body = c.Post(c.base+"/identity/start", url.Values{})
		wantStatus(t, "provider down", resp, body, http.StatusServiceUnavailable, "Проверка личности сейчас недоступна.")
		f.identityErr, f.identityURL = nil, "javascript:alert(1)"
		resp, body = c.Post(c.base+"/identity/start", url.Values{})
		wantStatus(t, "provider gives a non-web address", resp, body, http.StatusServiceUnavailable, "Проверка личности сейчас недоступна.")

		e.change(l.ID, func(l *hub.Loan) { l.IdentityStatus, l.IdentityError = hub.IdentityProcessing, "" })
		page = c.page(t)
		if !strings.Contains(page, `id="identity-processing"`) || strings.Contains(page, `id="identity-start"`) {
			t.Errorf("processing: want the wait, no button:\n%s", snippet(page))
		}
		calls := f.identityCalls
		resp, body = c.Post(c.base+"/identity/start", url.Values{})
		wantStatus(t, "start while processing", resp, body, http.StatusConflict, ruClosed)
		if f.identityCalls != calls {
			t.Error("the provider was asked while the check is processing")
		}
		e.change(l.ID, func(l *hub.Loan) { l.IdentityStatus = hub.IdentityVerified })
		page = c.page(t)
		if !strings.Contains(page, "✓ Личность подтверждена.") || !strings.Contains(page, `<li class="step done"><span>Личность</span>`) {
			t.Errorf("verified:\n%s", snippet(page))
		}
		// A photo for an online check is refused.
		resp, body = c.upload(t, hub.IDPhotoIDFront, "id.jpg", photoJPEG(t, 1))
		wantStatus(t, "photo for an online check", resp, body, http.StatusConflict, ruClosed)
	})
}

// Without an online check in the hub, a branch set to Stripe gets the
// manual photos, and the start button is refused.
func TestOnlineCheckMissingFallsBackToPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		_, token := e.offer(func(l *hub.Loan) { l.IdentityMethod = hub.IdentityStripe })
		c, page := e.open(token)
		if strings.Count(page, `name="photo"`) != 5 || strings.Contains(page, `id="identity-start"`) {
			t.Fatalf("want the manual photos:\n%s", snippet(page))
		}
		resp, body := c.Post(c.base+"/identity/start", url.Values{})
		wantStatus(t, "start without an online check", resp, body, http.StatusConflict, ruClosed)
		for i, kind := range hub.IDPhotoKinds() {
			if resp, body := c.upload(t, kind, "p.jpg", photoJPEG(t, i)); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("photo %s: %d\n%s", kind, resp.StatusCode, snippet(body))
			}
		}
	})
}
