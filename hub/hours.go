package hub

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Hours is a branch's weekly opening hours, read from Branch.WorkingHours by
// ParseHours. The zero value means always open (24/7).
type Hours struct {
	limited bool
	days    [7][]span // by time.Weekday; sorted, non-overlapping
}

// span is [From, To) in minutes since local midnight; To may be 1440.
type span struct{ from, to int }

// dayNames maps Russian, Polish and English day abbreviations to weekdays.
var dayNames = map[string]time.Weekday{
	"пн": time.Monday, "вт": time.Tuesday, "ср": time.Wednesday, "чт": time.Thursday,
	"пт": time.Friday, "сб": time.Saturday, "вс": time.Sunday,
	"pn": time.Monday, "wt": time.Tuesday, "śr": time.Wednesday, "sr": time.Wednesday,
	"czw": time.Thursday, "cz": time.Thursday, "pt": time.Friday, "sob": time.Saturday, "nd": time.Sunday, "nie": time.Sunday,
	"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday,
}

// ParseHours reads free-text working hours such as
// "Пн–Пт 09:00–20:00, Сб 10:00–16:00", "Mon-Fri 08:00-18:00; Sat 09:00-14:00"
// or "пн-сб 9:00-21:00". Groups are separated by "," or ";"; each names a
// day or a day range (Russian, Polish or English, any case, optional dot)
// followed by one or more time ranges. A group with days but no times takes
// the times of the next group ("Пн, Ср 10:00-12:00"); a group with times but
// no days applies to every day. A range ending before it starts runs past
// midnight. Empty text means always open (the zero Hours).
func ParseHours(text string) (Hours, error) {
	var h Hours
	norm := strings.NewReplacer("–", "-", "—", "-", "−", "-").Replace(strings.ToLower(text))
	if strings.TrimSpace(norm) == "" {
		return h, nil
	}
	h.limited = true
	var pending []time.Weekday
	var pendingText string
	for _, raw := range strings.FieldsFunc(norm, func(r rune) bool { return r == ',' || r == ';' }) {
		group := strings.TrimSpace(raw)
		if group == "" {
			continue
		}
		cut := strings.IndexFunc(group, unicode.IsDigit)
		if cut < 0 {
			days, err := parseDays(group)
			if err != nil {
				return Hours{}, err
			}
			pending, pendingText = append(pending, days...), group
			continue
		}
		dayPart, timePart := strings.TrimSpace(group[:cut]), group[cut:]
		days := pending
		pending = nil
		if dayPart != "" {
			more, err := parseDays(dayPart)
			if err != nil {
				return Hours{}, err
			}
			days = append(days, more...)
		}
		if len(days) == 0 {
			days = []time.Weekday{0, 1, 2, 3, 4, 5, 6}
		}
		ranges, err := parseTimes(timePart)
		if err != nil {
			return Hours{}, err
		}
		for _, d := range days {
			for _, r := range ranges {
				if r.from < r.to {
					h.days[d] = append(h.days[d], r)
				} else { // past midnight
					next := (d + 1) % 7
					h.days[d] = append(h.days[d], span{r.from, 24 * 60})
					if r.to > 0 {
						h.days[next] = append(h.days[next], span{0, r.to})
					}
				}
			}
		}
	}
	if len(pending) > 0 {
		return Hours{}, fmt.Errorf("working hours %q: no times for %q", text, pendingText)
	}
	for d := range h.days {
		h.days[d] = merge(h.days[d])
	}
	return h, nil
}

// parseDays reads "пн", "Пн.", "mon-fri" or "pn - pt" (a range may wrap
// past Sunday).
func parseDays(s string) ([]time.Weekday, error) {
	names := strings.Split(s, "-")
	if len(names) > 2 {
		return nil, fmt.Errorf("working hours: cannot read days %q", strings.TrimSpace(s))
	}
	var ends []time.Weekday
	for _, n := range names {
		n = strings.TrimSuffix(strings.TrimSpace(n), ".")
		d, ok := dayNames[n]
		if !ok {
			return nil, fmt.Errorf("working hours: unknown day %q in %q", n, strings.TrimSpace(s))
		}
		ends = append(ends, d)
	}
	if len(ends) == 1 {
		return ends, nil
	}
	var days []time.Weekday
	for d := ends[0]; ; d = (d + 1) % 7 {
		days = append(days, d)
		if d == ends[1] {
			return days, nil
		}
	}
}

// parseTimes reads one or more "H:MM-HH:MM" ranges separated by spaces.
func parseTimes(s string) ([]span, error) {
	for strings.Contains(s, " -") || strings.Contains(s, "- ") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, " -", "-"), "- ", "-")
	}
	var out []span
	for _, f := range strings.Fields(s) {
		a, b, ok := strings.Cut(f, "-")
		if !ok {
			return nil, fmt.Errorf("working hours: cannot read time range %q", f)
		}
		from, err1 := parseClock(a)
		to, err2 := parseClock(b)
		if err1 != nil || err2 != nil || from == 24*60 || from == to {
			return nil, fmt.Errorf("working hours: cannot read time range %q", f)
		}
		out = append(out, span{from, to})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("working hours: no time range in %q", s)
	}
	return out, nil
}

// parseClock reads "H:MM" or "HH:MM" (up to 24:00) as minutes since midnight.
func parseClock(s string) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return h*60 + m, nil
}

func merge(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	var out []span
	for _, s := range spans {
		if n := len(out); n > 0 && s.from <= out[n-1].to {
			out[n-1].to = max(out[n-1].to, s.to)
			continue
		}
		out = append(out, s)
	}
	return out
}

// AlwaysOpen reports whether h puts no limit on the time (the zero Hours).
func (h Hours) AlwaysOpen() bool { return !h.limited }

// Elapsed is how much of [from, to) falls within the opening hours, read as
// wall-clock times in loc (nil means UTC). It walks day by day, so DST
// changes and midnight are handled by the calendar; stretches longer than
// two weeks skip whole weeks at the weekly total to keep the loop short.
func (h Hours) Elapsed(from, to time.Time, loc *time.Location) time.Duration {
	if !to.After(from) {
		return 0
	}
	if !h.limited {
		return to.Sub(from)
	}
	if loc == nil {
		loc = time.UTC
	}
	var total time.Duration
	from = from.In(loc)
	if weeks := int(to.Sub(from)/(7*24*time.Hour)) - 1; weeks > 0 {
		var week time.Duration
		for _, spans := range h.days {
			for _, s := range spans {
				week += time.Duration(s.to-s.from) * time.Minute
			}
		}
		total += time.Duration(weeks) * week
		from = from.AddDate(0, 0, 7*weeks)
	}
	y, m, d := from.Date()
	for i := 0; i < 17; i++ {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, loc)
		if !day.Before(to) {
			break
		}
		for _, s := range h.days[day.Weekday()] {
			start := time.Date(y, m, d+i, s.from/60, s.from%60, 0, 0, loc)
			end := time.Date(y, m, d+i, s.to/60, s.to%60, 0, 0, loc)
			if start.Before(from) {
				start = from
			}
			if end.After(to) {
				end = to
			}
			if end.After(start) {
				total += end.Sub(start)
			}
		}
	}
	return total
}

// AddWorking is the time when d of opening hours have passed since from,
// read as wall-clock times in loc (nil means UTC): the earliest t with
// h.Elapsed(from, t, loc) == d. A deadline "two working hours after this
// message" that starts after closing runs from the next opening, and one
// that does not fit into today goes on at the next open day. Like Elapsed
// it walks day by day (so DST changes and midnight are the calendar's),
// skipping whole weeks at the weekly total for long durations. Hours with
// no open time at all (never the case for parsed text) add wall-clock time.
func (h Hours) AddWorking(from time.Time, d time.Duration, loc *time.Location) time.Time {
	if d <= 0 || !h.limited {
		return from.Add(max(d, 0))
	}
	if loc == nil {
		loc = time.UTC
	}
	var week time.Duration
	for _, spans := range h.days {
		for _, s := range spans {
			week += time.Duration(s.to-s.from) * time.Minute
		}
	}
	if week == 0 {
		return from.Add(d)
	}
	from = from.In(loc)
	if weeks := int(d/week) - 1; weeks > 0 {
		from = from.AddDate(0, 0, 7*weeks)
		d -= time.Duration(weeks) * week
	}
	y, m, dd := from.Date()
	for i := 0; i < 22; i++ { // d < two weeks of opening hours: at most 15 days
		for _, s := range h.days[time.Date(y, m, dd+i, 0, 0, 0, 0, loc).Weekday()] {
			start := time.Date(y, m, dd+i, s.from/60, s.from%60, 0, 0, loc)
			end := time.Date(y, m, dd+i, s.to/60, s.to%60, 0, 0, loc)
			if start.Before(from) {
				start = from
			}
			if !end.After(start) {
				continue
			}
			if open := end.Sub(start); open >= d {
				return start.Add(d)
			} else {
				d -= open
			}
		}
	}
	return from.Add(d) // unreachable with a non-zero week
}
