package reminders_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/reminders"
)

// world is a branch (Europe/Moscow) with a DMS node serving it, and a
// second branch, for the rules to scan.
type world struct {
	s           *store.Store
	home, other hub.Branch
	node        hub.DMSNode
	seq         int
}

func newWorld(t *testing.T, s *store.Store) *world {
	t.Helper()
	w := &world{s: s,
		home:  hub.Branch{Code: "msk1", Name: "Москва", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"},
		other: hub.Branch{Code: "waw1", Name: "Warszawa", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"},
	}
	for _, b := range []*hub.Branch{&w.home, &w.other} {
		if err := s.CreateBranch(t.Context(), b); err != nil {
			t.Fatal(err)
		}
	}
	w.node = hub.DMSNode{Name: "msk", TokenHash: "world-node", BranchID: &w.home.ID}
	if err := s.CreateNode(t.Context(), &w.node); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) next() string { w.seq++; return fmt.Sprint(w.seq) }

func (w *world) customer(t *testing.T) int64 {
	t.Helper()
	n := w.next()
	id, err := w.s.UpsertCustomer(t.Context(), store.CustomerData{NodeID: w.node.ID, ExternalID: "C" + n, Name: "Клиент " + n, Phones: []string{"+7916000" + fmt.Sprintf("%04s", n)}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// vehicle stores a customer's car with its service plan; due, when set,
// is stored as its predicted service date.
func (w *world) vehicle(t *testing.T, customer int64, plan store.VehicleData, due string) int64 {
	t.Helper()
	plan.NodeID, plan.ExternalID, plan.CustomerID, plan.HasService = w.node.ID, "V"+w.next(), &customer, true
	if plan.Plate == "" {
		plan.Plate = "А" + w.next() + "ВС77"
	}
	id, err := w.s.UpsertVehicle(t.Context(), plan)
	if err != nil {
		t.Fatal(err)
	}
	w.setDue(t, id, due)
	return id
}

func (w *world) setDue(t *testing.T, vehicleID int64, due string) {
	t.Helper()
	v, err := w.s.VehicleService(t.Context(), vehicleID)
	if err != nil {
		t.Fatal(err)
	}
	var dueOn *string
	if due != "" {
		dueOn = &due
	}
	if err := w.s.SetVehicleDue(t.Context(), v, dueOn); err != nil {
		t.Fatal(err)
	}
}

func (w *world) order(t *testing.T, branch hub.Branch, customer, vehicle int64, opened time.Time) {
	t.Helper()
	wo := hub.WorkOrder{NodeID: w.node.ID, BranchID: branch.ID, Number: "ЗН-" + w.next(), Version: 1,
		CustomerID: &customer, OpenedAt: opened.UTC()}
	if vehicle != 0 {
		wo.VehicleID = &vehicle
	}
	if _, err := w.s.SaveWorkOrder(t.Context(), &wo); err != nil {
		t.Fatal(err)
	}
}

// scan is a scan of the branch at a local wall-clock time.
func (w *world) scan(t *testing.T, b hub.Branch, local string) reminders.Scan {
	t.Helper()
	loc := b.Location()
	at, err := time.ParseInLocation("2006-01-02 15:04", local, loc)
	if err != nil {
		t.Fatal(err)
	}
	return reminders.Scan{Branch: b, Now: at.UTC(), Loc: loc, Today: at.Format("2006-01-02")}
}

// due runs a rule's scan.
func (w *world) due(t *testing.T, r reminders.Rule, scan reminders.Scan) []reminders.Reminder {
	t.Helper()
	got, err := r.Due(t.Context(), w.s, scan)
	if err != nil {
		t.Fatalf("%s due at %s: %v", r.Name(), scan.Today, err)
	}
	return got
}

// send records reminders in the ledger as the Runner does once it sent
// them, on the scan's local date.
func (w *world) send(t *testing.T, scan reminders.Scan, rems []reminders.Reminder) {
	t.Helper()
	for _, r := range rems {
		_, claimed, err := w.s.ClaimReminder(t.Context(), store.LedgerEntry{
			LedgerKey: store.LedgerKey{CustomerID: r.CustomerID, Rule: r.Rule, Subject: r.Subject, Occasion: r.Occasion},
			BranchID:  scan.Branch.ID, DueAt: r.DueAt, LocalDate: scan.Today,
		})
		if err != nil || !claimed {
			t.Fatalf("ledger %s %s: claimed %v, %v", r.Subject, r.Occasion, claimed, err)
		}
	}
}

// occasions lists "subject occasion" of each reminder, sorted.
func occasions(rems []reminders.Reminder) []string {
	out := make([]string, len(rems))
	for i, r := range rems {
		out[i] = r.Subject + " " + r.Occasion
	}
	slices.Sort(out)
	return out
}

func subject(id int64) string { return store.VehicleSubject(id) }

// same compares two lists of occasions in any order.
func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Fatalf("%s:\n got %q\nwant %q", what, got, want)
	}
}
