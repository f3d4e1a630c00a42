package inbox

import (
	"testing"
	"time"

	"naryad/hub"
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
			r := badge(store.InboxThread{AwaitingSince: c.since, FirstResponseMinutes: c.target}, now, texts["en"], nil, time.UTC)
			if r.Waiting != c.waiting || r.Late != c.late {
				t.Fatalf("got %q late=%v, want %q late=%v", r.Waiting, r.Late, c.waiting, c.late)
			}
		})
	}
}

func TestBadgeCountsBusinessHours(t *testing.T) {
	msk, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Skip(err)
	}
	hours, err := hub.ParseHours("Пн–Пт 09:00–20:00")
	if err != nil {
		t.Fatal(err)
	}
	since := time.Date(2026, 3, 6, 19, 58, 0, 0, msk) // Friday, two minutes before closing
	th := store.InboxThread{AwaitingSince: &since, FirstResponseMinutes: 5}
	cases := []struct {
		name    string
		now     time.Time
		hours   *hub.Hours
		waiting string
		late    bool
	}{
		{"monday 09:02", time.Date(2026, 3, 9, 9, 2, 0, 0, msk), &hours, "4 min", false},
		{"monday 09:04", time.Date(2026, 3, 9, 9, 4, 0, 0, msk), &hours, "6 min", true},
		{"checked in UTC, counted in the branch's zone", time.Date(2026, 3, 9, 6, 4, 0, 0, time.UTC), &hours, "6 min", true},
		{"unparsed hours: wall clock", time.Date(2026, 3, 9, 9, 2, 0, 0, msk), nil, "61 h 4 min", true},
		{"empty hours: always open", time.Date(2026, 3, 6, 20, 2, 0, 0, msk), &hub.Hours{}, "4 min", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := badge(th, c.now, texts["en"], c.hours, msk)
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
