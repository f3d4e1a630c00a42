package inbox_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"naryad/app/apptest"
	"naryad/hub"
)

// Attacks on the mechanic's inspection routes from outside: hostile file
// names and EXIF, many different requests at once, a mechanic posting
// the advisor's forms. Each must end in a clear answer, never a 500.

// atkJPEG is a real 64×32 JPEG.
func atkJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x * 4), G: uint8(y * 8), B: 90, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// atkWithAPP1 puts an APP1 segment holding tiff right after the JPEG's SOI.
func atkWithAPP1(jpg, tiff []byte) []byte {
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xFF, 0xE1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// atkTIFF is a little-endian TIFF header whose first IFD is at ifd and
// claims n entries, followed by body.
func atkTIFF(ifd uint32, n uint16, body []byte) []byte {
	t := []byte("II*\x00")
	t = binary.LittleEndian.AppendUint32(t, ifd)
	t = binary.LittleEndian.AppendUint16(t, n)
	return append(t, body...)
}

func TestAttackInspectionHostileJPEGs(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		f := mechOpenInspection(t, h)
		mediaPath := fmt.Sprintf("%s/items/%d/media", f.url, f.items[0].ID)
		jpg := atkJPEG(t)
		orient6 := binary.LittleEndian.AppendUint16(nil, 0x0112)
		orient6 = binary.LittleEndian.AppendUint16(orient6, 3)
		orient6 = binary.LittleEndian.AppendUint32(orient6, 1)
		orient6 = binary.LittleEndian.AppendUint16(orient6, 6)
		orient6 = append(orient6, 0, 0)
		wrongType := append([]byte{}, orient6...)
		wrongType[2] = 4
		for name, tc := range map[string]struct {
			content []byte
			ok      bool
		}{
			"ifd far outside":     {atkWithAPP1(jpg, atkTIFF(0xFFFFFFF0, 1, nil)), true},
			"ifd before header":   {atkWithAPP1(jpg, atkTIFF(0, 1, nil)), true},
			"ifd points at self":  {atkWithAPP1(jpg, atkTIFF(8, 0xFFFF, orient6)), true},
			"huge count":          {atkWithAPP1(jpg, atkTIFF(8, 0xFFFF, bytes.Repeat([]byte{0xFF}, 200))), true},
			"orientation 6":       {atkWithAPP1(jpg, atkTIFF(8, 1, orient6)), true},
			"orientation as LONG": {atkWithAPP1(jpg, atkTIFF(8, 1, wrongType)), true},
			"segment size 0":      {append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0, 0}, jpg[2:]...), false},
			"segment past end":    {append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, jpg[2:]...), false},
			"truncated":           {jpg[:len(jpg)/2], false},
			"only SOI":            {[]byte{0xFF, 0xD8, 0xFF}, false},
		} {
			status, body := mechUpload(t, f.misha, mediaPath, "k-"+strings.ReplaceAll(name, " ", "-"), "x.jpg", tc.content)
			switch {
			case tc.ok && status != http.StatusOK:
				t.Errorf("%s: %d %v, want 200", name, status, body)
			case !tc.ok && (status != http.StatusUnprocessableEntity || body["code"] != "bad_image"):
				t.Errorf("%s: %d %v, want 422 bad_image", name, status, body)
			}
			if name == "orientation 6" && status == http.StatusOK {
				resp, raw := f.misha.Do(http.MethodGet, body["thumb"].(string), nil)
				img, err := jpeg.Decode(strings.NewReader(raw))
				if resp.StatusCode != http.StatusOK || err != nil || img.Bounds().Dx() != 32 || img.Bounds().Dy() != 64 {
					t.Errorf("orientation 6 thumbnail not turned: %d %v", resp.StatusCode, err)
				}
			}
		}
	})
}

// A file name of bytes that are not UTF-8, a NUL, a path or 10 KB is
// stored as a short readable name, never a 500.
func TestAttackInspectionUploadNames(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		f := mechOpenInspection(t, h)
		mediaPath := fmt.Sprintf("%s/items/%d/media", f.url, f.items[0].ID)
		jpg := atkJPEG(t)
		for n, name := range []string{"\xff\xfe.jpg", "a\x00b.jpg", "../../etc/passwd", strings.Repeat("я", 5000) + ".jpg",
			"a\r\nContent-Type: text/html\r\n.jpg", "\"; filename=evil.html", "\u202egpj.exe"} {
			resp, raw := f.misha.Send(mechUploadRequest(t, f.misha, mediaPath, fmt.Sprintf("name-%d", n), name, jpg))
			status := resp.StatusCode
			var body map[string]any
			_ = json.Unmarshal([]byte(raw), &body)
			if !utf8.ValidString(name) || strings.ContainsRune(name, 0) {
				// Refused at the edge (400 naming the field; a NUL breaks
				// the multipart header, so the token is not read: 403).
				if status != http.StatusBadRequest && status != http.StatusForbidden {
					t.Errorf("name %q: %d %s", name, status, raw)
				}
				continue
			}
			if status != http.StatusOK {
				t.Errorf("name %q: %d %s", name, status, raw)
				continue
			}
			stored, _ := body["name"].(string)
			if !utf8.ValidString(stored) || utf8.RuneCountInString(stored) > 120 || strings.ContainsAny(stored, "\x00\r\n/") {
				t.Errorf("name %q stored as %q", name, stored)
			}
			resp, _ = f.misha.Do(http.MethodGet, body["url"].(string), nil)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" {
				t.Errorf("name %q: GET %d %v", name, resp.StatusCode, resp.Header)
			}
		}
	})
}

// Fifteen different uploads, fifteen different free items and fifteen
// edits of different items, each all at once: every one stored once.
func TestAttackInspectionManyAtOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		f := mechOpenInspection(t, h)
		mediaPath := fmt.Sprintf("%s/items/%d/media", f.url, f.items[1].ID)
		jpg := atkJPEG(t)
		run := func(what string, mk func(n int) *http.Request, want int) {
			var wg sync.WaitGroup
			codes := make([]int, 15)
			for n := range codes {
				req := mk(n)
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
				if c != want {
					t.Errorf("%s %d: %d, want %d", what, n, c, want)
				}
			}
		}
		form := func(path string, v url.Values) *http.Request {
			v.Set("csrf", f.misha.CSRF)
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept", "application/json")
			f.misha.AddCookies(req)
			return req
		}
		run("upload", func(n int) *http.Request {
			return mechUploadRequest(t, f.misha, mediaPath, fmt.Sprintf("key-%d", n), "x.jpg", jpg)
		}, http.StatusOK)
		if n := count(t, h, "inspection_media"); n != 15 {
			t.Errorf("15 uploads stored %d rows", n)
		}
		run("free item", func(n int) *http.Request {
			return form(f.url+"/items", url.Values{"name": {fmt.Sprintf("Своё %d", n)}})
		}, http.StatusOK)
		items, _ := h.Store.InspectionItems(context.Background(), f.insp.ID)
		codes := map[string]bool{}
		for _, it := range items {
			codes[it.Code] = true
		}
		if len(items) != len(f.items)+15 || len(codes) != len(items) {
			t.Errorf("15 free items: %d items (was %d), %d codes", len(items), len(f.items), len(codes))
		}
		run("edit", func(n int) *http.Request {
			return form(fmt.Sprintf("%s/items/%d", f.url, f.items[n].ID), url.Values{"state": {hub.ItemRed}, "note": {"x"}})
		}, http.StatusOK)
		insp, _ := h.Store.InspectionOf(context.Background(), f.insp.WorkOrderID)
		for _, it := range f.items[:15] {
			if got := f.item(t, it.ID); got.State != hub.ItemRed || got.Note != "x" {
				t.Errorf("edit of item %d lost: %+v", it.ID, got)
			}
		}
		if insp.Revision <= f.insp.Revision+45 {
			t.Errorf("revision %d, want over %d", insp.Revision, f.insp.Revision+45)
		}
	})
}

// A mechanic may not send the inspection or hide an item: the advisor's
// routes refuse, nothing changes.
func TestAttackMechanicPostsAdvisorForms(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		f := mechOpenInspection(t, h)
		if status, _ := mechJSONPost(t, f.misha, fmt.Sprintf("%s/items/%d", f.url, f.items[0].ID), url.Values{"state": {"red"}}); status != http.StatusOK {
			t.Fatalf("edit: %d", status)
		}
		thread := fmt.Sprintf("/inbox/threads/%d/inspection", f.w.a.ID)
		for path, form := range map[string][]string{
			thread + "/send": nil,
			fmt.Sprintf("%s/items/%d", thread, f.items[0].ID): {"hidden", "1"},
			// hidden under the mechanic's own route is not a field it takes
			fmt.Sprintf("%s/items/%d", f.url, f.items[0].ID): {"hidden", "1"},
		} {
			resp, _ := post(f.misha, path, form...)
			if resp.StatusCode >= 500 {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
		}
		insp, _ := h.Store.InspectionOf(context.Background(), f.insp.WorkOrderID)
		if insp.Sent() || f.item(t, f.items[0].ID).Hidden {
			t.Fatalf("a mechanic sent or hid: %+v", insp)
		}
	})
}

// atkPNG is a valid w×h 8-bit RGBA PNG of zeros: a few kilobytes that
// decode to w·h·4 bytes.
func atkPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	chunk := func(out *bytes.Buffer, kind string, data []byte) {
		_ = binary.Write(out, binary.BigEndian, uint32(len(data)))
		c := append([]byte(kind), data...)
		out.Write(c)
		_ = binary.Write(out, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	chunk(&out, "IHDR", append(ihdr, 8, 6, 0, 0, 0))
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	row := make([]byte, 1+w*4)
	for range h {
		_, _ = z.Write(row)
	}
	_ = z.Close()
	chunk(&out, "IDAT", idat.Bytes())
	chunk(&out, "IEND", nil)
	return out.Bytes()
}

// Fifteen uploads at once of a small PNG that decodes to 36 MB each (a
// retry storm, or a hostile phone): the thumbnails are made a few at a
// time, so the hub's memory does not grow by fifteen pictures at once.
func TestAttackInspectionUploadStormMemory(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		f := mechOpenInspection(t, h)
		mediaPath := fmt.Sprintf("%s/items/%d/media", f.url, f.items[2].ID)
		bomb := atkPNG(t, 3000, 3000)
		reqs := make([]*http.Request, 15)
		for n := range reqs {
			reqs[n] = mechUploadRequest(t, f.misha, mediaPath, fmt.Sprintf("storm-%d", n), "x.png", bomb)
		}
		// Garbage collected promptly, so the peak is what is in use.
		defer debug.SetGCPercent(debug.SetGCPercent(10))
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base, peak := ms.HeapAlloc, ms.HeapAlloc
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			var ms runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}()
		var wg sync.WaitGroup
		codes := make([]int, len(reqs))
		for n, req := range reqs {
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
		close(stop)
		<-sampled
		for n, c := range codes {
			if c != http.StatusOK && c != http.StatusServiceUnavailable {
				t.Errorf("upload %d: %d", n, c)
			}
		}
		t.Logf("codes %v", codes)
		if grew := (peak - base) >> 20; grew > 250 {
			t.Errorf("fifteen uploads at once grew the heap by %d MB", grew)
		}
	})
}

// The page opened fifteen times at once on a fresh order starts one
// inspection with one set of items; ids out of range are 404.
func TestAttackInspectionOpenedAtOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		addMechanic(t, h)
		misha := w.signIn(t, "misha")
		page := fmt.Sprintf("/mechanic/orders/%d/inspection", w.a.ID)
		// Before the page was ever opened: no inspection, every post 404.
		if status, _ := mechJSONPost(t, misha, page+"/items", url.Values{"name": {"x"}}); status != http.StatusNotFound {
			t.Errorf("free item before the page: %d", status)
		}
		var wg sync.WaitGroup
		codes := make([]int, 15)
		for n := range codes {
			req := httptest.NewRequest(http.MethodGet, page, nil)
			misha.AddCookies(req)
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
				t.Errorf("open %d: %d", n, c)
			}
		}
		if n := count(t, h, "inspections"); n != 1 {
			t.Fatalf("%d inspections", n)
		}
		if n := count(t, h, "inspection_items"); n != int64(len(hub.DefaultChecklist())) {
			t.Fatalf("%d items", n)
		}
		for _, p := range []string{"/items/99999999999999999999", "/items/-1", "/items/0", "/items/1e3", "/items/%00",
			"/media/99999999999999999999/delete", "/items/99999999999999999999/media"} {
			if status, _ := mechJSONPost(t, misha, page+p, url.Values{"state": {"red"}}); status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", p, status)
			}
		}
		for _, p := range []string{"/inspection/media/99999999999999999999", "/inspection/media/-1/thumb"} {
			if resp, _ := misha.Do(http.MethodGet, p, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
			}
		}
	})
}

// Sent, edited by the mechanic, then sent fifteen times at once: one more
// change, of the new revision; then nothing to send.
func TestAttackInspectionResendAtOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newInspWorld(t, h)
		anna := w.signIn(t, "anna")
		if resp, _ := post(anna, w.url+"/inspection/send"); resp.StatusCode != http.StatusSeeOther || w.changes(t) != 1 {
			t.Fatalf("send: %d, %d changes", resp.StatusCode, w.changes(t))
		}
		addMechanic(t, h)
		misha := w.signIn(t, "misha")
		mech := fmt.Sprintf("/mechanic/orders/%d/inspection/items/%d", w.a.ID, w.items[3].ID)
		if status, _ := mechJSONPost(t, misha, mech, url.Values{"state": {"yellow"}, "note": {"после отправки"}}); status != http.StatusOK {
			t.Fatalf("edit after send: %d", status)
		}
		var wg sync.WaitGroup
		codes := make([]int, 15)
		for n := range codes {
			form := url.Values{"csrf": {anna.CSRF}}
			req := httptest.NewRequest(http.MethodPost, w.url+"/inspection/send", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			anna.AddCookies(req)
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
		sent := 0
		for n, c := range codes {
			switch c {
			case http.StatusSeeOther:
				sent++
			case http.StatusConflict:
			default:
				t.Errorf("send %d: %d", n, c)
			}
		}
		insp, _ := h.Store.InspectionOf(context.Background(), w.insp.WorkOrderID)
		if sent != 1 || w.changes(t) != 2 || insp.SentRevision != insp.Revision || insp.Unsent() {
			t.Fatalf("%d sends, %d changes, %+v", sent, w.changes(t), insp)
		}
		var data []string
		if err := h.Store.Gorm(context.Background()).Table("changes").Where("type = ?", hub.ChangeInspection).
			Order("seq").Pluck("data", &data).Error; err != nil || len(data) != 2 {
			t.Fatalf("%v %v", data, err)
		}
		if !strings.Contains(data[1], "после отправки") || strings.Contains(data[0], "после отправки") ||
			!strings.Contains(data[1], fmt.Sprintf(`"revision":%d`, insp.Revision)) {
			t.Errorf("the second change is not the new revision:\n%s\n%s", data[0], data[1])
		}
	})
}
