package account

import (
	"context"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// Night hours across the clock changes of Europe/Warsaw: on 2030-03-31
// 02:00–03:00 does not exist, on 2030-10-27 it happens twice. Every slot
// is a real instant, once, in order: no time offered twice (02:00 and
// 03:00 are the same instant in spring), none that the clock skips; the
// repeated autumn hour is offered once (as Go reads the wall clock, in
// winter time), and the time a form posts names that same instant.
func TestFreeSlotsAcrossClockChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		r := newBookingRig(t, st)
		must(t, st.Gorm(ctx).Exec("UPDATE branches SET time_zone = 'Europe/Warsaw', working_hours = 'Пн-Вс 01:00-05:00' WHERE id = ?", r.branch.ID).Error)
		must(t, st.SetCapacity(ctx, r.branch.ID, hub.KindMaintenance, 30, 2))
		waw, err := time.LoadLocation("Europe/Warsaw")
		must(t, err)
		for _, c := range []struct {
			day  time.Time
			want []string // wall clock of each slot, in order
		}{
			{time.Date(2030, 3, 31, 0, 0, 0, 0, waw), []string{"01:00+01", "01:30+01", "03:00+02", "03:30+02", "04:00+02", "04:30+02"}},
			{time.Date(2030, 10, 27, 0, 0, 0, 0, waw), []string{"01:00+02", "01:30+02", "02:00+01", "02:30+01", "03:00+01", "03:30+01", "04:00+01", "04:30+01"}},
		} {
			slots, err := st.FreeSlots(ctx, r.branch.ID, hub.KindMaintenance, c.day, c.day.AddDate(0, 0, -10))
			must(t, err)
			var got []string
			for _, s := range slots {
				l := s.Start.In(waw)
				if l.YearDay() != c.day.YearDay() {
					continue
				}
				got = append(got, l.Format("15:04-07"))
				// The form posts the wall clock; it must name this slot again.
				if back, err := time.ParseInLocation(slotLayout, l.Format(slotLayout), waw); err != nil || !back.Equal(s.Start) {
					t.Fatalf("slot %v posts as %q, read back as %v", l, l.Format(slotLayout), back)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("%s: slots %v, want %v", c.day.Format(time.DateOnly), got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("%s: slots %v, want %v", c.day.Format(time.DateOnly), got, c.want)
				}
			}
		}
	})
}
