package dms

import (
	"fmt"
	"strings"
	"time"
)

// Layouts 1C and other DMSes send. An offset makes the instant exact; a time
// without one is the branch's local wall-clock time.
var (
	layoutsWithZone = []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05Z07:00"}
	layoutsLocal    = []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"}
)

// emptyDate1C is how 1C writes an empty date (Дата(1, 1, 1)).
const emptyDate1C = "0001-01-01"

// parseTime reads an ISO 8601 time; without an offset it is taken in loc.
// ok is false for an empty value or 1C's empty date.
func parseTime(raw string, loc *time.Location) (t time.Time, ok bool, err error) {
	s := strings.TrimSpace(raw)
	if s == "" || strings.HasPrefix(s, emptyDate1C) {
		return time.Time{}, false, nil
	}
	for _, layout := range layoutsWithZone {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true, nil
		}
	}
	for _, layout := range layoutsLocal {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), true, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("not an ISO 8601 time: %q", raw)
}

// parseDate reads a calendar date ("2027-03-01", or a time whose date part
// counts) and returns it as YYYY-MM-DD.
func parseDate(raw string) (string, bool, error) {
	s := strings.TrimSpace(raw)
	if s == "" || strings.HasPrefix(s, emptyDate1C) {
		return "", false, nil
	}
	if len(s) >= 10 {
		if d, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return d.Format("2006-01-02"), true, nil
		}
	}
	return "", false, fmt.Errorf("not a date (YYYY-MM-DD): %q", raw)
}
