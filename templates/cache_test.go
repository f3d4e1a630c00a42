package templates

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/template"
)

func TestOverrideCacheParsesOnce(t *testing.T) {
	o := &fakeOverrides{bodies: map[overrideKey]string{
		{1, KeyStatusReady, "en"}: "Ready: {{.Vehicle}}",
		{1, KeyStatusReady, "ru"}: "{{.Broken",
	}}
	r := newRenderer(t, o)
	for range 5 {
		for _, locale := range []string{"en", "ru"} {
			d := sampleData(locale)
			if _, err := r.Render(context.Background(), 1, KeyStatusReady, d); err != nil {
				t.Fatalf("Render: %v", err)
			}
		}
	}
	if got := r.cache.len(); got != 2 {
		t.Errorf("cache holds %d entries after repeated renders, want 2", got)
	}

	o.mu.Lock()
	o.bodies[overrideKey{1, KeyStatusReady, "en"}] = "Edited: {{.Vehicle}}"
	o.mu.Unlock()
	got, err := r.Render(context.Background(), 1, KeyStatusReady, sampleData("en"))
	if err != nil || got != "Edited: Škoda Octavia A123BC77" {
		t.Fatalf("after edit Render = %q, %v; want the edited text", got, err)
	}
	if got := r.cache.len(); got != 3 {
		t.Errorf("cache holds %d entries after an edit, want 3", got)
	}
}

func TestOverrideCacheBounded(t *testing.T) {
	c := newOverrideCache(3)
	parses := 0
	parse := func() (*template.Template, error) {
		parses++
		return template.New("x").Parse("x")
	}
	for i := range 10 {
		if _, err := c.get(overrideID{branchID: int64(i), body: "x"}, parse); err != nil {
			t.Fatalf("get: %v", err)
		}
		if c.len() > 3 {
			t.Fatalf("cache grew to %d entries, limit 3", c.len())
		}
	}
	if parses != 10 {
		t.Errorf("parsed %d times for 10 distinct ids, want 10", parses)
	}
	c.get(overrideID{branchID: 9, body: "x"}, parse)
	if parses != 10 {
		t.Error("a cached id was parsed again")
	}
}

func TestRenderConcurrent(t *testing.T) {
	bodies := map[overrideKey]string{}
	for b := range int64(20) {
		bodies[overrideKey{b, KeyStatusReady, "pl"}] = fmt.Sprintf("Oddział %d: {{.Vehicle}} gotowy. {{.Link}}", b)
		bodies[overrideKey{b, KeyStatusReceived, "pl"}] = "{{.Nope}}"
	}
	r := newRenderer(t, &fakeOverrides{bodies: bodies})
	var bad atomic.Int64
	r.OnBadOverride = func(int64, string, string, error) { bad.Add(1) }

	const workers, rounds = 16, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				branch := int64((w + i) % 25) // some branches have no override
				for _, key := range Keys() {
					d := sampleData("pl")
					got, err := r.Render(context.Background(), branch, key, d)
					if err != nil {
						errs <- err
						return
					}
					want := fmt.Sprintf("Oddział %d:", branch)
					if key == KeyStatusReady && branch < 20 && !strings.HasPrefix(got, want) {
						errs <- fmt.Errorf("branch %d got %q", branch, got)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Every worker hits branches 0–19 with the broken override 40 times.
	if got, want := bad.Load(), int64(workers*rounds*20/25); got != want {
		t.Errorf("OnBadOverride called %d times, want %d", got, want)
	}
}
