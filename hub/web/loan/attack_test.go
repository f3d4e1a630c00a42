package loan_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// Attacks on the identity photos from outside: files that claim more
// pixels than any camera takes, files that only start like a HEIC, and
// the metadata a phone writes beside the picture.

// pngBomb is a valid PNG header (with its CRC) claiming w × h pixels, the
// start of what a few kilobytes of zlib would unpack to gigabytes.
func pngBomb(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
	b = append(b, ihdr...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte("IHDR"), ihdr...)))
	idat := bytes.Repeat([]byte{0}, 64)
	b = binary.BigEndian.AppendUint32(b, uint32(len(idat)))
	b = append(b, "IDAT"...)
	b = append(b, idat...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte("IDAT"), idat...)))
	return append(b, "\x00\x00\x00\x00IEND\xaeB`\x82"...)
}

// jpegClaiming is a real small JPEG whose frame header is rewritten to
// claim w × h pixels.
func jpegClaiming(t *testing.T, w, h uint16) []byte {
	t.Helper()
	b := append([]byte(nil), photoJPEG(t, 5)...)
	i := bytes.Index(b, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no baseline frame header")
	}
	binary.BigEndian.PutUint16(b[i+5:], h)
	binary.BigEndian.PutUint16(b[i+7:], w)
	return b
}

// A photo claiming more pixels than any phone takes (a decompression
// bomb for whoever draws it, staff's browser) is refused as too large,
// and a file that only starts like a HEIC (then a page) as not a photo;
// nothing is stored either way.
func TestAttackIdentityPhotoBombsAndFakes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		l, token := e.offer(nil)
		c, _ := e.open(token)
		heicThenPage := append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), "<html><script>alert(document.cookie)</script>"...)
		before := e.snapshot(l.ID)
		for _, tc := range []struct {
			what   string
			data   []byte
			status int
			text   string
		}{
			{"a PNG of 30 000 × 30 000", pngBomb(30_000, 30_000), http.StatusRequestEntityTooLarge, ruTooBig},
			{"a PNG of 1 × 2 000 000 000", pngBomb(1, 2_000_000_000), http.StatusRequestEntityTooLarge, ruTooBig},
			{"a JPEG of 65 000 × 65 000", jpegClaiming(t, 65_000, 65_000), http.StatusRequestEntityTooLarge, ruTooBig},
			{"a HEIC brand, then a page", heicThenPage, http.StatusUnsupportedMediaType, ruFileType},
		} {
			resp, body := c.upload(t, hub.IDPhotoIDFront, "id.jpg", tc.data)
			wantStatus(t, tc.what, resp, body, tc.status, tc.text)
			if after := e.snapshot(l.ID); after != before {
				t.Errorf("%s changed %+v → %+v", tc.what, before, after)
			}
		}
	})
}

// phoneJPEG is a JPEG as a phone's camera writes it: EXIF with the
// orientation (6, held upright) and the GPS position, XMP, and a video
// appended after the picture (a motion photo).
func phoneJPEG(t *testing.T) (photo, plain []byte) {
	t.Helper()
	plain = photoJPEG(t, 7)
	le := binary.LittleEndian
	ifd := make([]byte, 2+2*12+4)
	le.PutUint16(ifd, 2)
	put := func(b []byte, tag, typ uint16, count, value uint32) {
		le.PutUint16(b, tag)
		le.PutUint16(b[2:], typ)
		le.PutUint32(b[4:], count)
		le.PutUint32(b[8:], value)
	}
	put(ifd[2:], 0x0112, 3, 1, 6)
	put(ifd[14:], 0x8825, 4, 1, uint32(8+len(ifd)))
	exif := append([]byte("Exif\x00\x00II*\x00\x08\x00\x00\x00"), ifd...)
	exif = append(exif, "\x01\x00\x01\x00\x02\x00\x02\x00\x00\x00N\x00\x00\x00\x00\x00\x00\x00GPSLatitude 52.2297 N GPSLongitude 21.0122 E"...)
	seg := func(marker byte, body []byte) []byte {
		s := []byte{0xFF, marker, 0, 0}
		binary.BigEndian.PutUint16(s[2:], uint16(len(body)+2))
		return append(s, body...)
	}
	photo = append([]byte{0xFF, 0xD8}, seg(0xE1, exif)...)
	photo = append(photo, seg(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<exif:GPSLatitude>52,13.78N</exif:GPSLatitude>"))...)
	photo = append(photo, plain[2:]...)
	photo = append(photo, "ftypmp42 motion photo GPSLatitude"...)
	return photo, plain
}

// An identity photo is stored without what the phone wrote beside the
// picture (where it was taken, XMP, an appended video): the same pixels,
// still upright, and the stored SHA-256 is of the stored bytes.
func TestAttackIdentityPhotoLosesItsGPS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, st)
		l, token := e.offer(nil)
		c, _ := e.open(token)
		photo, plain := phoneJPEG(t)
		if resp, body := c.upload(t, hub.IDPhotoSelfie, "IMG_0001.jpg", photo); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", resp.StatusCode, snippet(body))
		}
		files, err := st.LoanIdentityFiles(ctx, l.ID)
		if err != nil || len(files) != 1 {
			t.Fatalf("stored %+v %v", files, err)
		}
		f := files[0]
		stored, err := os.ReadFile(e.media.Path(f.SHA256))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(stored, []byte("GPS")) || bytes.Contains(stored, []byte("motion photo")) || bytes.Contains(stored, []byte("adobe")) {
			t.Fatalf("the stored photo keeps the phone's metadata: %q", stored[:min(300, len(stored))])
		}
		if o := hub.JPEGOrientation(stored); o != 6 {
			t.Errorf("orientation %d, want 6 kept", o)
		}
		if f.ContentType != "image/jpeg" || f.SizeBytes != int64(len(stored)) {
			t.Errorf("row %+v for %d bytes", f, len(stored))
		}
		if sum, _ := hub.NewMedia(t.TempDir()).Put(stored); sum != f.SHA256 {
			t.Errorf("row's SHA-256 %s is not of the stored bytes (%s)", f.SHA256, sum)
		}
		want, _ := jpeg.Decode(bytes.NewReader(plain))
		got, err := jpeg.Decode(bytes.NewReader(stored))
		if err != nil || got.Bounds() != want.Bounds() || !samePixels(got, want) {
			t.Fatalf("the stored photo's pixels differ: %v", err)
		}
	})
}

func samePixels(a, b image.Image) bool {
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

// The link is the key to the loan: an error on its page is logged with
// the path, but never with the token in it (logs travel to people and
// services that must not be able to open the customer's page). The
// token's hash, which the loans table keeps, names the loan instead.
func TestAttackTokenNeverLogged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		l, token := e.offer(nil)
		c, _ := e.open(token)
		// The car's table gone: every request of the page fails inside.
		if err := st.Gorm(context.Background()).Exec("ALTER TABLE courtesy_cars RENAME TO courtesy_cars_gone").Error; err != nil {
			t.Fatal(err)
		}
		for what, send := range map[string]func() (*http.Response, string){
			"GET the page": func() (*http.Response, string) { return c.Do(http.MethodGet, c.base, nil) },
			"POST a signature": func() (*http.Response, string) {
				return c.Post(c.base+"/sign", url.Values{"name": {"Иван Петров"}, "consent": {"yes"}})
			},
		} {
			resp, body := send()
			if resp.StatusCode != http.StatusInternalServerError || strings.Contains(body, "courtesy_cars") {
				t.Errorf("%s: %d %q", what, resp.StatusCode, body)
			}
		}
		logged := e.log.String()
		if !strings.Contains(logged, "loan page") {
			t.Fatalf("nothing logged:\n%s", logged)
		}
		if strings.Contains(logged, token) || strings.Contains(logged, token[:20]) {
			t.Fatalf("the log holds the link's token:\n%s", logged)
		}
		if !strings.Contains(logged, l.TokenHash[:12]) {
			t.Errorf("the log does not name the loan's link by its hash:\n%s", logged)
		}
	})
}

// The link's token must be the one sent, byte for byte: in another case,
// with a NUL or other bytes around it, doubled, or the token of another
// loan with this loan's session, it opens nothing (404, or 403 for a
// form) and shows nothing of a loan.
func TestAttackLinkVariants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		l, token := e.offer(nil)
		c, _ := e.open(token)
		for _, p := range []string{
			"/l/" + strings.ToUpper(token), "/l/" + strings.ToLower(token), "/l/" + token + "%00", "/l/%00" + token,
			"/l/" + token + "%20", "/l/" + token + token, "/l/" + token[:len(token)-1], "/l/" + url.PathEscape(token+"\x00"),
			"/l/" + strings.Repeat(token, 40),
		} {
			resp, body := c.Do(http.MethodGet, p, nil)
			if resp.StatusCode != http.StatusNotFound || strings.Contains(body, e.car.Plate) {
				t.Errorf("GET %s: %d", p, resp.StatusCode)
			}
		}
		// A second loan: its link with the first one's session and token
		// posts nothing.
		if _, err := st.SetCarState(context.Background(), e.car.BranchID, e.car.ID, hub.CarAvailable, true); err != nil {
			t.Fatal(err)
		}
		e.change(l.ID, func(x *hub.Loan) { x.State = hub.LoanWithdrawn })
		other, otherToken := e.offer(nil)
		before := e.snapshot(other.ID)
		resp, body := c.Post("/l/"+otherToken+"/sign", url.Values{"name": {"Иван Петров"}, "consent": {"yes"}})
		wantStatus(t, "another loan's form with this loan's session", resp, body, http.StatusForbidden, ruExpired)
		if after := e.snapshot(other.ID); after != before {
			t.Errorf("changed %+v → %+v", before, after)
		}
	})
}

// A signing whose transaction fails (here the database refuses the
// loan's change for the DMS) leaves no signed PDF behind: the file names the customer,
// carries their signature, IP and browser, and nothing would ever name
// it again for the purge to find.
func TestAttackFailedSigningLeavesNoPDF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		l, token := e.offer(nil)
		c, page := e.open(token)
		if err := st.Gorm(context.Background()).Exec("ALTER TABLE changes RENAME TO changes_gone").Error; err != nil {
			t.Fatal(err)
		}
		resp, _ := c.Post(c.base+"/sign", signForm(page, "Иван Петров", signaturePNG(t, 600, 200)))
		if resp.StatusCode != http.StatusInternalServerError {
			t.Fatalf("sign with the changes' table gone: %d", resp.StatusCode)
		}
		if files := e.mediaFiles(); len(files) != 0 {
			t.Fatalf("a failed signing left %v in the media store", files)
		}
		if got := e.loan(l.ID); got.Signed() {
			t.Fatal("signed")
		}
	})
}
