package inbox_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// mechNoisyPNG is a real PNG larger than the hub's 64 KiB small-body limit, so
// its upload also proves the upload path is in the app's upload table.
func mechNoisyPNG(t *testing.T) []byte {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	img := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			img.Set(x, y, color.RGBA{R: uint8(r.IntN(256)), G: uint8(r.IntN(256)), B: uint8(r.IntN(256)), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 64<<10 {
		t.Fatalf("test PNG only %d bytes", buf.Len())
	}
	return buf.Bytes()
}

// mechPNGBomb is a valid 1×1 PNG whose header claims 50 000 × 50 000 pixels.
func mechPNGBomb(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	binary.BigEndian.PutUint32(b[16:], 50_000)
	binary.BigEndian.PutUint32(b[20:], 50_000)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// mechInspection: Миша (mechanic, branch A) with A's inspection open.
type mechInspection struct {
	h     *apptest.Hub
	w     *world
	misha *browser
	url   string // A's inspection page
	insp  hub.Inspection
	items []hub.InspectionItem
}

func mechOpenInspection(t *testing.T, h *apptest.Hub) *mechInspection {
	t.Helper()
	w := newWorld(t, h)
	addMechanic(t, h)
	f := &mechInspection{h: h, w: w, misha: w.signIn(t, "misha"), url: fmt.Sprintf("/mechanic/orders/%d/inspection", w.a.ID)}
	resp, page := f.misha.Do(http.MethodGet, f.url, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("inspection page: %d\n%s", resp.StatusCode, page)
	}
	ctx := context.Background()
	var err error
	if f.insp, err = h.Store.InspectionOf(ctx, *w.a.WorkOrderID); err != nil {
		t.Fatal(err)
	}
	if f.items, err = h.Store.InspectionItems(ctx, f.insp.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

// mechJSONPost posts form (urlencoded, with the CSRF token) as inspection.js
// does and decodes the answer.
func mechJSONPost(t *testing.T, b *browser, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	form.Set("csrf", b.CSRF)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, body := b.Send(req)
	var out map[string]any
	if err := json.Unmarshal([]byte(body), &out); err != nil && resp.StatusCode < 300 {
		t.Fatalf("%s: %d, not JSON: %s", path, resp.StatusCode, body)
	}
	return resp.StatusCode, out
}

// mechRefused posts form as the script does and tells whether it was
// refused with words: the page's 422 {"error": …}, or the app's 400 naming
// the field for a NUL or bytes that are not UTF-8 (refused at the edge).
func mechRefused(t *testing.T, b *browser, path string, form url.Values) bool {
	t.Helper()
	form.Set("csrf", b.CSRF)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, body := b.Send(req)
	var out struct{ Error string }
	switch resp.StatusCode {
	case http.StatusUnprocessableEntity:
		return json.Unmarshal([]byte(body), &out) == nil && out.Error != ""
	case http.StatusBadRequest:
		return strings.Contains(body, "«")
	}
	t.Logf("%s: %d %s", path, resp.StatusCode, body)
	return false
}

// mechUploadRequest is inspection.js's upload of one file.
func mechUploadRequest(t *testing.T, b *browser, path, key, name string, content []byte) *http.Request {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", b.CSRF)
	_ = mw.WriteField("upload_key", key)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	b.AddCookies(req)
	return req
}

func mechUpload(t *testing.T, b *browser, path, key, name string, content []byte) (int, map[string]any) {
	t.Helper()
	resp, body := b.Send(mechUploadRequest(t, b, path, key, name, content))
	var out map[string]any
	_ = json.Unmarshal([]byte(body), &out)
	return resp.StatusCode, out
}

func (f *mechInspection) item(t *testing.T, id int64) hub.InspectionItem {
	t.Helper()
	items, err := f.h.Store.InspectionItems(context.Background(), f.insp.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("item %d gone", id)
	return hub.InspectionItem{}
}

// The page starts the inspection from the branch's checklist, grouped by
// section, with the phone's controls; another branch's order is 404, and
// the mechanic's order page links to it.
func TestInspectionPageShowsTheChecklist(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		f := mechOpenInspection(t, h)
		f.misha.Lang = "ru"
		_, page := f.misha.Do(http.MethodGet, f.url, nil)
		for _, want := range []string{"Осмотр · ЗН-1", "<h2>Шины</h2>", "<h2>Тормоза</h2>", "Шина передняя левая, протектор",
			`inputmode="decimal"`, `capture="environment"`, `accept="image/*,video/*"`, `name="state" value="red"`,
			fmt.Sprintf(`id="item-%d"`, f.items[0].ID), `action="` + f.url + `/items"`, "inspection.js"} {
			if !strings.Contains(page, want) {
				t.Errorf("inspection page lacks %q", want)
			}
		}
		if len(f.items) != len(hub.DefaultChecklist()) {
			t.Fatalf("%d items", len(f.items))
		}
		f.misha.Lang = "pl"
		if _, page := f.misha.Do(http.MethodGet, f.url, nil); !strings.Contains(page, "Opona przednia lewa") || !strings.Contains(page, "Przegląd") {
			t.Error("the page is not in Polish for a Polish phone")
		}
		bURL := fmt.Sprintf("/mechanic/orders/%d/inspection", f.w.b.ID)
		if resp, _ := f.misha.Do(http.MethodGet, bURL, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("branch B's inspection: %d, want 404", resp.StatusCode)
		}
		if _, err := h.Store.InspectionOf(context.Background(), *f.w.b.WorkOrderID); err == nil {
			t.Error("opening B's inspection from A started one")
		}
		if _, page := f.misha.Do(http.MethodGet, fmt.Sprintf("/mechanic/orders/%d", f.w.a.ID), nil); !strings.Contains(page, `href="`+f.url+`"`) {
			t.Error("the mechanic's order page does not link the inspection")
		}
	})
}

// Each change saves at once; bad input is a clear error that stores
// nothing; another branch's or inspection's item is 404.
func TestInspectionItemEdits(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		f := mechOpenInspection(t, h)
		tyre := f.items[0]
		itemURL := fmt.Sprintf("%s/items/%d", f.url, tyre.ID)

		status, body := mechJSONPost(t, f.misha, itemURL, url.Values{"state": {"red"}, "value": {" 1,6 "}})
		if status != http.StatusOK || body["state"] != "red" || body["value"] != "1.6" {
			t.Fatalf("save: %d %v", status, body)
		}
		// Only the note: state and value stay.
		if status, _ := mechJSONPost(t, f.misha, itemURL, url.Values{"note": {"Корд виден"}}); status != http.StatusOK {
			t.Fatalf("note: %d", status)
		}
		got := f.item(t, tyre.ID)
		if got.State != hub.ItemRed || got.Value != "1.6" || got.Note != "Корд виден" || got.UpdatedBy != "Миша" {
			t.Fatalf("stored %+v", got)
		}
		// Without the script: a form post comes back to the item.
		resp, _ := post(f.misha, itemURL, "state", "yellow", "value", "2", "note", "Корд виден")
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != fmt.Sprintf("%s?ok=saved#item-%d", f.url, tyre.ID) {
			t.Fatalf("form post: %d %s", resp.StatusCode, loc)
		}

		before := f.item(t, tyre.ID)
		for name, form := range map[string]url.Values{
			"unknown state": {"state": {"purple"}},
			"not a number":  {"value": {"четыре"}},
			"NUL in value":  {"value": {"4\x00"}},
			"NUL in note":   {"note": {"a\x00b"}},
			"invalid UTF-8": {"note": {"a\xffb"}},
			"huge note":     {"note": {strings.Repeat("я", 2001)}},
		} {
			if !mechRefused(t, f.misha, itemURL, form) {
				t.Errorf("%s: not refused with a message", name)
			}
		}
		resp, _ = post(f.misha, itemURL, "value", "abc")
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "?err=value#item-") {
			t.Errorf("bad value without the script: %d %s", resp.StatusCode, loc)
		}
		if after := f.item(t, tyre.ID); after != before {
			t.Fatalf("refused edits changed the item: %+v → %+v", before, after)
		}

		// B's inspection's item under A's page; A's item under B's page.
		anna := f.w.signIn(t, "anna")
		bInsp, err := h.Store.StartInspection(context.Background(), f.w.b, "Олег")
		if err != nil {
			t.Fatal(err)
		}
		bItems, _ := h.Store.InspectionItems(context.Background(), bInsp.ID)
		if status, _ := mechJSONPost(t, anna, fmt.Sprintf("%s/items/%d", f.url, bItems[0].ID), url.Values{"state": {"red"}}); status != http.StatusNotFound {
			t.Errorf("B's item under A's page: %d, want 404", status)
		}
		bURL := fmt.Sprintf("/mechanic/orders/%d/inspection/items/%d", f.w.b.ID, tyre.ID)
		if status, _ := mechJSONPost(t, f.misha, bURL, url.Values{"state": {"green"}}); status != http.StatusNotFound {
			t.Errorf("A's item under B's page: %d, want 404", status)
		}
		req := httptest.NewRequest(http.MethodPost, itemURL, strings.NewReader("state=green"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, _ := f.misha.Send(req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("no CSRF token: %d, want 403", resp.StatusCode)
		}
		if got := f.item(t, tyre.ID); got.State != hub.ItemYellow {
			t.Fatalf("refused requests changed the item: %+v", got)
		}
	})
}

// A free item posted fifteen times at once is added once; a name with a
// control character is refused.
func TestInspectionFreeItemOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		f := mechOpenInspection(t, h)
		var wg sync.WaitGroup
		codes := make([]int, 15)
		for n := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				form := url.Values{"csrf": {f.misha.CSRF}, "name": {"Скол на лобовом"}, "unit": {"мм"}}
				req := httptest.NewRequest(http.MethodPost, f.url+"/items", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				f.misha.AddCookies(req)
				resp, err := h.Server.App().Test(req, -1)
				if err == nil {
					codes[n] = resp.StatusCode
					resp.Body.Close()
				}
			}()
		}
		wg.Wait()
		for n, c := range codes {
			if c != http.StatusSeeOther {
				t.Fatalf("post %d: %d", n, c)
			}
		}
		items, err := h.Store.InspectionItems(context.Background(), f.insp.ID)
		if err != nil || len(items) != len(f.items)+1 || items[len(items)-1].Code != "free-1" || items[len(items)-1].Unit != "мм" {
			t.Fatalf("%d items (was %d), last %+v, %v", len(items), len(f.items), items[len(items)-1], err)
		}
		if _, page := f.misha.Do(http.MethodGet, f.url, nil); !strings.Contains(page, "Скол на лобовом") {
			t.Error("the free item is not on the page")
		}
		for _, name := range []string{"", "a\x00b", "a\xff", strings.Repeat("x", 121)} {
			if !mechRefused(t, f.misha, f.url+"/items", url.Values{"name": {name}}) {
				t.Errorf("name %q: not refused with a message", name)
			}
		}
		if n := count(t, h, "inspection_items"); n != int64(len(f.items)+1) {
			t.Fatalf("refused names stored items: %d", n)
		}
	})
}

// Photos: stored with a thumbnail and served to staff of the branch only;
// an SVG or text named .jpg, a decompression bomb, a missing key are clear
// errors storing nothing; the same upload fifteen times at once is one row.
func TestInspectionUploads(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		f := mechOpenInspection(t, h)
		pads := f.items[5]
		mediaPath := fmt.Sprintf("%s/items/%d/media", f.url, pads.ID)
		photo := mechNoisyPNG(t)

		for name, tc := range map[string]struct {
			key, file string
			content   []byte
			status    int
			code      string
		}{
			"svg as jpg":  {"k-svg", "pads.jpg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), http.StatusUnsupportedMediaType, "file_type"},
			"html as jpg": {"k-html", "pads.jpg", []byte("<!doctype html><p>hi"), http.StatusUnsupportedMediaType, "file_type"},
			"bomb":        {"k-bomb", "pads.png", mechPNGBomb(t), http.StatusUnprocessableEntity, "image_too_big"},
			"broken jpeg": {"k-broken", "pads.jpg", []byte("\xff\xd8\xff\xe0 not a real jpeg"), http.StatusUnprocessableEntity, "bad_image"},
			"no key":      {"", "pads.png", photo, http.StatusUnprocessableEntity, "upload_key"},
			"bad key":     {"a/../b", "pads.png", photo, http.StatusUnprocessableEntity, "upload_key"},
			"empty file":  {"k-empty", "pads.png", nil, http.StatusUnprocessableEntity, "no_file"},
		} {
			status, body := mechUpload(t, f.misha, mediaPath, tc.key, tc.file, tc.content)
			if msg, _ := body["error"].(string); status != tc.status || body["code"] != tc.code || msg == "" {
				t.Errorf("%s: %d %v, want %d %s", name, status, body, tc.status, tc.code)
			}
		}
		if n := count(t, h, "inspection_media"); n != 0 {
			t.Fatalf("refused uploads stored %d rows", n)
		}

		// Fifteen tries of one upload at once (a retry storm on bad Wi-Fi).
		var wg sync.WaitGroup
		codes := make([]int, 15)
		for n := range codes {
			req := mechUploadRequest(t, f.misha, mediaPath, "same-key-1", "pads.png", photo)
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := h.Server.App().Test(req, -1)
				if err == nil {
					codes[n] = resp.StatusCode
					resp.Body.Close()
				}
			}()
		}
		wg.Wait()
		for n, c := range codes {
			if c != http.StatusOK {
				t.Fatalf("upload %d: %d", n, c)
			}
		}
		if n := count(t, h, "inspection_media"); n != 1 {
			t.Fatalf("one upload fifteen times stored %d rows", n)
		}
		status, body := mechUpload(t, f.misha, mediaPath, "same-key-1", "pads.png", photo)
		thumbURL, _ := body["thumb"].(string)
		fileURL, _ := body["url"].(string)
		if status != http.StatusOK || fileURL == "" || thumbURL != fileURL+"/thumb" {
			t.Fatalf("retry: %d %v", status, body)
		}

		resp, raw := f.misha.Do(http.MethodGet, fileURL, nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || raw != string(photo) ||
			!strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("file: %d %v", resp.StatusCode, resp.Header)
		}
		resp, raw = f.misha.Do(http.MethodGet, thumbURL, nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("thumb: %d %v", resp.StatusCode, resp.Header)
		}
		thumb, err := jpeg.Decode(strings.NewReader(raw))
		if err != nil || thumb.Bounds().Dx() != 300 || thumb.Bounds().Dy() != 200 {
			t.Fatalf("thumb is not the picture's JPEG: %v %v", thumb, err)
		}
		if _, page := f.misha.Do(http.MethodGet, f.url, nil); !strings.Contains(page, `<img src="`+thumbURL+`"`) {
			t.Error("the page does not show the thumbnail")
		}
		// Branch B's advisor gets neither.
		oleg := f.w.signIn(t, "oleg")
		for _, p := range []string{fileURL, thumbURL, "/inspection/media/999999", "/inspection/media/x"} {
			if resp, _ := oleg.Do(http.MethodGet, p, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("B's advisor GET %s: %d, want 404", p, resp.StatusCode)
			}
		}

		// HEIC and video have no pure-Go decoder: stored without a thumbnail.
		for name, content := range map[string][]byte{"pads.heic": []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"),
			"pads.mp4": []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")} {
			status, body := mechUpload(t, f.misha, mediaPath, "key-"+name[5:], name, content)
			if status != http.StatusOK || body["thumb"] != "" || body["video"] != (name == "pads.mp4") {
				t.Errorf("%s: %d %v", name, status, body)
			}
			if resp, _ := f.misha.Do(http.MethodGet, body["url"].(string)+"/thumb", nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s thumb: %d, want 404", name, resp.StatusCode)
			}
			id := int64(body["id"].(float64))
			if status, _ := mechJSONPost(t, f.misha, fmt.Sprintf("%s/media/%d/delete", f.url, id), url.Values{}); status != http.StatusOK {
				t.Fatalf("delete %s: %d", name, status)
			}
		}

		// Delete: from B's page 404; from A's page gone, twice is fine.
		id := int64(body["id"].(float64))
		bDelete := fmt.Sprintf("/mechanic/orders/%d/inspection/media/%d/delete", f.w.b.ID, id)
		if resp, _ := post(f.misha, bDelete); resp.StatusCode != http.StatusNotFound {
			t.Errorf("delete under B's page: %d, want 404", resp.StatusCode)
		}
		del := fmt.Sprintf("%s/media/%d/delete", f.url, id)
		for i := 0; i < 2; i++ {
			if status, _ := mechJSONPost(t, f.misha, del, url.Values{}); status != http.StatusOK {
				t.Fatalf("delete %d: %d", i, status)
			}
		}
		if n := count(t, h, "inspection_media"); n != 0 {
			t.Fatalf("deleted media still has %d rows", n)
		}
		if resp, _ := f.misha.Do(http.MethodGet, fileURL, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("deleted file: %d, want 404", resp.StatusCode)
		}
	})
}
