package hub

import (
	"strings"
	"testing"
	"time"
)

func TestParseHours(t *testing.T) {
	mon := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday
	open := func(h Hours, day, hh, mm int) bool {
		at := mon.AddDate(0, 0, day).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
		return h.Elapsed(at, at.Add(time.Minute), time.UTC) == time.Minute
	}
	cases := []struct {
		text       string
		openAt     [][3]int // day offset from Monday, hour, minute
		closedAt   [][3]int
		alwaysOpen bool
	}{
		{text: "", alwaysOpen: true},
		{text: "   ", alwaysOpen: true},
		{text: "Пн–Пт 09:00–20:00, Сб 10:00–16:00",
			openAt:   [][3]int{{0, 9, 0}, {4, 19, 59}, {5, 10, 0}, {5, 15, 59}},
			closedAt: [][3]int{{0, 8, 59}, {4, 20, 0}, {5, 16, 0}, {6, 12, 0}}},
		{text: "Mon-Fri 08:00-18:00; Sat 09:00-14:00",
			openAt:   [][3]int{{0, 8, 0}, {2, 17, 59}, {5, 9, 0}},
			closedAt: [][3]int{{0, 7, 59}, {5, 14, 0}, {6, 10, 0}}},
		{text: "пн-сб 9:00-21:00",
			openAt:   [][3]int{{0, 9, 0}, {5, 20, 59}},
			closedAt: [][3]int{{0, 21, 0}, {6, 12, 0}}},
		{text: "PN — PT 8:00 — 17:00, sob. 9:00-13:00",
			openAt:   [][3]int{{3, 8, 0}, {5, 12, 59}},
			closedAt: [][3]int{{3, 17, 0}, {5, 13, 0}, {6, 10, 0}}},
		{text: "śr 10:00-12:00; czw 10:00-12:00; nd 10:00-12:00",
			openAt:   [][3]int{{2, 10, 0}, {3, 11, 0}, {6, 11, 59}},
			closedAt: [][3]int{{0, 10, 0}, {1, 10, 0}, {4, 10, 0}, {5, 10, 0}}},
		{text: "Пн., Ср. 10:00-12:00",
			openAt:   [][3]int{{0, 10, 0}, {2, 10, 0}},
			closedAt: [][3]int{{1, 10, 0}}},
		{text: "Вс 10:00-12:00", openAt: [][3]int{{6, 11, 0}}, closedAt: [][3]int{{0, 11, 0}}},
		{text: "Fri 22:00-02:00", openAt: [][3]int{{4, 23, 0}, {5, 1, 59}}, closedAt: [][3]int{{5, 2, 0}, {4, 21, 59}}},
		{text: "Mon-Fri 09:00-13:00 14:00-18:00",
			openAt:   [][3]int{{0, 9, 0}, {0, 14, 0}},
			closedAt: [][3]int{{0, 13, 30}}},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			h, err := ParseHours(c.text)
			if err != nil {
				t.Fatal(err)
			}
			if h.AlwaysOpen() != c.alwaysOpen {
				t.Fatalf("always open = %v", h.AlwaysOpen())
			}
			for _, at := range c.openAt {
				if !open(h, at[0], at[1], at[2]) {
					t.Errorf("closed at %v, want open", at)
				}
			}
			for _, at := range c.closedAt {
				if open(h, at[0], at[1], at[2]) {
					t.Errorf("open at %v, want closed", at)
				}
			}
		})
	}
}

func TestParseHoursErrors(t *testing.T) {
	cases := map[string]string{
		"Пн–Пх 09:00–20:00":          "пх",
		"Mon-Fri 9-18":               "9-18",
		"Mon-Fri 09:00-25:00":        "09:00-25:00",
		"Mon-Fri 09:00":              "09:00",
		"Mon-Fri 09:00-18:00, Sat":   "sat",
		"by appointment":             "by appointment",
		"Mon-Wed-Fri 09:00-18:00":    "mon-wed-fri",
		"Mon-Fri 09:00-18:00; 10:61": "10:61",
	}
	for text, part := range cases {
		_, err := ParseHours(text)
		if err == nil {
			t.Errorf("%q: no error", text)
			continue
		}
		if !strings.Contains(err.Error(), part) {
			t.Errorf("%q: error %q does not name %q", text, err, part)
		}
	}
}

func TestElapsed(t *testing.T) {
	weekdays, err := ParseHours("Пн–Пт 09:00–20:00")
	if err != nil {
		t.Fatal(err)
	}
	msk, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Skip(err)
	}
	waw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Skip(err)
	}
	at := func(loc *time.Location, d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, loc) }
	cases := []struct {
		name     string
		h        Hours
		from, to time.Time
		loc      *time.Location
		want     time.Duration
	}{
		{"within a day", weekdays, at(msk, 2, 10, 0), at(msk, 2, 10, 7), msk, 7 * time.Minute},
		{"before opening", weekdays, at(msk, 2, 7, 0), at(msk, 2, 9, 3), msk, 3 * time.Minute},
		{"overnight closed", weekdays, at(msk, 2, 19, 50), at(msk, 3, 9, 10), msk, 20 * time.Minute},
		{"weekend skipped", weekdays, at(msk, 6, 19, 58), at(msk, 9, 9, 2), msk, 4 * time.Minute},
		{"all weekend", weekdays, at(msk, 7, 8, 0), at(msk, 8, 23, 0), msk, 0},
		{"zone matters", weekdays, at(time.UTC, 2, 5, 0), at(time.UTC, 2, 6, 30), msk, 30 * time.Minute},
		{"backwards", weekdays, at(msk, 2, 11, 0), at(msk, 2, 10, 0), msk, 0},
		{"always open", Hours{}, at(msk, 7, 8, 0), at(msk, 8, 8, 0), msk, 24 * time.Hour},
		{"a full week", weekdays, at(msk, 2, 0, 0), at(msk, 9, 0, 0), msk, 55 * time.Hour},
		{"ten weeks", weekdays, at(msk, 2, 12, 0), at(msk, 2, 12, 0).AddDate(0, 0, 70), msk, 550 * time.Hour},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.h.Elapsed(c.from, c.to, c.loc); got != c.want {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}

	t.Run("DST in Warsaw", func(t *testing.T) {
		// 2026-10-25 (Sunday) clocks go back 03:00 → 02:00: that day is 25 h long.
		always, err := ParseHours("Mon-Sun 00:00-24:00")
		if err != nil {
			t.Fatal(err)
		}
		from := time.Date(2026, 10, 25, 0, 0, 0, 0, waw)
		to := time.Date(2026, 10, 26, 0, 0, 0, 0, waw)
		if got := always.Elapsed(from, to, waw); got != 25*time.Hour {
			t.Fatalf("whole DST day: got %v, want 25h", got)
		}
		night, err := ParseHours("Sun 01:00-04:00")
		if err != nil {
			t.Fatal(err)
		}
		if got := night.Elapsed(from, to, waw); got != 4*time.Hour {
			t.Fatalf("01:00-04:00 across the change: got %v, want 4h", got)
		}
		// Saturday 19:00 to Monday 10:00 with weekday hours: only Monday 09–10.
		sat := time.Date(2026, 10, 24, 19, 0, 0, 0, waw)
		mon := time.Date(2026, 10, 26, 10, 0, 0, 0, waw)
		if got := weekdays.Elapsed(sat, mon, waw); got != time.Hour {
			t.Fatalf("weekend over the change: got %v, want 1h", got)
		}
		fri := time.Date(2026, 10, 23, 19, 0, 0, 0, waw)
		if got := weekdays.Elapsed(fri, mon, waw); got != 2*time.Hour {
			t.Fatalf("Friday evening to Monday: got %v, want 2h", got)
		}
	})
}
