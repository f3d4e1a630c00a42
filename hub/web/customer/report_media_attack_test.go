package customer_test

import (
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// A photo the hub made no thumbnail of (HEIC, which most phones' browsers
// cannot draw, or a JPEG over the 40 MP decompression-bomb guard) is not
// put in the report as its own thumbnail: the page would load the whole
// file, up to 20 MB, into a 96 × 72 box on an old phone, or show a broken
// picture. It is a link to the file; its /thumb is 404; the file itself
// is served.
func TestAPhotoWithoutAThumbnailIsALinkNotAnImage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "ХЕЙК-1", estOrder("ru", "+79165550921", estLine("1", "part", "Колодки", "6800", true)))
		ctx := context.Background()
		insp := pdfInspect(t, h, a)
		items, err := h.Store.InspectionItems(ctx, insp.ID)
		if err != nil {
			t.Fatal(err)
		}
		heic := append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 64)...)
		sha, err := hub.NewMedia(filepath.Join(h.Config.DataDir, "media")).Put(heic)
		if err != nil {
			t.Fatal(err)
		}
		m := hub.InspectionMedia{ItemID: items[0].ID, UploadKey: "heic-1", SHA256: sha, Name: "IMG_0001.HEIC",
			ContentType: "image/heic", SizeBytes: int64(len(heic)), CreatedBy: "Иван"}
		if _, err := h.Store.AddInspectionMedia(ctx, insp.ID, &m); err != nil {
			t.Fatal(err)
		}
		pdfSend(t, h, insp)
		v := secOpen(t, send, a.Path)
		body := secBody(t, secGet(t, send, a.Path, v.cookie))
		full := a.Path + "/inspection/media/" + itoa(m.ID)
		if regexp.MustCompile(`<img[^>]+src="` + regexp.QuoteMeta(full) + `"`).MatchString(body) {
			t.Errorf("the HEIC is its own thumbnail:\n%s", body[strings.Index(body, `id="report"`):])
		}
		if !strings.Contains(body, `href="`+full+`"`) || !strings.Contains(body, "IMG_0001.HEIC") {
			t.Errorf("the HEIC is not linked by its name")
		}
		if !regexp.MustCompile(`<img src="[^"]+/thumb"`).MatchString(body) {
			t.Errorf("the JPEG lost its thumbnail")
		}
		if resp := secGet(t, send, full+"/thumb", v.cookie); resp.StatusCode != http.StatusNotFound {
			t.Errorf("thumb of a HEIC: %d, want 404", resp.StatusCode)
		}
		if resp := secGet(t, send, full, v.cookie); resp.StatusCode != http.StatusOK || secBody(t, resp) != string(heic) {
			t.Errorf("the HEIC itself: %d", resp.StatusCode)
		}
	})
}
