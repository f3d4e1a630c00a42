package hub_test

import (
	"testing"
	"time"

	"naryad/hub"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at is a wall-clock time in loc.
func at(loc *time.Location, y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

func reading(when time.Time, km int) hub.MileageReading {
	return hub.MileageReading{MileageKm: km, ReadAt: when.UTC()}
}

func TestPredictServiceDue(t *testing.T) {
	msk := zone(t, "Europe/Moscow")
	ny := zone(t, "America/New_York")
	waw := zone(t, "Europe/Warsaw")
	utc := time.UTC

	cases := []struct {
		name           string
		lastAt         time.Time
		lastKm         int
		months, km     int
		readings       []hub.MileageReading
		loc            *time.Location
		want           string
		wantOK         bool
		wantNoForecast bool
	}{
		// By time.
		{name: "time: twelve months", lastAt: at(msk, 2026, 3, 10, 12, 0), lastKm: 40000, months: 12, loc: msk, want: "2027-03-10", wantOK: true},
		{name: "time: Jan 31 + 1 month is the end of February", lastAt: at(msk, 2026, 1, 31, 12, 0), months: 1, loc: msk, want: "2026-02-28", wantOK: true},
		{name: "time: Jan 31 + 1 month in a leap year", lastAt: at(msk, 2028, 1, 31, 12, 0), months: 1, loc: msk, want: "2028-02-29", wantOK: true},
		{name: "time: Aug 31 + 6 months", lastAt: at(utc, 2026, 8, 31, 9, 0), months: 6, loc: utc, want: "2027-02-28", wantOK: true},
		{name: "time: Mar 31 + 1 month is Apr 30", lastAt: at(utc, 2026, 3, 31, 9, 0), months: 1, loc: utc, want: "2026-04-30", wantOK: true},
		{name: "time: across the year end", lastAt: at(utc, 2026, 11, 15, 9, 0), months: 3, loc: utc, want: "2027-02-15", wantOK: true},
		{name: "time: 01:30 in Moscow is the Moscow day, not the UTC one", lastAt: at(msk, 2026, 3, 11, 1, 30), months: 1, loc: msk, want: "2026-04-11", wantOK: true},
		{name: "time: 23:30 in New York is the next day in UTC", lastAt: at(ny, 2026, 3, 31, 23, 30), months: 1, loc: ny, want: "2026-04-30", wantOK: true},
		{name: "time: the same instant seen from UTC", lastAt: at(ny, 2026, 3, 31, 23, 30), months: 1, loc: utc, want: "2026-05-01", wantOK: true},
		{name: "time: 23:30 the day before spring forward (New York)", lastAt: at(ny, 2026, 3, 7, 23, 30), months: 12, loc: ny, want: "2027-03-07", wantOK: true},
		{name: "time: 23:30 the day before fall back (Warsaw)", lastAt: at(waw, 2026, 10, 24, 23, 30), months: 6, loc: waw, want: "2027-04-24", wantOK: true},
		{name: "time: nil zone is UTC", lastAt: at(ny, 2026, 3, 31, 23, 30), months: 1, loc: nil, want: "2026-05-01", wantOK: true},

		// By mileage.
		{name: "mileage: two readings, 50 km a day", km: 15000, lastKm: 30000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 1, 1, 10, 0), 31000), reading(at(utc, 2026, 3, 2, 10, 0), 34000)},
			// 3,000 km in 60 days; 11,000 km to go at 50 km/day = 220 days after Mar 2.
			want: "2026-10-08", wantOK: true},
		{name: "mileage: the last service is a point of its own", lastAt: at(utc, 2026, 1, 1, 10, 0), lastKm: 30000, km: 15000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 3, 2, 10, 0), 33000)},
			// 3,000 km in 60 days; 12,000 km to go = 240 days after Mar 2.
			want: "2026-10-28", wantOK: true},
		{name: "mileage: readings out of order", km: 15000, lastKm: 30000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 3, 2, 10, 0), 34000), reading(at(utc, 2026, 1, 1, 10, 0), 31000)},
			want:     "2026-10-08", wantOK: true},
		{name: "mileage: a new car's first service at intervalKm", km: 15000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 1, 1, 10, 0), 1000), reading(at(utc, 2026, 2, 1, 10, 0), 4100)},
			// 3,100 km in 31 days = 100 km/day; 10,900 to go = 109 days after Feb 1.
			want: "2026-05-21", wantOK: true},
		{name: "mileage: already past the target is a date in the past", km: 10000, lastKm: 30000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 1, 1, 10, 0), 38000), reading(at(utc, 2026, 1, 31, 10, 0), 41000)},
			// 100 km/day, 1,000 km over: 10 days before Jan 31.
			want: "2026-01-21", wantOK: true},
		{name: "mileage: days counted on the local calendar across fall back", km: 10000, lastKm: 30000, loc: waw,
			readings: []hub.MileageReading{reading(at(waw, 2026, 9, 20, 0, 30), 36000), reading(at(waw, 2026, 10, 20, 0, 30), 39000)},
			// 3,000 km in 30 days = 100 km/day; 1,000 to go = 10 days after Oct 20 on the local
			// calendar (240 hours would end at 23:30 on Oct 29: Oct 25 falls back an hour).
			want: "2026-10-30", wantOK: true},
		{name: "mileage: one reading alone gives no rate", km: 15000, lastKm: 30000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 1, 1, 10, 0), 31000)}, wantNoForecast: true},
		{name: "mileage: odometer rolled back gives no rate", km: 15000, lastKm: 30000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 1, 1, 10, 0), 34000), reading(at(utc, 2026, 3, 1, 10, 0), 31000)}, wantNoForecast: true},
		{name: "mileage: a car that did not move gives no rate", km: 15000, lastKm: 30000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 1, 1, 10, 0), 34000), reading(at(utc, 2026, 3, 1, 10, 0), 34000)}, wantNoForecast: true},
		{name: "mileage: readings a few days apart are too short a span", km: 15000, lastKm: 30000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 1, 1, 10, 0), 31000), reading(at(utc, 2026, 1, 5, 10, 0), 32000)}, wantNoForecast: true},
		{name: "mileage: a service date without its mileage leaves the target unknown", lastAt: at(utc, 2025, 6, 1, 10, 0), km: 15000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 1, 1, 10, 0), 120000), reading(at(utc, 2026, 3, 1, 10, 0), 126000)}, wantNoForecast: true},
		{name: "mileage: a crawling car is not due in this lifetime", km: 15000, lastKm: 30000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2020, 1, 1, 10, 0), 30001), reading(at(utc, 2026, 1, 1, 10, 0), 30002)}, wantNoForecast: true},

		// Both: the earlier wins.
		{name: "both: mileage first", lastAt: at(utc, 2026, 1, 1, 10, 0), lastKm: 30000, months: 12, km: 15000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 3, 2, 10, 0), 33000)}, want: "2026-10-28", wantOK: true},
		{name: "both: time first", lastAt: at(utc, 2026, 1, 1, 10, 0), lastKm: 30000, months: 6, km: 15000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 3, 2, 10, 0), 33000)}, want: "2026-07-01", wantOK: true},
		{name: "both: no usable mileage falls back to time", lastAt: at(utc, 2026, 1, 1, 10, 0), lastKm: 30000, months: 12, km: 15000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 3, 2, 10, 0), 29000)}, want: "2027-01-01", wantOK: true},

		// Nothing to go on.
		{name: "no interval", lastAt: at(utc, 2026, 1, 1, 10, 0), lastKm: 30000, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 3, 2, 10, 0), 33000)}, wantNoForecast: true},
		{name: "months without a last service date", months: 12, loc: utc, wantNoForecast: true},
		{name: "negative intervals", lastAt: at(utc, 2026, 1, 1, 10, 0), lastKm: 30000, months: -1, km: -5, loc: utc,
			readings: []hub.MileageReading{reading(at(utc, 2026, 3, 2, 10, 0), 33000)}, wantNoForecast: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := hub.PredictServiceDue(c.lastAt, c.lastKm, c.months, c.km, c.readings, c.loc)
			if c.wantNoForecast {
				if ok {
					t.Fatalf("predicted %s, want no prediction", got)
				}
				return
			}
			if !ok || got != c.want {
				t.Fatalf("got %q (ok %v), want %q", got, ok, c.want)
			}
		})
	}
}
