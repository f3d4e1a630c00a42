package webtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// PDFText runs poppler's pdftotext on a PDF a page handed out (the signed
// agreement, a report), as a reader would read it: a letter the fonts lack
// prints as a box and is missing here. CI has it (make deps); elsewhere the
// test is skipped with how to get it.
func PDFText(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing in CI: make deps installs poppler-utils")
		}
		t.Skip("pdftotext is not installed (apt-get install poppler-utils, or make deps)")
	}
	path := filepath.Join(t.TempDir(), "document.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
