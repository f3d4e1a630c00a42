package reminders_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/reply"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/reminders"
	"naryad/templates"
)

// handOver marks a work order delivered at a moment.
func (r *rig) handOver(w *hub.WorkOrder, at time.Time) {
	r.t.Helper()
	err := r.st.Gorm(r.t.Context()).Exec("UPDATE work_orders SET status = ?, handed_over_at = ? WHERE id = ?",
		hub.StatusDelivered, at.UTC(), w.ID).Error
	if err != nil {
		r.t.Fatal(err)
	}
	w.Status, w.HandedOverAt = hub.StatusDelivered, &at
}

// The ask goes out once, from the branch-local day after the hand-over
// (not the same evening, even when UTC has turned the day already) up to
// 7 days after it, and not for an order handed over earlier.
func TestFeedbackAskedTheDayAfterHandOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, "Asia/Vladivostok") // UTC+10
		loc := mustZone(t, "Asia/Vladivostok")
		r.settings(func(rs *store.ReminderSettings) { rs.QuietFrom, rs.QuietUntil = "00:00", "00:00" })
		local := func(day, hour, minute int) time.Time { return time.Date(2026, 5, day, hour, minute, 0, 0, loc) }

		yesterday, yesterdayCust := r.deliveredOrder("en", local(10, 8, 30)) // 22:30 UTC on 9 May
		weekAgo, weekAgoCust := r.deliveredOrder("pl", local(3, 10, 0))
		_, tooOldCust := r.deliveredOrder("en", local(2, 23, 59))
		cust, phone := r.customer("en")
		open, _ := r.order(cust, phone) // not handed over

		run := r.runner(reminders.NewFeedback())
		r.setNow(local(10, 23, 50))
		if res := r.scan(run); res.Sent != 1 {
			t.Fatalf("evening of the hand-over: %+v, want only the week-old order asked", res)
		}
		r.setNow(local(11, 0, 5)) // still 10 May in UTC
		if res := r.scan(run); res.Sent != 1 {
			t.Fatalf("the day after: %+v, want the order handed over yesterday asked", res)
		}
		r.setNow(local(12, 12, 0))
		if res := r.scan(run); res.Sent != 0 || res.Duplicates != 1 {
			t.Fatalf("two days after: %+v, want nothing more (asked once)", res)
		}

		ask := r.sent(yesterdayCust)
		if len(ask) != 1 || ask[0].TemplateKey != templates.KeyReminderFeedback ||
			!strings.Contains(ask[0].Body, "order "+yesterday.Number) || !strings.Contains(ask[0].Body, "0 to 10") {
			t.Fatalf("asked %+v, want the feedback question about %s", ask, yesterday.Number)
		}
		th, err := s.ThreadByWorkOrder(t.Context(), yesterday.ID)
		if err != nil || ask[0].ThreadID != th.ID {
			t.Fatalf("asked on thread %d, want the work order's %d (%v)", ask[0].ThreadID, th.ID, err)
		}
		if got := r.sent(weekAgoCust); len(got) != 1 || !strings.Contains(got[0].Body, weekAgo.Number) || !strings.Contains(got[0].Body, "od 0 do 10") {
			t.Fatalf("week-old order: %+v, want one ask in Polish", got)
		}
		if got := r.sent(tooOldCust); len(got) != 0 {
			t.Fatalf("order handed over 8 days before: %+v, want no ask", got)
		}
		if got := r.sent(cust); len(got) != 0 {
			t.Fatalf("order %s not handed over: %+v, want no ask", open.Number, got)
		}
	})
}

// deliveredOrder is a work order of a new customer, handed over at a
// moment; it returns the order and its customer.
func (r *rig) deliveredOrder(locale string, handed time.Time) (hub.WorkOrder, int64) {
	r.t.Helper()
	cust, phone := r.customer(locale)
	w, _ := r.order(cust, phone)
	r.handOver(&w, handed)
	return w, cust
}

// A reply to the ask that is a score is stored with its change; a low one
// raises a follow-up task. Anything else, a second reply, or a reply from
// a customer never asked stays an ordinary message.
func TestFeedbackReplies(t *testing.T) {
	cases := []struct {
		name    string
		asked   bool
		replies []string
		score   int // -1: none stored
		task    bool
	}{
		{"score", true, []string{"9"}, 9, false},
		{"low score out of 10", true, []string{"4 из 10"}, 4, true},
		{"exclaimed", true, []string{"10!"}, 10, false},
		{"out of range", true, []string{"11"}, -1, false},
		{"a sentence", true, []string{"call me at 5"}, -1, false},
		{"the first reply counts", true, []string{"9", "3"}, 9, false},
		{"after a non-score", true, []string{"thanks", "6"}, 6, true},
		{"never asked", false, []string{"8"}, -1, false},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newRig(t, s, "Europe/Warsaw")
		r.settings(func(rs *store.ReminderSettings) { rs.QuietFrom, rs.QuietUntil = "00:00", "00:00" })
		loc := mustZone(t, "Europe/Warsaw")
		now := time.Date(2026, 5, 11, 12, 0, 0, 0, loc)
		orders := make([]hub.WorkOrder, len(cases))
		for i, c := range cases {
			handed := now.Add(-24 * time.Hour)
			if !c.asked {
				handed = now.Add(-time.Hour) // today: not asked yet
			}
			orders[i], _ = r.deliveredOrder("en", handed)
		}
		r.setNow(now)
		if res := r.scan(r.runner(reminders.NewFeedback())); res.Sent != len(cases)-1 {
			t.Fatalf("asked %+v, want every order but the one never asked", res)
		}
		start, err := s.LastSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}

		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				w := orders[i]
				th, err := s.ThreadByWorkOrder(ctx, w.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, text := range c.replies {
					err := s.Tx(ctx, func(tx *store.Store) error {
						m, err := tx.AddCustomerMessage(ctx, th, text, "web", nil)
						if err != nil {
							return err
						}
						return reply.ApplyFeedbackReply(ctx, tx, th, m)
					})
					if err != nil {
						t.Fatalf("reply %q: %v", text, err)
					}
				}
				got, err := s.FeedbackScoreOf(ctx, w.ID)
				switch {
				case c.score < 0 && !errors.Is(err, store.ErrNotFound):
					t.Fatalf("score %+v %v, want none", got, err)
				case c.score >= 0 && (err != nil || got.Score != c.score):
					t.Fatalf("score %+v %v, want %d", got, err, c.score)
				}
				wantChanges := 0
				if c.score >= 0 {
					wantChanges = 1
				}
				if n := feedbackChanges(t, s, r.branch.ID, start, w.ID); n != wantChanges {
					t.Fatalf("%d feedback changes, want %d", n, wantChanges)
				}
				if task := followUp(t, s, r.branch.ID, th.ID); (task != nil) != c.task {
					t.Fatalf("follow-up task %+v, want one: %v", task, c.task)
				} else if task != nil && task.Title != fmt.Sprintf("Low score %d/10 — call the customer (order %s)", c.score, w.Number) {
					t.Fatalf("task title %q", task.Title)
				}
			})
		}
	})
}

// feedbackChanges counts the feedback changes about a work order after seq.
func feedbackChanges(t *testing.T, s *store.Store, branchID, after, workOrderID int64) int {
	t.Helper()
	changes, err := s.ChangesAfter(t.Context(), []int64{branchID}, after, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range changes {
		if c.Type == hub.ChangeFeedback && c.WorkOrderID != nil && *c.WorkOrderID == workOrderID {
			n++
		}
	}
	return n
}

// followUp is the open follow-up task on a thread, nil when none.
func followUp(t *testing.T, s *store.Store, branchID, threadID int64) *store.StaffTask {
	t.Helper()
	tasks, err := s.OpenStaffTasks(t.Context(), branchID)
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		if task.Kind == reply.KindFeedbackFollowUp && task.ThreadID != nil && *task.ThreadID == threadID {
			return &task
		}
	}
	return nil
}
