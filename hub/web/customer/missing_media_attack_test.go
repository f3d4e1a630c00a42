package customer_test

import (
	"context"
	"net/http"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// A report photo whose thumbnail or file is not on the disk (a restore
// without the media directory, a disk swapped) answers 404, as the PDF
// leaves such a photo out, never a 500.
func TestAReportPhotoMissingOnDiskIsNotFound(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "НЕТ-1", estOrder("ru", "+79165550981", estLine("1", "part", "Колодки", "6800", true)))
		ctx := context.Background()
		insp := pdfInspect(t, h, a)
		items, err := h.Store.InspectionItems(ctx, insp.ID)
		if err != nil {
			t.Fatal(err)
		}
		gone := "1111111111111111111111111111111111111111111111111111111111111111"
		m := hub.InspectionMedia{ItemID: items[0].ID, UploadKey: "gone-1", SHA256: gone, Name: "gone.jpg",
			ContentType: "image/jpeg", SizeBytes: 1000, ThumbSHA256: gone, CreatedBy: "Иван"}
		if _, err := h.Store.AddInspectionMedia(ctx, insp.ID, &m); err != nil {
			t.Fatal(err)
		}
		pdfSend(t, h, insp)
		v := secOpen(t, send, a.Path)
		path := a.Path + "/inspection/media/" + itoa(m.ID)
		for _, p := range []string{path, path + "/thumb"} {
			if resp := secGet(t, send, p, v.cookie); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
			}
		}
		if resp := secGet(t, send, a.Path+"/inspection.pdf", v.cookie); resp.StatusCode != http.StatusOK {
			t.Errorf("the PDF: %d", resp.StatusCode)
		}
	})
}
