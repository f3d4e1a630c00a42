package inbox

import (
	"testing"
	"time"

	"naryad/hub/store"
)

func TestBadgeTurnsRedAfterTheTarget(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) *time.Time { at := now.Add(-d); return &at }
	cases := []struct {
		name    string
		since   *time.Time
		target  int
		waiting string
		late    bool
	}{
		{"nothing waits", nil, 5, "", false},
		{"fresh", ago(3 * time.Minute), 5, "3 min", false},
		{"late", ago(6 * time.Minute), 5, "6 min", true},
		{"default target", ago(6 * time.Minute), 0, "6 min", true},
		{"longer target", ago(6 * time.Minute), 15, "6 min", false},
		{"hours", ago(125 * time.Minute), 5, "2 h 5 min", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := badge(store.InboxThread{AwaitingSince: c.since, FirstResponseMinutes: c.target}, now, texts["en"])
			if r.Waiting != c.waiting || r.Late != c.late {
				t.Fatalf("got %q late=%v, want %q late=%v", r.Waiting, r.Late, c.waiting, c.late)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := store.InboxCursor{At: time.Date(2026, 3, 2, 10, 0, 0, 123456000, time.UTC), ID: 42}
	got := parseCursor(formatCursor(c))
	if got == nil || !got.At.Equal(c.At) || got.ID != 42 || parseCursor("junk") != nil {
		t.Fatalf("cursor %v", got)
	}
}
