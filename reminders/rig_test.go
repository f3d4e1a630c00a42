package reminders_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/reminders"
	"naryad/templates"
)

// rig is a branch with a DMS node, a Runner factory with a controlled
// clock, and helpers to make customers and read what was sent.
type rig struct {
	t      *testing.T
	st     *store.Store
	branch hub.Branch
	node   hub.DMSNode
	texts  *templates.Renderer
	links  *hub.Links
	mu     sync.Mutex
	now    time.Time
	seq    int
}

func newRig(t *testing.T, st *store.Store, zone string) *rig {
	t.Helper()
	ctx := t.Context()
	r := &rig{t: t, st: st}
	unique := fmt.Sprintf("%x", time.Now().UnixNano())
	r.branch = hub.Branch{Code: "B" + unique, Name: "Serwis", Country: "PL", TimeZone: zone, Locale: "en", Phone: "+48221234567"}
	if err := st.CreateBranch(ctx, &r.branch); err != nil {
		t.Fatal(err)
	}
	r.node = hub.DMSNode{Name: "alfa-" + unique, TokenHash: "hash-" + unique}
	if err := st.CreateNode(ctx, &r.node); err != nil {
		t.Fatal(err)
	}
	var err error
	if r.texts, err = templates.New(st); err != nil {
		t.Fatal(err)
	}
	if r.links, err = hub.NewLinks("test-secret-0123456789-0123456789-0123456789", "https://hub.test"); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *rig) setNow(at time.Time) { r.mu.Lock(); r.now = at; r.mu.Unlock() }
func (r *rig) clock() time.Time    { r.mu.Lock(); defer r.mu.Unlock(); return r.now }

// runner is a Runner over rules on the rig's clock.
func (r *rig) runner(rules ...reminders.Rule) *reminders.Runner {
	return reminders.NewRunner(r.st, r.texts, r.links, nil, reminders.RunnerOptions{
		Rules: rules, Now: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
}

// settings changes the branch's reminder settings.
func (r *rig) settings(change func(*store.ReminderSettings)) {
	r.t.Helper()
	s, err := r.st.BranchReminderSettings(r.t.Context(), r.branch.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	change(&s)
	if err := r.st.SetBranchReminderSettings(r.t.Context(), r.branch.ID, s); err != nil {
		r.t.Fatal(err)
	}
}

// customer stores a customer with one number.
func (r *rig) customer(locale string) (int64, string) {
	r.t.Helper()
	r.seq++
	phone := fmt.Sprintf("+4860000%04d", r.seq)
	id, err := r.st.UpsertCustomer(r.t.Context(), store.CustomerData{
		NodeID: r.node.ID, ExternalID: fmt.Sprint("C", r.seq), Name: "Jan", Locale: locale, Phones: []string{phone},
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return id, phone
}

// order stores a work order of the customer with its thread and link.
func (r *rig) order(customerID int64, phone string) (hub.WorkOrder, hub.Thread) {
	r.t.Helper()
	ctx := r.t.Context()
	r.seq++
	w := hub.WorkOrder{NodeID: r.node.ID, BranchID: r.branch.ID, Number: fmt.Sprint("ZL-", r.seq), Version: 1,
		CustomerID: &customerID, Currency: "PLN", Status: hub.StatusInProgress, OpenedAt: time.Now().UTC()}
	if _, err := r.st.SaveWorkOrder(ctx, &w); err != nil {
		r.t.Fatal(err)
	}
	th := hub.Thread{BranchID: r.branch.ID, WorkOrderID: &w.ID, CustomerID: &customerID, Phone: phone, Channel: hub.ChannelSMS}
	if err := r.st.CreateThread(ctx, &th); err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.st.NewMagicLink(ctx, th.ID, r.links); err != nil {
		r.t.Fatal(err)
	}
	return w, th
}

// sent lists the reminder messages (template key reminder.*) queued to a
// customer's threads, oldest first.
func (r *rig) sent(customerID int64) []hub.Message {
	r.t.Helper()
	var out []hub.Message
	err := r.st.Gorm(r.t.Context()).Raw(
		`SELECT m.* FROM messages m JOIN threads t ON t.id = m.thread_id
		 WHERE t.customer_id = ? AND m.template_key LIKE 'reminder.%' ORDER BY m.id`, customerID).Scan(&out).Error
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

func (r *rig) scan(run *reminders.Runner) reminders.Result {
	r.t.Helper()
	res, err := run.Scan(r.t.Context(), r.branch)
	if err != nil {
		r.t.Fatalf("scan at %s: %v", r.clock(), err)
	}
	return res
}

// fixed is a rule that proposes the same reminders at every scan.
type fixed []reminders.Reminder

func (f fixed) Name() string { return "fixed" }
func (f fixed) Due(context.Context, *store.Store, reminders.Scan) ([]reminders.Reminder, error) {
	return f, nil
}

// tyresFor is a customer reminder of the fixed rule about subject.
func tyresFor(customerID int64, subject string, due time.Time) reminders.Reminder {
	return reminders.Reminder{
		Rule: "fixed", Audience: reminders.ToCustomer, CustomerID: customerID, Subject: subject, Occasion: "2026",
		DueAt: due, Template: templates.KeyReminderTyres, Data: templates.Data{Season: "winter", Vehicle: "Skoda Octavia"},
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
