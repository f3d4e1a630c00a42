package reminders

import (
	"testing"
	"time"

	"naryad/hub"
)

// A branch's schedule is read on its own clock: "09:00 every day" in
// Warsaw is 08:00 UTC in winter and 07:00 UTC after the spring change,
// while in Moscow it stays 06:00 UTC; the 5-minute default lands on
// :00, :05, … of the local clock (Kathmandu is UTC+05:45).
func TestBranchScheduleInBranchZone(t *testing.T) {
	utc := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, time.UTC) }
	cases := []struct {
		zone, spec string
		after      time.Time
		want       time.Time
	}{
		{"Europe/Warsaw", "0 9 * * *", utc(27, 9, 0), utc(28, 8, 0)},
		{"Europe/Warsaw", "0 9 * * *", utc(28, 9, 0), utc(29, 7, 0)},
		{"Europe/Moscow", "0 9 * * *", utc(28, 9, 0), utc(29, 6, 0)},
		{"Asia/Kathmandu", "*/5 * * * *", utc(28, 9, 1), utc(28, 9, 5)},
		{"Europe/Warsaw", "*/5 * * * *", utc(29, 0, 58), utc(29, 1, 0)}, // 02:00 local does not exist that night
	}
	for _, c := range cases {
		sched, err := branchSchedule(c.spec, hub.Branch{TimeZone: c.zone})
		if err != nil {
			t.Fatal(err)
		}
		if got := sched.Next(c.after); !got.Equal(c.want) {
			t.Errorf("%s %q after %s: next %s, want %s", c.zone, c.spec, c.after, got.UTC(), c.want)
		}
	}
	if _, err := branchSchedule("*/5 * * * *", hub.Branch{TimeZone: "Mars/Olympus"}); err == nil {
		t.Error("an unknown zone was accepted")
	}
}
