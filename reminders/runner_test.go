package reminders_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/reminders"
)

// Quiet hours are the branch's wall clock: on the day Warsaw moves its
// clocks forward (29 March 2026, UTC+1 → UTC+2) 09:00 local is 07:00 UTC,
// so 06:30 UTC is still quiet there, while in Moscow (UTC+3, no DST) it is
// 09:30 and the reminder goes.
func TestQuietHoursFollowTheBranchClock(t *testing.T) {
	cases := []struct {
		name, zone   string
		from, until  string
		at           time.Time
		wantHeldTill time.Time // zero: sent
	}{
		{"warsaw dst day before 09:00", "Europe/Warsaw", "21:00", "09:00", time.Date(2026, 3, 29, 6, 30, 0, 0, time.UTC), time.Date(2026, 3, 29, 7, 0, 0, 0, time.UTC)},
		{"warsaw dst day at 09:00", "Europe/Warsaw", "21:00", "09:00", time.Date(2026, 3, 29, 7, 0, 0, 0, time.UTC), time.Time{}},
		{"warsaw day before, still winter time", "Europe/Warsaw", "21:00", "09:00", time.Date(2026, 3, 28, 7, 30, 0, 0, time.UTC), time.Date(2026, 3, 28, 8, 0, 0, 0, time.UTC)},
		{"moscow same moment", "Europe/Moscow", "21:00", "09:00", time.Date(2026, 3, 29, 6, 30, 0, 0, time.UTC), time.Time{}},
		{"evening wraps to the next morning", "Europe/Warsaw", "21:00", "09:00", time.Date(2026, 3, 28, 21, 30, 0, 0, time.UTC), time.Date(2026, 3, 29, 7, 0, 0, 0, time.UTC)},
		{"just before quiet", "Europe/Warsaw", "21:00", "09:00", time.Date(2026, 6, 1, 18, 59, 0, 0, time.UTC), time.Time{}},
		{"window inside one day", "Europe/Moscow", "13:00", "14:30", time.Date(2026, 6, 1, 10, 15, 0, 0, time.UTC), time.Date(2026, 6, 1, 11, 30, 0, 0, time.UTC)},
		{"no quiet hours", "Europe/Moscow", "00:00", "00:00", time.Date(2026, 6, 1, 0, 15, 0, 0, time.UTC), time.Time{}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := newRig(t, s, c.zone)
				r.settings(func(rs *store.ReminderSettings) { rs.QuietFrom, rs.QuietUntil = c.from, c.until })
				cust, phone := r.customer("en")
				r.setNow(c.at)
				run := r.runner(fixed{tyresFor(cust, "vehicle:1", c.at.Add(-time.Hour))})

				items, err := run.Preview(t.Context(), r.branch, c.at)
				if err != nil || len(items) != 1 {
					t.Fatalf("preview = %+v, %v", items, err)
				}
				if !items[0].HeldUntil.Equal(c.wantHeldTill) || items[0].CustomerPhone != phone {
					t.Fatalf("preview held until %v to %q, want %v to %q", items[0].HeldUntil, items[0].CustomerPhone, c.wantHeldTill, phone)
				}
				res := r.scan(run)
				if c.wantHeldTill.IsZero() {
					if res.Sent != 1 || len(r.sent(cust)) != 1 {
						t.Fatalf("scan %+v, sent %d; want it sent", res, len(r.sent(cust)))
					}
					return
				}
				if res.Held != 1 || len(r.sent(cust)) != 0 {
					t.Fatalf("scan %+v, sent %d; want it held, nothing written", res, len(r.sent(cust)))
				}
				r.setNow(c.wantHeldTill)
				if res := r.scan(run); res.Sent != 1 {
					t.Fatalf("scan at the end of quiet hours: %+v, want it sent", res)
				}
			})
		}
	})
}

// The daily cap counts a customer's reminders of the branch-local date;
// the one over it waits for the next day (and that day's quiet hours).
func TestDailyCapHoldsToTheNextDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, "Europe/Warsaw")
		r.settings(func(rs *store.ReminderSettings) { rs.ReminderDailyCap = 2 })
		cust, _ := r.customer("pl")
		other, _ := r.customer("pl")
		at := time.Date(2026, 10, 20, 12, 0, 0, 0, time.UTC) // 14:00 in Warsaw
		r.setNow(at)
		run := r.runner(fixed{
			tyresFor(cust, "vehicle:1", at.Add(-3*time.Hour)),
			tyresFor(cust, "vehicle:2", at.Add(-2*time.Hour)),
			tyresFor(cust, "vehicle:3", at.Add(-time.Hour)),
			tyresFor(other, "vehicle:4", at.Add(-time.Hour)),
		})
		items, err := run.Preview(t.Context(), r.branch, at)
		if err != nil || len(items) != 4 {
			t.Fatalf("preview %+v %v", items, err)
		}
		wantHeld := time.Date(2026, 10, 21, 7, 0, 0, 0, time.UTC) // 09:00 CEST next day
		if items[2].Subject != "vehicle:3" || !items[2].HeldUntil.Equal(wantHeld) || !items[3].HeldUntil.IsZero() {
			t.Fatalf("preview holds %+v, want only vehicle:3 until %v", items, wantHeld)
		}
		if res := r.scan(run); res.Sent != 3 || res.Held != 1 {
			t.Fatalf("first scan %+v, want 3 sent (2 + the other customer's), 1 held", res)
		}
		r.setNow(at.Add(2 * time.Hour))
		if res := r.scan(run); res.Sent != 0 || res.Held != 1 || res.Duplicates != 3 {
			t.Fatalf("same day %+v, want the capped one still held", res)
		}
		r.setNow(wantHeld)
		if res := r.scan(run); res.Sent != 1 {
			t.Fatalf("next morning %+v, want the held one sent", res)
		}
		if n := len(r.sent(cust)); n != 3 {
			t.Fatalf("customer got %d reminders, want 3", n)
		}
	})
}

// A reminder goes out once: the second scan (a restart, the next tick)
// finds it in the ledger. It opens the customer's own thread (no work
// order) with a link, on their first number, in their language.
func TestScanSendsEachReminderOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, "Europe/Warsaw")
		cust, phone := r.customer("pl")
		at := time.Date(2026, 10, 20, 10, 0, 0, 0, time.UTC)
		r.setNow(at)
		run := r.runner(fixed{tyresFor(cust, "vehicle:1", at)})
		if res := r.scan(run); res.Sent != 1 {
			t.Fatalf("first scan %+v", res)
		}
		if res := r.scan(r.runner(fixed{tyresFor(cust, "vehicle:1", at)})); res.Sent != 0 || res.Duplicates != 1 {
			t.Fatalf("second scan %+v, want a duplicate", res)
		}
		msgs := r.sent(cust)
		if len(msgs) != 1 || !strings.Contains(msgs[0].Body, "zimowe") || !strings.Contains(msgs[0].Body, "https://hub.test/c/") {
			t.Fatalf("messages %+v, want one Polish tyre reminder with a link", msgs)
		}
		th, err := s.Thread(t.Context(), msgs[0].ThreadID)
		if err != nil || th.WorkOrderID != nil || th.Phone != phone || th.Channel != hub.ChannelSMS || th.BranchID != r.branch.ID {
			t.Fatalf("thread %+v %v, want the customer's own SMS thread on %s", th, err, phone)
		}
		if item, err := s.OutboxByMessage(t.Context(), msgs[0].ID); err != nil || item.Recipient != phone {
			t.Fatalf("outbox %+v %v", item, err)
		}
	})
}

// Two Runners (two hub instances) scanning the same branch at the same
// moment: every reminder goes out once. On PostgreSQL the ledger's unique
// key is what decides; the racing insert waits and then inserts nothing.
func TestRacingScansSendOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newRig(t, s, "Europe/Warsaw")
		at := time.Date(2026, 10, 20, 10, 0, 0, 0, time.UTC)
		r.setNow(at)
		var due fixed
		var customers []int64
		for i := range 20 {
			cust, _ := r.customer("en")
			customers = append(customers, cust)
			due = append(due, tyresFor(cust, "vehicle:"+string(rune('a'+i)), at))
		}
		// Both scans find everything unsent before either sends: the rule
		// lets them past only together.
		rule := &together{fixed: due}
		rule.wg.Add(2)
		other := storetest.Open(t, b) // a second connection pool, as another instance has
		second := reminders.NewRunner(other, r.texts, r.links, nil, reminders.RunnerOptions{
			Rules: []reminders.Rule{rule}, Now: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		runners := []*reminders.Runner{r.runner(rule), second}
		var wg sync.WaitGroup
		results := make([]reminders.Result, 2)
		for i, run := range runners {
			wg.Go(func() {
				res, err := run.Scan(t.Context(), r.branch)
				if err != nil {
					t.Error(err)
				}
				results[i] = res
			})
		}
		wg.Wait()
		if got := results[0].Sent + results[1].Sent; got != 20 {
			t.Fatalf("sent %d in all (%+v), want 20", got, results)
		}
		for _, c := range customers {
			if n := len(r.sent(c)); n != 1 {
				t.Fatalf("customer %d got %d reminders, want 1", c, n)
			}
		}
	})
}

// together is a fixed rule whose Due returns only once two scans have
// called it.
type together struct {
	fixed
	wg sync.WaitGroup
}

func (g *together) Due(ctx context.Context, st *store.Store, scan reminders.Scan) ([]reminders.Reminder, error) {
	g.wg.Done()
	g.wg.Wait()
	return g.fixed.Due(ctx, st, scan)
}
