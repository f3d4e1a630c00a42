package inbox_test

import (
	"fmt"
	"io/fs"
	"net/http"
	"path/filepath"
	"testing"

	"naryad/app/apptest"
)

// dataFiles counts the regular files under the hub's data directory.
func dataFiles(t *testing.T, h *apptest.Hub) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(h.Config.DataDir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestUploadToAMadeUpItemWritesNoFile: a photo posted to an item that is
// not the inspection's is refused before anything reaches the disk (no
// orphan files to fill it), and a retried upload answers its stored row.
func TestUploadToAMadeUpItemWritesNoFile(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		f := mechOpenInspection(t, h)
		photo := mechNoisyPNG(t)
		before := dataFiles(t, h)
		bogus := fmt.Sprintf("%s/items/%d/media", f.url, f.items[len(f.items)-1].ID+1000)
		if status, body := mechUpload(t, f.misha, bogus, "k-bogus", "pads.png", photo); status != http.StatusNotFound {
			t.Fatalf("upload to a made-up item: %d %v", status, body)
		}
		if after := dataFiles(t, h); after != before {
			t.Fatalf("a refused upload left %d new files", after-before)
		}
		real := fmt.Sprintf("%s/items/%d/media", f.url, f.items[5].ID)
		status, first := mechUpload(t, f.misha, real, "k-real", "pads.png", photo)
		if status != http.StatusOK {
			t.Fatalf("upload: %d %v", status, first)
		}
		status, again := mechUpload(t, f.misha, real, "k-real", "pads.png", photo)
		if status != http.StatusOK || again["id"] != first["id"] || again["thumb"] != first["thumb"] {
			t.Fatalf("retry: %d %v, first %v", status, again, first)
		}
	})
}
