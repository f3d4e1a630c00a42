package hub

import "time"

// SlotStarts lists the starts of the slots of slotMinutes on one day (day:
// any time on it, read in loc): back to back from the start of each
// working span, each ending within the span. A span running past midnight
// is cut there; the next day's part starts its own slots. Always-open
// hours give slots over the whole day.
//
// A month of slots is listed on every calendar page, so on a day the
// clocks do not change (nearly all) each start is minutes after midnight;
// only on a day of a change is each wall time read in the zone.
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
	n := 0
	for _, sp := range spans {
		n += max(0, (sp.to-sp.from)/slotMinutes)
	}
	if n == 0 {
		return nil
	}
	out := make([]time.Time, 0, n)
	midnight := time.Date(y, m, d, 0, 0, 0, 0, loc)
	steady := clocksSteadyFrom(midnight)
	for _, sp := range spans {
		for from := sp.from; from+slotMinutes <= sp.to; from += slotMinutes {
			if steady {
				out = append(out, midnight.Add(time.Duration(from)*time.Minute))
				continue
			}
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

// clocksSteadyFrom tells whether the wall clock of midnight's zone reads
// 00:00 at midnight and does not change offset in the 24 hours after it
// nor at their end (a change back at the next midnight makes the day's
// last hour ambiguous, which time.Date settles its own way), so every wall
// time of the day is that many minutes after midnight.
func clocksSteadyFrom(midnight time.Time) bool {
	if midnight.Hour() != 0 || midnight.Minute() != 0 {
		return false // midnight fell in a gap of a change at 00:00
	}
	_, end := midnight.ZoneBounds()
	return end.IsZero() || end.After(midnight.Add(24*time.Hour))
}
