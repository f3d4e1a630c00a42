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
