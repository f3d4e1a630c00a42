package reminders_test

import (
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/lockerwire"
	"naryad/reminders"
	"naryad/templates"
)

// step is one scan of a rule test: at a moment, what it should send.
type step struct {
	name          string
	after         time.Duration // since the rule's start (estimate sent, keys ready)
	sent, tasks   int
	wantInMessage string
}

func runSteps(t *testing.T, r *rig, run *reminders.Runner, start time.Time, steps []step) {
	t.Helper()
	for _, s := range steps {
		r.setNow(start.Add(s.after))
		res := r.scan(run)
		if res.Sent != s.sent || res.Tasks != s.tasks {
			t.Fatalf("%s (+%s): %+v, want %d sent, %d tasks", s.name, s.after, res, s.sent, s.tasks)
		}
	}
}

// An estimate undecided 30 minutes after it was sent gets one customer
// nudge; after 2 hours one staff task. A decided estimate gets neither.
func TestApprovalNudge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newRig(t, s, "Europe/Moscow")
		r.settings(func(rs *store.ReminderSettings) { rs.QuietFrom, rs.QuietUntil = "00:00", "00:00" })
		estimate := func(decided bool) (hub.WorkOrder, hub.Thread, hub.Message) {
			cust, phone := r.customer("en")
			w, th := r.order(cust, phone)
			lines := []hub.WorkOrderLine{
				{ExternalID: "1", Position: 1, Kind: hub.LineLabor, Name: "Oil change", QtyMilli: 1000, TotalMinor: 150000},
				{ExternalID: "2", Position: 2, Kind: hub.LinePart, Name: "Brake pads", QtyMilli: 1000, TotalMinor: 680000, NeedsApproval: true},
			}
			if err := s.UpsertLines(ctx, w.ID, lines); err != nil {
				t.Fatal(err)
			}
			if decided {
				err := s.Gorm(ctx).Exec("UPDATE work_order_lines SET decision = ?, decided_at = ? WHERE work_order_id = ?",
					hub.DecisionDeclined, time.Now().UTC(), w.ID).Error
				if err != nil {
					t.Fatal(err)
				}
			}
			m, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: th.ID, Channel: hub.ChannelSMS, Recipient: phone,
				Body: "approve please", TemplateKey: templates.KeyEstimateRequest})
			if err != nil {
				t.Fatal(err)
			}
			return w, th, m
		}
		w, th, m := estimate(false)
		estimate(true)
		run := r.runner(reminders.NewApproval())
		runSteps(t, r, run, m.CreatedAt, []step{
			{name: "too early", after: 29 * time.Minute},
			{name: "nudge", after: 31 * time.Minute, sent: 1},
			{name: "nudged once", after: time.Hour},
			{name: "staff alert", after: 2*time.Hour + time.Minute, tasks: 1},
			{name: "alerted once", after: 3 * time.Hour},
		})
		msgs, err := s.Messages(ctx, th.ID)
		if err != nil {
			t.Fatal(err)
		}
		var nudge, line *hub.Message
		for i := range msgs {
			switch {
			case msgs[i].TemplateKey == templates.KeyReminderApproval:
				nudge = &msgs[i]
			case msgs[i].Direction == hub.DirectionSystem:
				line = &msgs[i]
			}
		}
		if nudge == nil || !strings.Contains(nudge.Body, w.Number) || !strings.Contains(nudge.Body, "6,800.00") {
			t.Fatalf("nudge %+v, want the order and the undecided total on the work order's thread", nudge)
		}
		if line == nil || !strings.Contains(line.Body, "Estimate undecided: order "+w.Number) {
			t.Fatalf("system line %+v, want the task noted in the thread", line)
		}
		tasks, err := s.OpenStaffTasks(ctx, r.branch.ID)
		if err != nil || len(tasks) != 1 || tasks[0].ThreadID == nil || *tasks[0].ThreadID != th.ID || tasks[0].Kind != reminders.RuleApproval {
			t.Fatalf("tasks %+v %v, want one approval task on the thread", tasks, err)
		}
	})
}

// Keys waiting in the locker: a customer reminder after keys_remind_hours
// and then once a local day, a staff task once a day after
// keys_alert_hours, nothing once collected.
func TestUncollectedKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newRig(t, s, "Europe/Moscow")
		r.settings(func(rs *store.ReminderSettings) { rs.QuietFrom, rs.QuietUntil = "00:00", "00:00" })
		cust, phone := r.customer("ru")
		w, th := r.order(cust, phone)
		site := hub.LockerSite{BranchID: r.branch.ID, Name: "Main", TokenHash: "site-" + r.branch.Code}
		comps := []hub.LockerCompartment{{Board: 0, Lock: 1, Label: "1"}}
		if err := s.CreateLockerSite(ctx, &site, comps); err != nil {
			t.Fatal(err)
		}
		ready := time.Date(2026, 5, 10, 8, 0, 0, 0, time.UTC) // 11:00 in Moscow
		setState := func(state string, wo *int64) {
			err := s.Gorm(ctx).Exec("UPDATE locker_compartments SET state = ?, work_order_id = ?, state_since = ? WHERE id = ?",
				state, wo, ready, comps[0].ID).Error
			if err != nil {
				t.Fatal(err)
			}
		}
		setState(lockerwire.StateReady, &w.ID)
		run := r.runner(reminders.NewKeys())
		runSteps(t, r, run, ready, []step{
			{name: "not yet", after: 23 * time.Hour},
			{name: "first reminder", after: 25 * time.Hour, sent: 1},
			{name: "same day", after: 36 * time.Hour},
			{name: "next day, alert too", after: 49 * time.Hour, sent: 1, tasks: 1},
			{name: "alerted today", after: 50 * time.Hour},
			{name: "day after", after: 73 * time.Hour, sent: 1, tasks: 1},
		})
		setState(lockerwire.StateFree, nil)
		runSteps(t, r, run, ready, []step{{name: "collected", after: 97 * time.Hour}})

		var keys []hub.Message
		msgs, _ := s.Messages(ctx, th.ID)
		for _, m := range msgs {
			if m.TemplateKey == templates.KeyReminderKeys {
				keys = append(keys, m)
			}
		}
		if len(keys) != 3 || !strings.Contains(keys[0].Body, "ключи") || !strings.Contains(keys[0].Body, w.Number) {
			t.Fatalf("key reminders %+v, want 3 in Russian on the work order's thread", keys)
		}
	})
}
