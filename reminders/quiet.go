package reminders

import (
	"fmt"
	"time"
)

// quietHours is a branch's window when customers get no reminders, in
// minutes after local midnight; from > until wraps midnight (21:00–09:00),
// from == until means no quiet hours.
type quietHours struct{ from, until int }

func parseQuietHours(from, until string) (quietHours, error) {
	f, err := parseClock(from)
	if err != nil {
		return quietHours{}, fmt.Errorf("quiet_from: %w", err)
	}
	u, err := parseClock(until)
	if err != nil {
		return quietHours{}, fmt.Errorf("quiet_until: %w", err)
	}
	return quietHours{from: f, until: u}, nil
}

// parseClock reads a local "HH:MM" as minutes after midnight.
func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// releaseAt is when a customer message due at t may go out: t itself
// outside the quiet hours, else the end of the window, both on the
// branch's wall clock. Wall-clock arithmetic through time.Date keeps a DST
// change day right: 09:00 is 09:00 local whatever the offset did overnight.
func (q quietHours) releaseAt(t time.Time, loc *time.Location) time.Time {
	if q.from == q.until {
		return t
	}
	lt := t.In(loc)
	m := lt.Hour()*60 + lt.Minute()
	var quiet, endsTomorrow bool
	if q.from < q.until {
		quiet = m >= q.from && m < q.until
	} else {
		quiet = m >= q.from || m < q.until
		endsTomorrow = m >= q.from
	}
	if !quiet {
		return t
	}
	day := lt.Day()
	if endsTomorrow {
		day++
	}
	return time.Date(lt.Year(), lt.Month(), day, q.until/60, q.until%60, 0, 0, loc)
}

// nextDay is when a customer who reached the daily cap at t may get the
// next reminder: the next local day once its quiet hours are over.
func (q quietHours) nextDay(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	midnight := time.Date(lt.Year(), lt.Month(), lt.Day()+1, 0, 0, 0, 0, loc)
	return q.releaseAt(midnight, loc)
}
