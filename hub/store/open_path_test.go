package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"naryad/hub/store"
)

// TestOpenSQLiteInADirectoryWithURICharacters holds that a data directory
// whose name has characters a file: URI gives a meaning to ('#', '?', '%')
// still gets its database inside it, not in a directory cut at that
// character (a subtest's temp dir "sqlite#01" once made two tests share a
// database under /tmp).
func TestOpenSQLiteInADirectoryWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data #1 ?x=%41")
	s, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(filepath.Join(dir, "naryad.db")); err != nil {
		t.Fatalf("the database is not in the data directory: %v", err)
	}
}
