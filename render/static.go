package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"path"

	"github.com/gofiber/fiber/v2"
)

// Static serves a surface's embedded static folder (its CSS and scripts)
// under a URL prefix, every file at an address that carries a hash of its
// bytes: "/static/c/customer.css?v=3f2a…". The hash is taken once at
// start-up, so a browser may keep a file for a year without asking again,
// and a new release, whose files hash differently, is fetched at once.
type Static struct {
	prefix string
	files  map[string]staticFile
}

type staticFile struct {
	data        []byte
	contentType string
	version     string // the first 16 hex digits of the SHA-256 of data
}

// Cache-Control of a file asked for by its current version, and of one
// asked for without it (or by an old version, from a page of the release
// before): the latter is checked each time, by its ETag.
const (
	cacheForever = "public, max-age=31536000, immutable"
	cacheCheck   = "no-cache"
)

// NewStatic reads every file of dir in files (an embed.FS) and hashes it;
// the surface serves them under prefix ("/static/c").
func NewStatic(prefix string, files fs.FS, dir string) (*Static, error) {
	s := &Static{prefix: prefix, files: map[string]staticFile{}}
	if err := s.Include(files, dir); err != nil {
		return nil, err
	}
	return s, nil
}

// Include adds every file of dir in files to the ones served, so a surface
// also serves the files of a base it is built on (the staff pages'
// layout stylesheet) under its own prefix. A name already there is an
// error: one address must not mean two files.
func (s *Static) Include(files fs.FS, dir string) error {
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return fmt.Errorf("static %s: %w", s.prefix, err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if _, dup := s.files[e.Name()]; dup {
			return fmt.Errorf("static %s: two files named %q", s.prefix, e.Name())
		}
		data, err := fs.ReadFile(files, path.Join(dir, e.Name()))
		if err != nil {
			return fmt.Errorf("static %s: %w", s.prefix, err)
		}
		sum := sha256.Sum256(data)
		contentType := mime.TypeByExtension(path.Ext(e.Name()))
		if contentType == "" {
			contentType = "application/octet-stream"
		}
		s.files[e.Name()] = staticFile{data: data, contentType: contentType, version: hex.EncodeToString(sum[:8])}
	}
	return nil
}

// URL is the versioned address of a static file; a name that is not in
// the folder is an error, which fails the page's rendering (and the tests)
// rather than linking to nothing.
func (s *Static) URL(name string) (string, error) {
	f, ok := s.files[name]
	if !ok {
		return "", fmt.Errorf("static %s: no file %q", s.prefix, name)
	}
	return s.prefix + "/" + name + "?v=" + f.version, nil
}

// Funcs gives views {{static "customer.css"}}: add them before parsing.
func (s *Static) Funcs() template.FuncMap { return template.FuncMap{"static": s.URL} }

// Register serves the files under the prefix.
func (s *Static) Register(app fiber.Router) {
	app.Get(s.prefix+"/:name", s.serve)
}

func (s *Static) serve(c *fiber.Ctx) error {
	f, ok := s.files[c.Params("name")]
	if !ok {
		return c.Status(fiber.StatusNotFound).SendString("Not found")
	}
	etag := `"` + f.version + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if c.Query("v") == f.version {
		c.Set(fiber.HeaderCacheControl, cacheForever)
	} else {
		c.Set(fiber.HeaderCacheControl, cacheCheck)
	}
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	return c.Send(f.data)
}
