package reminders_test

import (
	"sync"
	"testing"
	"time"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/reminders"
)

// Two scans of the same branch at once (two hub instances, or a scan run
// by hand while the scheduler's runs) offer the declined work once: one
// message, the rows marked offered.
func TestTwoScansAtOnceOfferDeclinedWorkOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, "Europe/Warsaw")
		r.settings(func(rs *store.ReminderSettings) { rs.DeclinedOfferDays = 30 })
		declined := time.Date(2026, 1, 10, 11, 0, 0, 0, time.UTC)
		cust, _ := r.declinedAt("pl", declined)
		r.setNow(time.Date(2026, 2, 10, 11, 0, 0, 0, time.UTC))
		const scans = 8
		var wg sync.WaitGroup
		errs := make([]error, scans)
		for i := range scans {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = r.runner(reminders.DefaultRules()...).Scan(t.Context(), r.branch)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Log("scan:", err)
			}
		}
		if n := len(r.sent(cust)); n != 1 {
			t.Fatalf("%d offers sent, want 1", n)
		}
	})
}
