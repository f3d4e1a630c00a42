package templates

import "time"

// Layouts per locale. ru and pl write day.month.year with a 24-hour clock;
// en uses the unambiguous "23 Nov 2026" rather than a numeric order that
// reads differently in the UK and the US.
const (
	layoutDateNumeric     = "02.01.2006"
	layoutDateTimeNumeric = "02.01.2006 15:04"
	layoutDateEN          = "2 Jan 2006"
	layoutDateTimeEN      = "2 Jan 2006, 15:04"
)

// formatDate writes the calendar date of t in the zone t carries; Render
// has already moved Data times into the branch zone. A zero time is an
// unknown date and yields "", so templates can use {{with date .PromisedAt}}.
func formatDate(locale string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if locale == LocaleEN {
		return t.Format(layoutDateEN)
	}
	return t.Format(layoutDateNumeric)
}

// formatDateTime is formatDate with the wall-clock time added.
func formatDateTime(locale string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if locale == LocaleEN {
		return t.Format(layoutDateTimeEN)
	}
	return t.Format(layoutDateTimeNumeric)
}
