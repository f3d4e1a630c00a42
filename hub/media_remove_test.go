package hub_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"naryad/hub"
)

// Remove deletes a file named by its hash or by its path in the media
// folder, shrugs at one already gone, and refuses any name that would
// reach outside the folder.
func TestMediaRemove(t *testing.T) {
	root := t.TempDir()
	m := hub.NewMedia(filepath.Join(root, "media"))
	sha, err := m.Put([]byte("a photo"))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Has(sha) || !m.ContentAddressed(sha, sha) || !m.ContentAddressed(m.Path(sha), sha) || m.ContentAddressed("identity/1.jpg", sha) {
		t.Fatal("a stored file is not found by its hash or path")
	}
	if err := m.Remove(sha); err != nil || m.Has(sha) {
		t.Fatalf("remove by hash: %v, still there %v", err, m.Has(sha))
	}
	if err := m.Remove(sha); err != nil {
		t.Fatalf("remove of a file already gone: %v", err)
	}

	own := filepath.Join(root, "media", "identity", "7", "selfie.jpg")
	if err := os.MkdirAll(filepath.Dir(own), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(own, []byte("selfie"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := m.Remove("identity/7/selfie.jpg"); err != nil || m.Has("identity/7/selfie.jpg") {
		t.Fatalf("remove by relative path: %v", err)
	}

	outside := filepath.Join(root, "keep.txt")
	if err := os.WriteFile(outside, []byte("not media"), 0o640); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"", ".", "..", "../keep.txt", "identity/../../keep.txt", outside, "/etc/passwd", "a\x00b"} {
		if err := m.Remove(name); err == nil || !strings.Contains(err.Error(), "not a file of the media folder") {
			t.Errorf("Remove(%q) = %v, want it refused", name, err)
		}
	}
	if _, err := os.Stat(outside); err != nil {
		t.Fatalf("a file outside the media folder went: %v", err)
	}
}
