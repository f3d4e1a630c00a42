package testproc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindNamesTheInstallCommandWhenMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := FindIn("stripe-mock", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "make deps") {
		t.Fatalf("find with no binary anywhere: %v, want an error naming `make deps`", err)
	}
}

func TestFindLooksInGopathBin(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	gopath := t.TempDir()
	bin := filepath.Join(gopath, "bin", "stripe-mock")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := FindIn("stripe-mock", gopath)
	if err != nil || got != bin {
		t.Fatalf("find = %q, %v; want %q", got, err, bin)
	}
}
