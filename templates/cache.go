package templates

import (
	"sync"
	"text/template"
)

// maxCachedOverrides bounds the override cache. A hub serves a few dozen
// branches with ten keys and three locales each, so 1024 holds the working
// set; edited bodies leave stale entries behind, which the reset clears.
const maxCachedOverrides = 1024

// overrideID identifies one parsed override. The body is part of the key so
// an edited text is parsed afresh without any invalidation call.
type overrideID struct {
	branchID    int64
	key, locale string
	body        string
}

// parsed is the outcome of parsing an override, kept even when it failed so
// a broken body is not re-parsed on every message.
type parsed struct {
	t   *template.Template
	err error
}

// overrideCache maps overrideID to parsed, safe for concurrent use. When it
// grows past its limit it is emptied: cheaper and simpler than LRU
// bookkeeping for entries that cost microseconds to rebuild.
type overrideCache struct {
	mu      sync.Mutex
	max     int
	entries map[overrideID]parsed
}

func newOverrideCache(max int) *overrideCache {
	return &overrideCache{max: max, entries: make(map[overrideID]parsed)}
}

// get returns the parsed override for id, parsing it with parse on a miss.
// Parsing happens outside the lock; two goroutines may parse the same body
// at once, which is harmless.
func (c *overrideCache) get(id overrideID, parse func() (*template.Template, error)) (*template.Template, error) {
	c.mu.Lock()
	p, ok := c.entries[id]
	c.mu.Unlock()
	if ok {
		return p.t, p.err
	}
	t, err := parse()
	c.mu.Lock()
	if len(c.entries) >= c.max {
		c.entries = make(map[overrideID]parsed)
	}
	c.entries[id] = parsed{t: t, err: err}
	c.mu.Unlock()
	return t, err
}

// len reports how many overrides are cached; tests use it.
func (c *overrideCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
