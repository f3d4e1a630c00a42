package hub

import (
	"testing"
	"time"
)

// AddWorking puts a deadline in opening hours: after closing it starts at
// the next opening, closed days are skipped, a range past midnight counts
// on both sides, and a DST change is the calendar's.
func TestAddWorking(t *testing.T) {
	msk, err1 := time.LoadLocation("Europe/Moscow")
	waw, err2 := time.LoadLocation("Europe/Warsaw")
	if err1 != nil || err2 != nil {
		t.Skip(err1, err2)
	}
	cases := []struct {
		name, hours string
		loc         *time.Location
		from        time.Time
		d           time.Duration
		want        time.Time
	}{
		{"inside the day", "Пн–Пт 09:00–20:00", msk, time.Date(2026, 3, 2, 10, 0, 0, 0, msk), 30 * time.Minute, time.Date(2026, 3, 2, 10, 30, 0, 0, msk)},
		{"before opening", "Пн–Пт 09:00–20:00", msk, time.Date(2026, 3, 2, 7, 0, 0, 0, msk), 30 * time.Minute, time.Date(2026, 3, 2, 9, 30, 0, 0, msk)},
		{"friday evening to monday", "Пн–Пт 09:00–20:00", msk, time.Date(2026, 3, 6, 19, 58, 0, 0, msk), 5 * time.Minute, time.Date(2026, 3, 9, 9, 3, 0, 0, msk)},
		{"saturday to monday", "Пн–Пт 09:00–20:00", msk, time.Date(2026, 3, 7, 12, 0, 0, 0, msk), time.Hour, time.Date(2026, 3, 9, 10, 0, 0, 0, msk)},
		{"exactly at closing", "Пн–Пт 09:00–20:00", msk, time.Date(2026, 3, 2, 19, 0, 0, 0, msk), time.Hour, time.Date(2026, 3, 2, 20, 0, 0, 0, msk)},
		{"lunch break", "Mon-Fri 09:00-13:00 14:00-18:00", msk, time.Date(2026, 3, 2, 12, 30, 0, 0, msk), time.Hour, time.Date(2026, 3, 2, 14, 30, 0, 0, msk)},
		{"overnight range", "Fri 22:00-02:00", msk, time.Date(2026, 3, 6, 23, 0, 0, 0, msk), 2 * time.Hour, time.Date(2026, 3, 7, 1, 0, 0, 0, msk)},
		{"overnight to next week", "Fri 22:00-02:00", msk, time.Date(2026, 3, 7, 1, 0, 0, 0, msk), 2 * time.Hour, time.Date(2026, 3, 13, 23, 0, 0, 0, msk)},
		{"many weeks", "Пн–Пт 09:00–20:00", msk, time.Date(2026, 3, 2, 9, 0, 0, 0, msk), 3*55*time.Hour + 2*time.Hour, time.Date(2026, 3, 23, 11, 0, 0, 0, msk)},
		{"always open", "", msk, time.Date(2026, 3, 7, 12, 0, 0, 0, msk), time.Hour, time.Date(2026, 3, 7, 13, 0, 0, 0, msk)},
		{"spring forward", "пн-вс 0:00-24:00", waw, time.Date(2026, 3, 29, 1, 30, 0, 0, waw), time.Hour, time.Date(2026, 3, 29, 3, 30, 0, 0, waw)},
		{"fall back", "пн-вс 0:00-24:00", waw, time.Date(2026, 10, 25, 1, 30, 0, 0, waw), 2 * time.Hour, time.Date(2026, 10, 25, 2, 30, 0, 0, waw)},
		{"in UTC, counted in the branch's zone", "Пн–Пт 09:00–20:00", msk, time.Date(2026, 3, 6, 16, 58, 0, 0, time.UTC), 5 * time.Minute, time.Date(2026, 3, 9, 6, 3, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := ParseHours(c.hours)
			if err != nil {
				t.Fatal(err)
			}
			got := h.AddWorking(c.from, c.d, c.loc)
			if !got.Equal(c.want) {
				t.Fatalf("got %v, want %v", got.In(c.loc), c.want.In(c.loc))
			}
			if e := h.Elapsed(c.from, got, c.loc); e != c.d {
				t.Fatalf("Elapsed back = %v, want %v", e, c.d)
			}
		})
	}
}

// AddWorking is Elapsed's inverse for any start and duration.
func TestAddWorkingInvertsElapsed(t *testing.T) {
	waw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Skip(err)
	}
	h, err := ParseHours("Pn-Pt 8:00-17:00, Sob 9:00-13:00, nd 22:00-01:00")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 25, 0, 0, 0, 0, waw)
	for step := 0; step < 300; step++ {
		from := start.Add(time.Duration(step*37) * time.Minute)
		d := time.Duration(step*53%4000) * time.Minute
		got := h.AddWorking(from, d, waw)
		if e := h.Elapsed(from, got, waw); e != d {
			t.Fatalf("from %v + %v = %v, Elapsed back %v", from, d, got, e)
		}
		if d > 0 && h.Elapsed(from, got.Add(-time.Minute), waw) == d {
			t.Fatalf("from %v + %v = %v is not the earliest", from, d, got)
		}
	}
}
