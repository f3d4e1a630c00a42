package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// A thumbnail or photo lost from the disk is 404 on the staff side, as on
// the customer's (the page then shows the link, not a broken 500).
func TestStaffInspectionMediaMissingFileIs404(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		f := mechOpenInspection(t, h)
		mediaPath := fmt.Sprintf("%s/items/%d/media", f.url, f.items[5].ID)
		status, body := mechUpload(t, f.misha, mediaPath, "lost-1", "pads.png", mechNoisyPNG(t))
		fileURL, _ := body["url"].(string)
		if status != http.StatusOK || fileURL == "" {
			t.Fatalf("upload: %d %v", status, body)
		}
		rows, err := h.Store.InspectionMediaOf(context.Background(), f.insp.ID)
		if err != nil || len(rows) != 1 || rows[0].ThumbSHA256 == "" {
			t.Fatalf("media rows %v %v", rows, err)
		}
		media := hub.NewMedia(filepath.Join(h.Config.DataDir, "media"))
		if err := os.Remove(media.Path(rows[0].ThumbSHA256)); err != nil {
			t.Fatal(err)
		}
		if resp, _ := f.misha.Do(http.MethodGet, fileURL+"/thumb", nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("lost thumbnail: %d, want 404", resp.StatusCode)
		}
		if err := os.Remove(media.Path(rows[0].SHA256)); err != nil {
			t.Fatal(err)
		}
		if resp, _ := f.misha.Do(http.MethodGet, fileURL, nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("lost photo: %d, want 404", resp.StatusCode)
		}
	})
}
