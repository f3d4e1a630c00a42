package hub

import (
	"testing"
	"time"
)

// naiveSlotStarts reads every start's wall time in the zone, leaving out
// the wall times the clock skips: the plain definition SlotStarts'
// shortcut must agree with.
func naiveSlotStarts(h Hours, loc *time.Location, day time.Time, slotMinutes int) []time.Time {
	day = day.In(loc)
	y, m, d := day.Date()
	spans := []span{{0, 24 * 60}}
	if h.limited {
		spans = h.days[day.Weekday()]
	}
	var out []time.Time
	for _, sp := range spans {
		for from := sp.from; from+slotMinutes <= sp.to; from += slotMinutes {
			if t := time.Date(y, m, d, from/60, from%60, 0, 0, loc); t.Hour()*60+t.Minute() == from {
				out = append(out, t)
			}
		}
	}
	return out
}

// Every day of two years, in zones with changes at 02:00/03:00 (Warsaw),
// at midnight (Santiago and Havana read 00:00 of the day as 23:00 the day
// before; Beirut and Cairo as 01:00), half-hour offsets (Adelaide, Lord Howe)
// and none (Moscow), gives the same starts as reading each wall time.
func TestSlotStartsAgreeWithWallTimesAcrossClockChanges(t *testing.T) {
	hours := map[string]string{"always open": "", "day": "Пн-Пт 08:00-20:00, Сб 10:00-16:00", "night": "Пн-Вс 22:00-06:00"}
	for _, zone := range []string{"Europe/Warsaw", "America/Santiago", "America/Havana", "Asia/Beirut", "Africa/Cairo", "Australia/Adelaide", "Australia/Lord_Howe", "Europe/Moscow"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for name, text := range hours {
			h, err := ParseHours(text)
			if err != nil {
				t.Fatal(err)
			}
			for _, slot := range []int{30, 45, 60} {
				checked := 0
				for day := time.Date(2025, 1, 1, 12, 0, 0, 0, loc); day.Year() < 2027; day = day.AddDate(0, 0, 1) {
					got, want := SlotStarts(h, loc, day, slot), naiveSlotStarts(h, loc, day, slot)
					if len(got) != len(want) {
						t.Fatalf("%s, %s, %d min, %s: %d starts, want %d", zone, name, slot, day.Format(time.DateOnly), len(got), len(want))
					}
					for i := range got {
						if !got[i].Equal(want[i]) || got[i].Location() != loc {
							t.Fatalf("%s, %s, %d min, %s: start %d is %s, want %s", zone, name, slot, day.Format(time.DateOnly), i, got[i], want[i])
						}
					}
					checked += len(got)
				}
				if checked == 0 {
					t.Fatalf("%s, %s, %d min: no starts checked", zone, name, slot)
				}
			}
		}
	}
}

func BenchmarkSlotStartsOfAMonth(b *testing.B) {
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		b.Fatal(err)
	}
	h, err := ParseHours("Пн-Вс 08:00-20:00")
	if err != nil {
		b.Fatal(err)
	}
	first := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
	for b.Loop() {
		for d := 0; d < 31; d++ {
			SlotStarts(h, loc, first.AddDate(0, 0, d), 30)
		}
	}
}
