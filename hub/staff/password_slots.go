package staff

import (
	"context"
	"runtime"
)

// passwordSlots bounds the password checks running at once. Each argon2id
// check holds 64 MiB for its duration, so sign-ins from many addresses
// at once (the per-address rate limit does not help there) would
// otherwise take the hub's memory with them; past the bound a sign-in
// waits for a slot, and gives up with its request.
type passwordSlots chan struct{}

// newPasswordSlots allows n checks at once; n <= 0 means one per CPU,
// at least two, which is as many as can make progress anyway.
func newPasswordSlots(n int) passwordSlots {
	if n <= 0 {
		n = max(2, runtime.NumCPU())
	}
	return make(passwordSlots, n)
}

// take waits for a slot; false when ctx ends first. A taken slot is given
// back with give.
func (s passwordSlots) take(ctx context.Context) bool {
	select {
	case s <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s passwordSlots) give() { <-s }
