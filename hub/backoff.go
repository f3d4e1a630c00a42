package hub

import (
	"math/rand/v2"
	"time"
)

// Backoff is the wait before retry number attempt (1 = the first retry):
// first, doubling each time up to limit, with ±20 % jitter applied after the
// cap, so things that failed together (messages, instances that lost the
// database) do not all retry together.
func Backoff(attempt int, first, limit time.Duration) time.Duration {
	d := first
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}
