package hub

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Remove deletes a stored file. name is what its record keeps: the hex
// SHA-256 Put returned (the file at Path), or a path inside the media
// folder, relative to it or absolute. A file already gone is no error, so
// a deletion interrupted half-way (the hub stopped between deleting a file
// and recording it) simply runs again. A name that points outside the
// folder is refused: a stored value must never delete anything else.
//
// Put keeps one file per content, so a caller removes a file only when no
// other record names the same content (ContentAddressed tells when that
// can happen).
func (m *Media) Remove(name string) error {
	path, err := m.locate(name)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media: remove %s: %w", name, err)
	}
	return nil
}

// Has tells whether the file name names is on disk.
func (m *Media) Has(name string) bool {
	path, err := m.locate(name)
	if err != nil {
		return false
	}
	_, err = os.Stat(path)
	return err == nil
}

// ContentAddressed tells whether name is the file Put writes for content
// of that SHA-256: then any other record of the same content (a chat
// attachment, an inspection photo, another loan's photo) names the same
// file.
func (m *Media) ContentAddressed(name, sha256 string) bool {
	if !isHexHash(sha256) {
		return false
	}
	path, err := m.locate(name)
	if err != nil {
		return false
	}
	want, err := filepath.Abs(m.Path(strings.ToLower(sha256)))
	return err == nil && path == want
}

// locate is the absolute path of a stored name inside the media folder.
func (m *Media) locate(name string) (string, error) {
	if isHexHash(name) {
		return filepath.Abs(m.Path(strings.ToLower(name)))
	}
	dir, err := filepath.Abs(m.dir)
	if err != nil {
		return "", fmt.Errorf("media: folder: %w", err)
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	path = filepath.Clean(path)
	rel, err := filepath.Rel(dir, path)
	if name == "" || strings.ContainsRune(name, 0) || err != nil || rel == "." || rel == ".." ||
		strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("media: %q is not a file of the media folder", name)
	}
	return path, nil
}

// isHexHash tells whether s is a hex SHA-256, as Put names files.
func isHexHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
