package hub

import (
	"testing"
	"time"
)

func TestBackoffDoublesUpToTheLimitWithJitter(t *testing.T) {
	for _, c := range []struct {
		attempt int
		want    time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {4, 8 * time.Second}, {10, 30 * time.Second}} {
		for range 50 {
			got := Backoff(c.attempt, time.Second, 30*time.Second)
			if got < c.want*8/10 || got > c.want*12/10 {
				t.Fatalf("Backoff(%d) = %v, want %v ± 20 %%", c.attempt, got, c.want)
			}
		}
	}
}
