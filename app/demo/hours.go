package demo

import (
	"fmt"
	"time"

	"naryad/hub"
)

// branchTimes are one run's times on a branch's clock, written as 1C
// writes them: local, without an offset.
type branchTimes struct {
	now      string // the run itself: when the guide's example happens
	received string // half an hour after the branch last opened
	promised string // an hour before a closing at least two hours away
}

// localLayout is how 1C writes a time: the branch's wall clock, no offset.
const localLayout = "2006-01-02T15:04:05"

// timesAt picks the demo's times for a run at now within b's working
// hours: a car received at 03:00 or promised for 03:15 at night would
// show a newcomer a bug that is not there.
func timesAt(now time.Time, b hub.Branch) (branchTimes, error) {
	hours, err := hub.ParseHours(b.WorkingHours)
	if err != nil {
		return branchTimes{}, fmt.Errorf("demo branch %s: %w", b.Code, err)
	}
	loc := b.Location()
	now = now.In(loc)
	t := branchTimes{now: now.Format(localLayout)}
	for d := 0; d < 7 && t.received == ""; d++ {
		if open, _, ok := openingHours(hours, now.AddDate(0, 0, -d), loc); ok && !open.Add(30*time.Minute).After(now) {
			t.received = open.Add(30 * time.Minute).Format(localLayout)
		}
	}
	for d := 0; d < 8 && t.promised == ""; d++ {
		if _, closing, ok := openingHours(hours, now.AddDate(0, 0, d), loc); ok && !closing.Add(-time.Hour).Before(now.Add(2*time.Hour)) {
			t.promised = closing.Add(-time.Hour).Format(localLayout)
		}
	}
	if t.received == "" || t.promised == "" {
		return t, fmt.Errorf("demo branch %s: no working hours in a week of %q", b.Code, b.WorkingHours)
	}
	return t, nil
}

// openingHours is when the branch opens and closes on day, to the half
// hour (false when it is closed all day).
func openingHours(hours hub.Hours, day time.Time, loc *time.Location) (open, closing time.Time, ok bool) {
	y, m, d := day.Date()
	for slot := range 48 {
		from := time.Date(y, m, d, 0, 30*slot, 0, 0, loc)
		to := from.Add(30 * time.Minute)
		if hours.Elapsed(from, to, loc) < 30*time.Minute {
			continue
		}
		if !ok {
			open, ok = from, true
		}
		closing = to
	}
	return open, closing, ok
}
