package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// slaWorld is a branch with targets, its advisors and a way to write
// messages dated in the past (AddMessage keeps an earlier time).
type slaWorld struct {
	s           *store.Store
	branch      hub.Branch
	anna, boris store.User
}

func newSLAWorld(t *testing.T, s *store.Store, hours string, targets store.SLATargets) slaWorld {
	t.Helper()
	ctx := context.Background()
	w := slaWorld{s: s, branch: hub.Branch{Code: "sla1", Name: "СТО", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru", WorkingHours: hours}}
	if err := s.CreateBranch(ctx, &w.branch); err != nil {
		t.Fatal(err)
	}
	if err := s.SetBranchSLATargets(ctx, w.branch.ID, targets); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*store.User{{Login: "anna", Name: "Анна"}, {Login: "boris", Name: "Борис"}} {
		u.Role = store.RoleAdvisor
		if err := s.CreateUser(ctx, u, []int64{w.branch.ID}); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if w.anna, err = s.UserByLogin(ctx, "anna"); err != nil {
		t.Fatal(err)
	}
	if w.boris, err = s.UserByLogin(ctx, "boris"); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w slaWorld) thread(t *testing.T, phone string, assignee *store.User) hub.Thread {
	t.Helper()
	th := hub.Thread{BranchID: w.branch.ID, Phone: phone, Channel: hub.ChannelSMS}
	if err := w.s.CreateThread(context.Background(), &th); err != nil {
		t.Fatal(err)
	}
	if assignee != nil {
		if err := w.s.AssignThread(context.Background(), th.ID, &assignee.ID); err != nil {
			t.Fatal(err)
		}
	}
	return th
}

// write adds a message dated at; kind "in" (customer), "reply" (a person),
// "auto" (a template with no author), "note".
func (w slaWorld) write(t *testing.T, th hub.Thread, kind string, at time.Time) {
	t.Helper()
	m := hub.Message{ThreadID: th.ID, Body: kind, CreatedAt: at}
	switch kind {
	case "in":
		m.Direction = hub.DirectionIn
	case "reply":
		m.Direction, m.Author = hub.DirectionOut, "Анна"
	case "auto":
		m.Direction, m.TemplateKey = hub.DirectionOut, "status.ready"
	case "note":
		m.Direction, m.Author = hub.DirectionNote, "Анна"
	}
	if err := w.s.AddMessage(context.Background(), &m); err != nil {
		t.Fatal(err)
	}
}

func clocks(t *testing.T, s *store.Store, th hub.Thread) []store.SLAClock {
	t.Helper()
	out, err := s.ThreadSLAClocks(context.Background(), th.ID)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// describe writes clocks as "kind:running" / "kind:stopped" for comparing.
func describe(cs []store.SLAClock) string {
	out := ""
	for _, c := range cs {
		state := "running"
		if c.StoppedAt != nil {
			state = "stopped"
		}
		out += fmt.Sprintf("%s:%s ", c.Kind, state)
	}
	return out
}

// row is the thread as the inbox list reads it.
func inboxRow(t *testing.T, w slaWorld, th hub.Thread) store.InboxThread {
	t.Helper()
	rows, err := w.s.InboxThreads(context.Background(), store.InboxQuery{BranchIDs: []int64{w.branch.ID}, Filter: store.FilterActive})
	if err != nil {
		t.Fatal(err)
	}
	rows2, err := w.s.InboxThreads(context.Background(), store.InboxQuery{BranchIDs: []int64{w.branch.ID}, Filter: store.FilterResolved})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range append(rows, rows2...) {
		if r.ID == th.ID {
			return r
		}
	}
	t.Fatalf("thread %d not listed", th.ID)
	return store.InboxThread{}
}

// Clocks start and stop with the messages and the resolve that cause them,
// due in the branch's working hours, and the thread row carries the
// earliest running one for the list.
func TestSLAClocksFollowTheConversation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		const hours = "Пн–Пт 09:00–20:00"
		w := newSLAWorld(t, s, hours, store.SLATargets{FirstResponseMinutes: 30, NextResponseMinutes: 15, ResolutionMinutes: 240})
		th := w.thread(t, "+79160000001", &w.anna)
		t0 := time.Now().UTC().Add(-10 * time.Hour).Truncate(time.Second)
		parsed, err := hub.ParseHours(hours)
		if err != nil {
			t.Fatal(err)
		}
		msk := w.branch.Location()

		if got := inboxRow(t, w, th); got.SLADueAt != nil || got.SLAKind != "" {
			t.Fatalf("a thread nobody wrote to has an SLA due time: %v %q", got.SLADueAt, got.SLAKind)
		}
		w.write(t, th, "in", t0)
		cs := clocks(t, s, th)
		if describe(cs) != "first:running resolution:running " {
			t.Fatalf("after the customer's message: %s", describe(cs))
		}
		if want := parsed.AddWorking(t0, 30*time.Minute, msk); !cs[0].DueAt.Equal(want) || !cs[0].StartedAt.Equal(t0) {
			t.Fatalf("first clock %v → %v, want %v → %v (working hours)", cs[0].StartedAt, cs[0].DueAt, t0, want)
		}
		if want := parsed.AddWorking(t0, 240*time.Minute, msk); !cs[1].DueAt.Equal(want) {
			t.Fatalf("resolution due %v, want %v", cs[1].DueAt, want)
		}
		if cs[0].AssigneeID == nil || *cs[0].AssigneeID != w.anna.ID {
			t.Fatalf("first clock held against %v, want anna", cs[0].AssigneeID)
		}
		if got := inboxRow(t, w, th); got.SLADueAt == nil || !got.SLADueAt.Equal(cs[0].DueAt) || got.SLAKind != store.SLAFirst {
			t.Fatalf("list row SLA %v %q, want %v first", got.SLADueAt, got.SLAKind, cs[0].DueAt)
		}

		// More customer messages, a note and an automatic notification
		// start and stop nothing.
		w.write(t, th, "in", t0.Add(time.Minute))
		w.write(t, th, "note", t0.Add(2*time.Minute))
		w.write(t, th, "auto", t0.Add(3*time.Minute))
		if got := describe(clocks(t, s, th)); got != "first:running resolution:running " {
			t.Fatalf("after a note and a notification: %s", got)
		}

		// Boris takes the thread and answers: the first clock stops at the
		// reply's time, held against him; the list shows resolution next.
		if err := s.AssignThread(ctx, th.ID, &w.boris.ID); err != nil {
			t.Fatal(err)
		}
		w.write(t, th, "reply", t0.Add(time.Hour))
		cs = clocks(t, s, th)
		if describe(cs) != "first:stopped resolution:running " || !cs[0].StoppedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("after the reply: %s stopped at %v", describe(cs), cs[0].StoppedAt)
		}
		if cs[0].AssigneeID == nil || *cs[0].AssigneeID != w.boris.ID {
			t.Fatalf("answered clock held against %v, want boris", cs[0].AssigneeID)
		}
		if got := inboxRow(t, w, th); got.SLADueAt == nil || !got.SLADueAt.Equal(cs[1].DueAt) || got.SLAKind != store.SLAResolution {
			t.Fatalf("list row SLA %v %q, want %v resolution", got.SLADueAt, got.SLAKind, cs[1].DueAt)
		}

		// The customer writes again: a next-response clock, the same
		// resolution clock.
		w.write(t, th, "in", t0.Add(2*time.Hour))
		cs = clocks(t, s, th)
		if describe(cs) != "first:stopped resolution:running next:running " {
			t.Fatalf("after the second wait: %s", describe(cs))
		}
		if want := parsed.AddWorking(t0.Add(2*time.Hour), 15*time.Minute, msk); !cs[2].DueAt.Equal(want) {
			t.Fatalf("next due %v, want %v", cs[2].DueAt, want)
		}

		// Resolving stops every clock; the list shows none.
		if err := s.SetThreadState(ctx, th.ID, hub.ThreadResolved); err != nil {
			t.Fatal(err)
		}
		if got := describe(clocks(t, s, th)); got != "first:stopped resolution:stopped next:stopped " {
			t.Fatalf("after resolving: %s", got)
		}
		if got := inboxRow(t, w, th); got.SLADueAt != nil || got.SLAKind != "" {
			t.Fatalf("a resolved thread keeps SLA %v %q", got.SLADueAt, got.SLAKind)
		}

		// A customer writing to the resolved thread starts a next response
		// and a new resolution clock.
		if _, err := s.AddCustomerMessage(ctx, th, "Ещё вопрос", hub.ChannelSMS, nil); err != nil {
			t.Fatal(err)
		}
		if got := describe(clocks(t, s, th)); got != "first:stopped resolution:stopped next:stopped next:running resolution:running " {
			t.Fatalf("after the customer wrote again: %s", got)
		}
	})
}

// A target of 0 starts no clock of its kind; targets out of range are
// refused and the stored ones kept.
func TestSLATargetsZeroAndRange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newSLAWorld(t, s, "", store.SLATargets{FirstResponseMinutes: 10})
		th := w.thread(t, "+79160000002", nil)
		w.write(t, th, "in", time.Now().Add(-time.Hour))
		w.write(t, th, "reply", time.Now().Add(-50*time.Minute))
		w.write(t, th, "in", time.Now().Add(-40*time.Minute))
		if got := describe(clocks(t, s, th)); got != "first:stopped " {
			t.Fatalf("clocks %s, want only the first response", got)
		}
		for _, bad := range []store.SLATargets{{FirstResponseMinutes: -1}, {ResolutionMinutes: store.MaxSLAMinutes + 1}} {
			if err := s.SetBranchSLATargets(ctx, w.branch.ID, bad); err == nil {
				t.Fatalf("%+v accepted", bad)
			}
		}
		got, err := s.BranchSLATargets(ctx, w.branch.ID)
		if err != nil || got != (store.SLATargets{FirstResponseMinutes: 10}) {
			t.Fatalf("targets %+v %v, want first 10 kept", got, err)
		}
	})
}

// A branch that measures only the next response (no first-response
// target) still starts a next clock once a person has answered: the
// thread's history tells that the customer's wait is a later one, not the
// first clocks that were never started. So does a thread answered before
// any clock existed (written before the SLA migration).
func TestSLANextClockWithoutAFirstResponseTarget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newSLAWorld(t, s, "", store.SLATargets{NextResponseMinutes: 15})
		th := w.thread(t, "+79160000009", nil)
		w.write(t, th, "in", time.Now().Add(-time.Hour))
		w.write(t, th, "auto", time.Now().Add(-55*time.Minute))
		w.write(t, th, "in", time.Now().Add(-54*time.Minute))
		if got := describe(clocks(t, s, th)); got != "" {
			t.Fatalf("clocks %q before any person answered, want none (the first wait is not measured)", got)
		}
		w.write(t, th, "reply", time.Now().Add(-50*time.Minute))
		w.write(t, th, "in", time.Now().Add(-40*time.Minute))
		if got := describe(clocks(t, s, th)); got != "next:running " {
			t.Fatalf("clocks %q, want the next response measured", got)
		}
	})
}

// The breach list holds running clocks past due, longest overdue first,
// of the asked branches only.
func TestSLABreaches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newSLAWorld(t, s, "", store.SLATargets{FirstResponseMinutes: 30, ResolutionMinutes: 600})
		now := time.Now().UTC()
		late := w.thread(t, "+79160000003", &w.anna)
		later := w.thread(t, "+79160000004", nil)
		answered := w.thread(t, "+79160000005", nil)
		w.write(t, later, "in", now.Add(-3*time.Hour))
		w.write(t, late, "in", now.Add(-time.Hour))
		w.write(t, answered, "in", now.Add(-2*time.Hour))
		w.write(t, answered, "reply", now.Add(-110*time.Minute))

		got, err := s.SLABreaches(ctx, []int64{w.branch.ID}, now, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%d:first: %d:first:Анна ", later.ID, late.ID)
		var have string
		for _, b := range got {
			have += fmt.Sprintf("%d:%s:%s ", b.ThreadID, b.Kind, b.AssigneeName)
		}
		if have != want {
			t.Fatalf("breaches %q, want %q", have, want)
		}
		// Eleven hours on, the resolution clocks are late too.
		got, err = s.SLABreaches(ctx, []int64{w.branch.ID}, now.Add(11*time.Hour), 0)
		if err != nil || len(got) != 5 {
			t.Fatalf("breaches 11 h later: %d %v, want 5", len(got), err)
		}
		other := storetest.NewFixture(t, s)
		if got, err := s.SLABreaches(ctx, []int64{other.Branch.ID}, now.Add(11*time.Hour), 0); err != nil || len(got) != 0 {
			t.Fatalf("another branch sees %d breaches (%v)", len(got), err)
		}
	})
}

// The report counts clocks due in the period per branch and advisor and
// kind: met when stopped in time, breached when stopped late or running
// past due, running otherwise.
func TestSLAReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newSLAWorld(t, s, "", store.SLATargets{FirstResponseMinutes: 30, NextResponseMinutes: 15, ResolutionMinutes: 240})
		now := time.Now().UTC()
		a := w.thread(t, "+79160000006", &w.anna)
		w.write(t, a, "in", now.Add(-10*time.Hour))
		w.write(t, a, "reply", now.Add(-590*time.Minute)) // first: 10 min, met
		w.write(t, a, "in", now.Add(-9*time.Hour))
		w.write(t, a, "reply", now.Add(-8*time.Hour)) // next: 60 min, breached
		if err := s.SetThreadState(ctx, a.ID, hub.ThreadResolved); err != nil {
			t.Fatal(err) // resolution: 10 h, breached
		}
		b := w.thread(t, "+79160000007", &w.boris)
		w.write(t, b, "in", now.Add(-time.Hour)) // first: running past due; resolution: running
		c := w.thread(t, "+79160000008", nil)
		w.write(t, c, "in", now.Add(-2*time.Hour))
		w.write(t, c, "reply", now.Add(-119*time.Minute)) // first met, nobody's

		rep, err := s.SLAReport(ctx, store.ReportQuery{BranchIDs: []int64{w.branch.ID}, From: now.Add(-24 * time.Hour), To: now.Add(24 * time.Hour)}, now)
		if err != nil {
			t.Fatal(err)
		}
		line := func(r store.SLAReportRow) string {
			who := r.BranchCode + r.Advisor
			return fmt.Sprintf("%s %s due=%d met=%d breached=%d running=%d", who, r.Kind, r.Due, r.Met, r.Breached, r.Running)
		}
		var got []string
		for _, r := range append(rep.Branches, rep.Advisors...) {
			got = append(got, line(r))
		}
		want := []string{
			"sla1 first due=3 met=2 breached=1 running=0",
			"sla1 next due=1 met=0 breached=1 running=0",
			"sla1 resolution due=3 met=0 breached=1 running=2",
			"Анна first due=1 met=1 breached=0 running=0",
			"Анна next due=1 met=0 breached=1 running=0",
			"Анна resolution due=1 met=0 breached=1 running=0",
			"Борис first due=1 met=0 breached=1 running=0",
			"Борис resolution due=1 met=0 breached=0 running=1",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("report\n%s\nwant\n%s", fmt.Sprint(got), fmt.Sprint(want))
		}
		if pct, ok := rep.Branches[0].MetPercent(); !ok || int(pct+0.5) != 67 {
			t.Fatalf("first met %% = %v %v, want 67", pct, ok)
		}
		if _, ok := rep.Advisors[len(rep.Advisors)-1].MetPercent(); ok {
			t.Fatal("a kind with nothing decided has a met %")
		}

		// The caller's clock decides a running clock: 45 minutes ago,
		// Борис's first response (due 30 minutes ago) was still running.
		rep, err = s.SLAReport(ctx, store.ReportQuery{BranchIDs: []int64{w.branch.ID}, From: now.Add(-24 * time.Hour), To: now.Add(24 * time.Hour)},
			now.Add(-45*time.Minute))
		if err != nil || len(rep.Advisors) != 5 || line(rep.Advisors[3]) != "Борис first due=1 met=0 breached=0 running=1" {
			t.Fatalf("report 45 minutes ago: %+v %v", rep.Advisors, err)
		}

		// Only clocks due in the period count: a's first was due at -9h30m.
		rep, err = s.SLAReport(ctx, store.ReportQuery{BranchIDs: []int64{w.branch.ID}, From: now.Add(-12 * time.Hour), To: now.Add(-9 * time.Hour)}, now)
		if err != nil || len(rep.Branches) != 1 || line(rep.Branches[0]) != "sla1 first due=1 met=1 breached=0 running=0" {
			t.Fatalf("narrow period: %+v %v", rep.Branches, err)
		}
	})
}
