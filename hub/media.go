package hub

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// Media keeps attachment files in the data directory, addressed by the
// SHA-256 of their content: the same photo sent twice is stored once, and a
// file written before a transaction that then failed is harmless (nothing
// points to it, and the retry finds it already there).
type Media struct {
	dir string
}

// NewMedia stores files under dir (created on first write).
func NewMedia(dir string) *Media { return &Media{dir: dir} }

// Put stores data and returns its hex SHA-256.
func (m *Media) Put(data []byte) (string, error) {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	path := m.Path(hash)
	if _, err := os.Stat(path); err == nil {
		return hash, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", fmt.Errorf("media: create folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".upload-*")
	if err != nil {
		return "", fmt.Errorf("media: temp file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("media: write: %w", err)
	}
	// Synced before the rename, so a crash never leaves a short file under
	// its final name.
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("media: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("media: close: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("media: rename: %w", err)
	}
	return hash, nil
}

// Probe writes, syncs and removes a small file in the media directory
// (creating it if need be): an error means uploads and documents cannot be
// stored, e.g. the disk is full.
func (m *Media) Probe() error {
	if err := os.MkdirAll(m.dir, 0o750); err != nil {
		return fmt.Errorf("media: create folder: %w", err)
	}
	tmp, err := os.CreateTemp(m.dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("media: probe file: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := tmp.Write([]byte("naryad health probe\n")); err != nil {
		return fmt.Errorf("media: probe write: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("media: probe sync: %w", err)
	}
	return nil
}

// Path is where the file with this hash lives.
func (m *Media) Path(hash string) string {
	if len(hash) < 4 {
		return filepath.Join(m.dir, hash)
	}
	return filepath.Join(m.dir, hash[:2], hash[2:4], hash)
}
