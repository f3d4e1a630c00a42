package reminders_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/reminders"
	"naryad/templates"
)

// loanOut lends a new car of the rig's branch to the customer on the work
// order's thread, taken out, due back at due (stored in UTC, as the store
// keeps every time).
func (r *rig) loanOut(w hub.WorkOrder, th hub.Thread, locale string, due time.Time) hub.Loan {
	r.t.Helper()
	ctx := r.t.Context()
	r.seq++
	car := hub.CourtesyCar{BranchID: r.branch.ID, Plate: fmt.Sprintf("WA %05d", r.seq), Model: "Skoda Fabia", Fuel: hub.FuelPetrol}
	if err := r.st.AddCourtesyCar(ctx, &car); err != nil {
		r.t.Fatal(err)
	}
	l := hub.Loan{BranchID: r.branch.ID, ThreadID: th.ID, WorkOrderID: &w.ID, CarID: car.ID,
		TokenHash: fmt.Sprintf("loan-%d-%d", r.seq, time.Now().UnixNano()), Locale: locale, CustomerName: "Jan Kowalski",
		CustomerPhone: th.Phone, HandoverAt: due.Add(-72 * time.Hour).UTC(), DueBackAt: due.UTC(), FuelEighths: 8, OdometerKm: 1000,
		IdentityMethod: hub.IdentityManual, OfferedBy: "Ola"}
	if err := r.st.CreateLoan(ctx, &l); err != nil {
		r.t.Fatal(err)
	}
	return r.moveLoan(l, hub.LoanOut)
}

func (r *rig) moveLoan(l hub.Loan, to string) hub.Loan {
	r.t.Helper()
	l, err := r.st.ChangeLoan(r.t.Context(), l.ID, "", func(x *hub.Loan) error { x.State = to; return nil })
	if err != nil {
		r.t.Fatalf("loan → %s: %v", to, err)
	}
	return l
}

// lines lists the system lines of a thread with a key.
func (r *rig) lines(threadID int64, key string) []hub.Message {
	r.t.Helper()
	msgs, err := r.st.Messages(r.t.Context(), threadID)
	if err != nil {
		r.t.Fatal(err)
	}
	var out []hub.Message
	for _, m := range msgs {
		if m.Direction == hub.DirectionSystem && m.TextKey == key {
			out = append(out, m)
		}
	}
	return out
}

func (r *rig) openTasks() []store.StaffTask {
	r.t.Helper()
	tasks, err := r.st.OpenStaffTasks(r.t.Context(), r.branch.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return tasks
}

// A loan due back tomorrow (branch-local) gets one message on its thread,
// in the loan's language, after the quiet hours; a second scan sends
// nothing more. Loans due later or already today get none.
func TestLoanDueBackTomorrowIsToldOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, "Europe/Warsaw")
		warsaw := mustZone(t, "Europe/Warsaw")
		cust, phone := r.customer("en")
		w, th := r.order(cust, phone)
		due := time.Date(2026, 12, 9, 18, 30, 0, 0, warsaw)
		l := r.loanOut(w, th, "pl", due)
		other, otherPhone := r.customer("en")
		w2, th2 := r.order(other, otherPhone)
		r.loanOut(w2, th2, "en", due.AddDate(0, 0, 1)) // the day after tomorrow
		r.loanOut(w2, th2, "en", time.Date(2026, 12, 8, 23, 0, 0, 0, warsaw))
		run := r.runner(reminders.DefaultRules()...)

		r.setNow(time.Date(2026, 12, 8, 7, 0, 0, 0, warsaw)) // quiet until 09:00
		if res := r.scan(run); res.Sent != 0 || res.Held != 1 || len(r.sent(cust)) != 0 {
			t.Fatalf("scan in the quiet hours: %+v, want the message held", res)
		}
		r.setNow(time.Date(2026, 12, 8, 10, 0, 0, 0, warsaw))
		items, err := run.Preview(t.Context(), r.branch, r.clock())
		if err != nil || len(items) != 1 || items[0].Rule != reminders.RuleLoanDue || !strings.Contains(items[0].Message, "WA ") {
			t.Fatalf("preview %+v, %v; want the loan's message", items, err)
		}
		if res := r.scan(run); res.Sent != 1 {
			t.Fatalf("scan the day before: %+v, want one message", res)
		}
		msgs := r.sent(cust)
		if len(msgs) != 1 || msgs[0].ThreadID != th.ID || msgs[0].TemplateKey != templates.KeyReminderLoanDue ||
			msgs[0].Delivery != hub.DeliveryQueued {
			t.Fatalf("messages %+v, want one reminder.loan_due queued on the loan's thread", msgs)
		}
		// The loan's language (pl), not the customer's (en); the car and
		// the time on the branch's clock.
		for _, want := range []string{"samochodu zastępczego", "Skoda Fabia WA", "09.12.2026 18:30", w.Number, "https://hub.test/c/"} {
			if !strings.Contains(msgs[0].Body, want) {
				t.Errorf("message %q lacks %q", msgs[0].Body, want)
			}
		}
		if res := r.scan(run); res.Sent != 0 || res.Duplicates != 1 || len(r.sent(cust)) != 1 {
			t.Fatalf("second scan: %+v, %d messages; want still one", res, len(r.sent(cust)))
		}
		if n := len(r.sent(other)); n != 0 {
			t.Fatalf("the other customer got %d messages for loans not due tomorrow", n)
		}

		// Moved to another time tomorrow: told again, once.
		if _, err := s.ChangeLoan(t.Context(), l.ID, "", func(x *hub.Loan) error { x.DueBackAt = due.Add(-3 * time.Hour).UTC(); return nil }); err != nil {
			t.Fatal(err)
		}
		r.scan(run)
		r.scan(run)
		if msgs := r.sent(cust); len(msgs) != 2 || !strings.Contains(msgs[1].Body, "15:30") {
			t.Fatalf("after the due time moved: %d messages, want a second one with the new time", len(msgs))
		}
	})
}

// The due-back message is about the customer's loan, a service message:
// a STOP of reminders does not hold it, nor does the daily cap; a number
// that refused service messages gets it on its page only.
func TestLoanDueBackIsAServiceMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newRig(t, s, "Europe/Warsaw")
		warsaw := mustZone(t, "Europe/Warsaw")
		r.settings(func(rs *store.ReminderSettings) { rs.ReminderDailyCap = 1 })
		at := time.Date(2026, 12, 8, 10, 0, 0, 0, warsaw)
		stopped, stoppedPhone := r.customer("pl")
		w1, th1 := r.order(stopped, stoppedPhone)
		r.loanOut(w1, th1, "pl", at.Add(30*time.Hour))
		if _, err := s.SetConsent(ctx, stoppedPhone, store.ConsentReminders, false, store.ConsentFromStopReply, at.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		refused, refusedPhone := r.customer("pl")
		w2, th2 := r.order(refused, refusedPhone)
		r.loanOut(w2, th2, "pl", at.Add(30*time.Hour))
		if _, err := s.SetConsent(ctx, refusedPhone, store.ConsentService, false, store.ConsentFromAccount, at.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		// The refused customer had their day's reminder already.
		r.setNow(at)
		run := r.runner(fixed{tyresFor(refused, "vehicle:1", at.Add(-12*time.Hour))}, reminders.NewLoanDue())
		res := r.scan(run)
		if res.Sent != 3 || res.OptedOut != 0 {
			t.Fatalf("scan: %+v; want both loans' messages and the tyres reminder sent", res)
		}
		if msgs := r.sent(stopped); len(msgs) != 1 || msgs[0].Delivery != hub.DeliveryQueued {
			t.Fatalf("opted-out customer's messages %+v, want the loan's queued", msgs)
		}
		var loanMsg hub.Message
		for _, m := range r.sent(refused) {
			if m.TemplateKey == templates.KeyReminderLoanDue {
				loanMsg = m
			}
		}
		if loanMsg.ID == 0 || loanMsg.Delivery != hub.DeliveryPageOnly {
			t.Fatalf("service-refused customer's loan message %+v, want it page only", loanMsg)
		}
	})
}

// A loan out past its due-back time (and the grace hour) raises one staff
// task and its line in the thread; a rescan adds nothing. A day later the
// thread gets a line with the days late, and no second task while the
// first is open; once it is closed, the next day raises a new one.
func TestLoanOverdueRaisesOneTask(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newRig(t, s, "Europe/Warsaw")
		warsaw := mustZone(t, "Europe/Warsaw")
		cust, phone := r.customer("pl")
		w, th := r.order(cust, phone)
		due := time.Date(2026, 12, 8, 18, 0, 0, 0, warsaw)
		l := r.loanOut(w, th, "pl", due)
		car, err := s.CourtesyCar(ctx, r.branch.ID, l.CarID)
		if err != nil {
			t.Fatal(err)
		}
		run := r.runner(reminders.DefaultRules()...)

		r.setNow(due.Add(30 * time.Minute))
		if res := r.scan(run); res.Tasks != 0 || len(r.openTasks()) != 0 {
			t.Fatalf("half an hour late: %+v, want nothing yet", res)
		}
		r.setNow(due.Add(2 * time.Hour))
		if res := r.scan(run); res.Tasks != 1 {
			t.Fatalf("two hours late: %+v, want one task", res)
		}
		tasks := r.openTasks()
		if len(tasks) != 1 || tasks[0].Kind != reminders.RuleLoanOverdue || tasks[0].ThreadID == nil || *tasks[0].ThreadID != th.ID ||
			!strings.Contains(tasks[0].Title, car.Plate) || !strings.Contains(tasks[0].Title, "08.12.2026 18:00") ||
			!strings.Contains(tasks[0].Body, phone) {
			t.Fatalf("tasks %+v, want one loan_overdue task on the thread naming the car, the time and the number", tasks)
		}
		first := r.lines(th.ID, templates.SysLoanOverdue)
		if len(first) != 1 || !strings.Contains(first[0].Text("pl"), "Zadanie: samochód zastępczy "+car.Plate) ||
			!strings.Contains(first[0].Text("ru"), "не возвращён к сроку 08.12.2026 18:00") {
			t.Fatalf("overdue lines %+v, want one, worded in each reader's language", first)
		}
		if res := r.scan(run); res.Tasks != 0 || res.Duplicates != 1 || len(r.openTasks()) != 1 {
			t.Fatalf("rescan: %+v, want nothing more", res)
		}
		if n := len(r.sent(cust)); n != 0 {
			t.Fatalf("the customer got %d messages about an overdue loan; staff call them", n)
		}

		r.setNow(due.Add(25 * time.Hour))
		if res := r.scan(run); res.Tasks != 0 || res.Noted != 1 || len(r.openTasks()) != 1 {
			t.Fatalf("a day late with the task open: %+v, want a line, no second task", res)
		}
		again := r.lines(th.ID, templates.SysLoanStillOverdue)
		if len(again) != 1 || !strings.Contains(again[0].Text("en"), "1 day(s) late") {
			t.Fatalf("still-overdue lines %+v", again)
		}
		if ok, err := s.FinishStaffTask(ctx, r.branch.ID, tasks[0].ID, "ola"); err != nil || !ok {
			t.Fatalf("finish task: %v %v", ok, err)
		}
		r.setNow(due.Add(49 * time.Hour))
		if res := r.scan(run); res.Tasks != 1 || len(r.openTasks()) != 1 {
			t.Fatalf("two days late, the first task closed: %+v, want a new task", res)
		}
		if n := len(r.lines(th.ID, templates.SysLoanStillOverdue)); n != 2 {
			t.Fatalf("%d still-overdue lines, want 2", n)
		}
	})
}

// A loan that came back gets neither the due-back message nor the overdue
// task, whatever its due time; nor does an offer the customer has not taken.
func TestReturnedLoanGetsNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, "Europe/Warsaw")
		warsaw := mustZone(t, "Europe/Warsaw")
		cust, phone := r.customer("pl")
		w, th := r.order(cust, phone)
		tomorrow := time.Date(2026, 12, 9, 12, 0, 0, 0, warsaw)
		back := r.moveLoan(r.loanOut(w, th, "pl", tomorrow), hub.LoanReturned)
		late := r.moveLoan(r.loanOut(w, th, "pl", tomorrow.AddDate(0, 0, -3)), hub.LoanReturned)
		if back.State != hub.LoanReturned || late.State != hub.LoanReturned {
			t.Fatal("loans not returned")
		}
		r.seq++
		car := hub.CourtesyCar{BranchID: r.branch.ID, Plate: "WX 77777", Model: "Fiat Panda", Fuel: hub.FuelPetrol}
		if err := s.AddCourtesyCar(t.Context(), &car); err != nil {
			t.Fatal(err)
		}
		offered := hub.Loan{BranchID: r.branch.ID, ThreadID: th.ID, WorkOrderID: &w.ID, CarID: car.ID, TokenHash: "offered-only",
			Locale: "pl", HandoverAt: tomorrow.AddDate(0, 0, -5).UTC(), DueBackAt: tomorrow.UTC(), IdentityMethod: hub.IdentityManual, OfferedBy: "Ola"}
		if err := s.CreateLoan(t.Context(), &offered); err != nil {
			t.Fatal(err)
		}
		run := r.runner(reminders.DefaultRules()...)
		for _, at := range []time.Time{time.Date(2026, 12, 8, 10, 0, 0, 0, warsaw), tomorrow.Add(3 * time.Hour), tomorrow.Add(50 * time.Hour)} {
			r.setNow(at)
			if res := r.scan(run); res != (reminders.Result{}) {
				t.Fatalf("scan at %s: %+v, want nothing", at, res)
			}
		}
		if len(r.sent(cust)) != 0 || len(r.openTasks()) != 0 || len(r.lines(th.ID, templates.SysLoanOverdue)) != 0 {
			t.Fatal("a returned or untaken loan got a reminder")
		}
	})
}
