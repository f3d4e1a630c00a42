package bodylimit

import "sync"

// budget counts the bytes of large bodies held at once. A caller that
// finds it full is turned away rather than queued: a queue would hold its
// connection (and the client's upload) open for nothing.
type budget struct {
	size int
	mu   sync.Mutex
	used int
}

func newBudget(size int) *budget { return &budget{size: size} }

// take reserves n bytes; false when they do not fit.
func (b *budget) take(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.size {
		return false
	}
	b.used += n
	return true
}

// give returns n bytes taken before.
func (b *budget) give(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
}

// inUse is how many bytes are taken now.
func (b *budget) inUse() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// oneAtATime lets each key (a customer link) send one large body at a
// time: one visitor with a link cannot take the whole of its pool.
type oneAtATime struct {
	mu   sync.Mutex
	busy map[string]bool
}

func newOneAtATime() *oneAtATime { return &oneAtATime{busy: map[string]bool{}} }

// claim marks key busy; false when it already is.
func (o *oneAtATime) claim(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.busy[key] {
		return false
	}
	o.busy[key] = true
	return true
}

// release ends a claim.
func (o *oneAtATime) release(key string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.busy, key)
}

// claimed is how many keys are busy now.
func (o *oneAtATime) claimed() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.busy)
}
