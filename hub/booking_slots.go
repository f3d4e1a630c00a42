package hub

import "time"

// SlotStarts lists the starts of the slots of slotMinutes on one day (day:
// any time on it, read in loc): back to back from the start of each
// working span, each ending within the span. A span running past midnight
// is cut there; the next day's part starts its own slots. Always-open
// hours give slots over the whole day.
func SlotStarts(h Hours, loc *time.Location, day time.Time, slotMinutes int) []time.Time {
	if slotMinutes <= 0 {
		return nil
	}
	day = day.In(loc)
	y, m, d := day.Date()
	spans := []span{{0, 24 * 60}}
	if h.limited {
		spans = h.days[day.Weekday()]
	}
	var out []time.Time
	for _, sp := range spans {
		for from := sp.from; from+slotMinutes <= sp.to; from += slotMinutes {
			t := time.Date(y, m, d, from/60, from%60, 0, 0, loc)
			if t.Hour()*60+t.Minute() != from {
				// A time the clock skips (02:30 when summer time begins)
				// would be normalised onto a later slot and offered twice.
				continue
			}
			out = append(out, t)
		}
	}
	return out
}
