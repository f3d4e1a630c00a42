package render

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"
)

func TestStaticFilesAreVersionedByTheirBytes(t *testing.T) {
	files := fstest.MapFS{"static/app.css": {Data: []byte("body{color:red}")}, "static/app.js": {Data: []byte("void 0")}}
	s, err := NewStatic("/static/x", files, "static")
	if err != nil {
		t.Fatal(err)
	}
	css, err := s.URL("app.css")
	if err != nil || !strings.HasPrefix(css, "/static/x/app.css?v=") {
		t.Fatalf("URL(app.css) = %q, %v", css, err)
	}
	if _, err := s.URL("missing.css"); err == nil {
		t.Error("a file that is not there has a URL")
	}
	// Other bytes, another address: a new release is fetched at once.
	changed, _ := NewStatic("/static/x", fstest.MapFS{"static/app.css": {Data: []byte("body{color:blue}")}}, "static")
	if again, _ := changed.URL("app.css"); again == css {
		t.Errorf("changed file kept its address %q", css)
	}

	app := fiber.New()
	s.Register(app)
	get := func(path, ifNoneMatch string) (*http.Response, string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(body)
	}
	resp, body := get(css, "")
	if resp.StatusCode != 200 || body != "body{color:red}" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") ||
		resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("current version: %d %q %q %q", resp.StatusCode, body, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	for _, path := range []string{"/static/x/app.css", "/static/x/app.css?v=0123456789abcdef"} {
		resp, body := get(path, "")
		if resp.StatusCode != 200 || body != "body{color:red}" || resp.Header.Get("Cache-Control") != "no-cache" || resp.Header.Get("ETag") == "" {
			t.Errorf("%s: %d %q %q, want the file, checked each time", path, resp.StatusCode, body, resp.Header.Get("Cache-Control"))
		}
		if again, _ := get(path, resp.Header.Get("ETag")); again.StatusCode != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d, want 304", path, again.StatusCode)
		}
	}
	if resp, _ := get("/static/x/nothing.js", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a missing file: %d", resp.StatusCode)
	}
}

func TestStaticIncludesAnotherFolderOnceUnderItsPrefix(t *testing.T) {
	s, err := NewStatic("/static/x", fstest.MapFS{"static/app.css": {Data: []byte("a")}}, "static")
	if err != nil {
		t.Fatal(err)
	}
	base := fstest.MapFS{"static/base.css": {Data: []byte("b")}}
	if err := s.Include(base, "static"); err != nil {
		t.Fatal(err)
	}
	if u, err := s.URL("base.css"); err != nil || !strings.HasPrefix(u, "/static/x/base.css?v=") {
		t.Errorf("URL(base.css) = %q, %v", u, err)
	}
	if err := s.Include(fstest.MapFS{"static/app.css": {Data: []byte("c")}}, "static"); err == nil {
		t.Error("a second app.css was taken")
	}
}
