package templates

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // zones for the DST tests even where the OS has none
)

// fakeOverrides is an in-memory Overrides keyed by branch, key and locale.
type fakeOverrides struct {
	mu     sync.Mutex
	bodies map[overrideKey]string
	err    error // returned by every lookup when set
	calls  int
}

type overrideKey struct {
	branchID    int64
	key, locale string
}

func (f *fakeOverrides) TemplateOverride(_ context.Context, branchID int64, key, locale string) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return "", false, f.err
	}
	body, ok := f.bodies[overrideKey{branchID, key, locale}]
	return body, ok, nil
}

var _ Overrides = (*fakeOverrides)(nil)

var errLookup = errors.New("database is down")

// newRenderer builds a Renderer over o, failing the test on error.
func newRenderer(t *testing.T, o Overrides) *Renderer {
	t.Helper()
	r, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

// mustZone loads an IANA zone, failing the test if it is unknown.
func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

// sampleData is a filled Data for locale, as the DMS would send it.
func sampleData(locale string) Data {
	return samples(NormalizeLocale(locale))[0]
}
