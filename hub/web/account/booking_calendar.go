package account

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"naryad/hub"
	"naryad/templates"
)

// The slot step's month calendar: days with free slots are links, the
// chosen day's free times are listed under it. All on the branch's clock,
// whatever the visitor's zone: the customer comes to the branch.

// calendarView is a month of free slots as booking_calendar.html draws it.
type calendarView struct {
	Title            string // "Декабрь 2026"
	PrevURL, NextURL string // "" when that month cannot be booked
	Weekdays         []string
	Weeks            [][]calDay
	DayTitle         string // the chosen day, "" when none
	Times            []calTime
	Empty            bool   // no free slot this month
	Action           string // where a time posts (the move page); "" when times are links
}

// calDay is one cell of the month grid.
type calDay struct {
	Num      int
	URL      string // "" when the day has no free slot
	Selected bool
	Blank    bool // a cell before the 1st or after the last day
}

// calTime is one free slot of the chosen day.
type calTime struct {
	Label string // "10:00"
	At    string // slotLayout, the form value
	URL   string // the link choosing it ("" where a form posts At instead)
	Free  int
}

// calendarLinks make a calendar's links: to a month (day "") or a day,
// and to a time (nil when the view posts At in a form instead).
type calendarLinks struct {
	day  func(month, day string) string
	time func(at string) string
}

// monthLayout and the day's DateOnly are the calendar's parameters.
const monthLayout = "2006-01"

// calendar builds the month of free slots of kind at branch: monthParam
// ("2006-01") and dayParam ("2006-01-02") as the visitor chose, clamped
// to the bookable months; with neither, the current month, or the next
// when the current one has no free slot. The chosen day defaults to the
// month's first day with a free slot, so its times show at once. skip is a
// slot start left out (the booking being moved), zero for none.
func (h *Handler) calendar(ctx context.Context, locale string, branch hub.DirectoryBranch, kind, monthParam, dayParam string,
	skip time.Time, links calendarLinks) (calendarView, error) {
	loc := h.zones.Of(branch.Branch)
	now := h.now().In(loc)
	first := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc) }
	cur := first(now)
	last := first(now.AddDate(0, 0, max(branch.HorizonDays, 0)))
	month, chosen := cur, false
	if m, err := time.ParseInLocation(monthLayout, monthParam, loc); err == nil {
		month, chosen = m, true
	} else if d, err := time.ParseInLocation(time.DateOnly, dayParam, loc); err == nil {
		month, chosen = first(d), true
	}
	if month.Before(cur) {
		month = cur
	}
	if month.After(last) {
		month = last
	}
	free, err := h.freeSlots(ctx, branch, kind, month, skip)
	if err != nil {
		return calendarView{}, err
	}
	if len(free) == 0 && !chosen && month.Before(last) {
		month = month.AddDate(0, 1, 0)
		if free, err = h.freeSlots(ctx, branch, kind, month, skip); err != nil {
			return calendarView{}, err
		}
	}
	v := calendarView{Title: h.t(locale, "bk_month_"+strconv.Itoa(int(month.Month()))) + " " + strconv.Itoa(month.Year()),
		Empty: len(free) == 0}
	for i := 1; i <= 7; i++ {
		v.Weekdays = append(v.Weekdays, h.t(locale, "bk_wd_"+strconv.Itoa(i)))
	}
	if month.After(cur) {
		v.PrevURL = links.day(month.AddDate(0, -1, 0).Format(monthLayout), "")
	}
	if month.Before(last) {
		v.NextURL = links.day(month.AddDate(0, 1, 0).Format(monthLayout), "")
	}
	day := dayParam
	if _, ok := free[day]; !ok {
		days := make([]string, 0, len(free))
		for d := range free {
			days = append(days, d)
		}
		slices.Sort(days)
		day = ""
		if len(days) > 0 {
			day = days[0]
		}
	}
	v.Weeks = monthGrid(month, func(d time.Time) calDay {
		key := d.Format(time.DateOnly)
		cell := calDay{Num: d.Day(), Selected: key == day}
		if _, ok := free[key]; ok {
			cell.URL = links.day(month.Format(monthLayout), key)
		}
		return cell
	})
	if day != "" {
		d, _ := time.ParseInLocation(time.DateOnly, day, loc)
		v.DayTitle = h.t(locale, "bk_wd_"+strconv.Itoa((int(d.Weekday())+6)%7+1)) + ", " + templates.Date(locale, d)
		for _, s := range free[day] {
			at := s.Start.In(loc).Format(slotLayout)
			t := calTime{Label: s.Start.In(loc).Format("15:04"), At: at, Free: s.Free}
			if links.time != nil {
				t.URL = links.time(at)
			}
			v.Times = append(v.Times, t)
		}
	}
	return v, nil
}

// monthGrid lays the days of month out in weeks from Monday, blank cells
// filling the first and last week.
func monthGrid(month time.Time, cell func(day time.Time) calDay) [][]calDay {
	var weeks [][]calDay
	week := make([]calDay, 0, 7)
	for i := 0; i < (int(month.Weekday())+6)%7; i++ {
		week = append(week, calDay{Blank: true})
	}
	for d := month; d.Month() == month.Month(); d = d.AddDate(0, 0, 1) {
		week = append(week, cell(d))
		if len(week) == 7 {
			weeks = append(weeks, week)
			week = make([]calDay, 0, 7)
		}
	}
	if len(week) > 0 {
		for len(week) < 7 {
			week = append(week, calDay{Blank: true})
		}
		weeks = append(weeks, week)
	}
	return weeks
}

// freeSlots are the slots of month with a free place, skipping one start
// (the booking being moved); by day (DateOnly), each day's in order.
func (h *Handler) freeSlots(ctx context.Context, branch hub.DirectoryBranch, kind string, month, skip time.Time) (map[string][]hub.Slot, error) {
	slots, err := h.store.FreeSlots(ctx, branch.ID, kind, month, h.now())
	if err != nil {
		return nil, fmt.Errorf("free slots of %s: %w", branch.Code, err)
	}
	loc := h.zones.Of(branch.Branch)
	out := map[string][]hub.Slot{}
	for _, s := range slots {
		if s.Free <= 0 || s.Start.Equal(skip) {
			continue
		}
		day := s.Start.In(loc).Format(time.DateOnly)
		out[day] = append(out[day], s)
	}
	return out, nil
}
