package hub

import (
	"math"
	"slices"
	"time"
)

// DateLayout is how calendar dates are kept: vehicles.service_due_on,
// expiring_items.expires_on, a reminder scan's day.
const DateLayout = "2006-01-02"

// minRateSpan is the shortest stretch of odometer history a km-per-day
// figure is drawn from: two readings a few days apart say more about one
// trip than about how the car is used, and would predict nonsense.
const minRateSpan = 14 * 24 * time.Hour

// maxAheadDays bounds a mileage extrapolation (a car that barely moves
// would otherwise be "due" centuries away, past what time.Time can hold
// sensibly); beyond it the time-based date is the only one.
const maxAheadDays = 20 * 365

// PredictServiceDue predicts the date ("YYYY-MM-DD", in loc) a vehicle's
// next maintenance is due: the earlier of
//
//   - by time: the local date of the last service plus intervalMonths
//     calendar months in loc. A day the target month lacks becomes its last
//     day (Jan 31 + 1 month = Feb 28, or 29 in a leap year; Aug 31 + 6 =
//     Feb 28/29), never a day of the month after, as a service booklet reads.
//     The date is taken in the branch's zone first, so a service at 23:30
//     local time counts on that local day whatever its UTC date.
//   - by mileage: the day the odometer reaches lastServiceKm + intervalKm,
//     extrapolated from the latest known point at the average km per day
//     between the earliest and the latest point (the readings, plus the last
//     service's mileage at its date). It needs at least two points at least
//     minRateSpan apart and a positive rate: one reading, or an odometer that
//     went back (a replaced cluster, a typing error), gives no mileage
//     prediction. The days are counted on the calendar from the latest
//     point's local date, so a daylight-saving change in between cannot move
//     the date by one. A last service with a date but no mileage (0) leaves
//     the target unknown; with neither, the target is intervalKm itself (a
//     new car's first service).
//
// No interval (both 0), or no last service date and no usable mileage,
// gives no prediction (ok false). loc nil means UTC.
func PredictServiceDue(lastServiceAt time.Time, lastServiceKm, intervalMonths, intervalKm int, readings []MileageReading, loc *time.Location) (due string, ok bool) {
	if loc == nil {
		loc = time.UTC
	}
	byTime, timeOK := dueByTime(lastServiceAt, intervalMonths, loc)
	byKm, kmOK := dueByMileage(lastServiceAt, lastServiceKm, intervalKm, readings, loc)
	switch {
	case timeOK && kmOK:
		return min(byTime, byKm), true // YYYY-MM-DD orders as text
	case timeOK:
		return byTime, true
	case kmOK:
		return byKm, true
	}
	return "", false
}

// dueByTime is the last service's local date plus months, clamped to the
// target month's last day.
func dueByTime(lastServiceAt time.Time, months int, loc *time.Location) (string, bool) {
	if months <= 0 || lastServiceAt.IsZero() {
		return "", false
	}
	y, m, d := lastServiceAt.In(loc).Date()
	// Day 1 of the target month normalises the month overflow; the day is
	// then clamped rather than left to spill into the next month.
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	d = min(d, daysIn(first.Year(), first.Month()))
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, time.UTC).Format(DateLayout), true
}

// daysIn is the number of days of a month.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// odometerPoint is one (moment, km) the rate is drawn from.
type odometerPoint struct {
	at time.Time
	km int
}

// dueByMileage extrapolates the day the odometer reaches the service
// target from the average rate over the known points.
func dueByMileage(lastServiceAt time.Time, lastServiceKm, intervalKm int, readings []MileageReading, loc *time.Location) (string, bool) {
	if intervalKm <= 0 || (!lastServiceAt.IsZero() && lastServiceKm <= 0) {
		return "", false
	}
	points := make([]odometerPoint, 0, len(readings)+1)
	for _, r := range readings {
		points = append(points, odometerPoint{r.ReadAt, r.MileageKm})
	}
	if !lastServiceAt.IsZero() {
		points = append(points, odometerPoint{lastServiceAt, lastServiceKm})
	}
	if len(points) < 2 {
		return "", false
	}
	slices.SortStableFunc(points, func(a, b odometerPoint) int { return a.at.Compare(b.at) })
	first, last := points[0], points[len(points)-1]
	span := last.at.Sub(first.at)
	if span < minRateSpan {
		return "", false
	}
	perDay := float64(last.km-first.km) / span.Hours() * 24
	if perDay <= 0 {
		return "", false
	}
	// Whole days, rounded down: of two neighbouring dates, reminding on
	// the earlier one errs on the side of the car.
	days := math.Floor(float64(lastServiceKm+intervalKm-last.km) / perDay)
	if days > maxAheadDays {
		return "", false
	}
	days = max(days, -maxAheadDays) // long overdue: a date in the past either way
	y, m, d := last.at.In(loc).Date()
	return time.Date(y, m, d+int(days), 0, 0, 0, 0, time.UTC).Format(DateLayout), true
}
