package store_test

import (
	"context"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestHasOpenStaffTaskOfAThread(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		other := store.StaffTask{BranchID: f.Branch.ID, ThreadID: &f.Thread.ID, Kind: "keys", Title: "keys"}
		if err := s.AddStaffTask(ctx, &other); err != nil {
			t.Fatal(err)
		}
		if has, err := s.HasOpenStaffTask(ctx, f.Thread.ID, "payment"); err != nil || has {
			t.Fatalf("another kind counted: %v %v", has, err)
		}
		task := store.StaffTask{BranchID: f.Branch.ID, ThreadID: &f.Thread.ID, Kind: "payment", Title: "paid"}
		if err := s.AddStaffTask(ctx, &task); err != nil {
			t.Fatal(err)
		}
		if has, err := s.HasOpenStaffTask(ctx, f.Thread.ID, "payment"); err != nil || !has {
			t.Fatalf("open task not found: %v %v", has, err)
		}
		if ok, err := s.FinishStaffTask(ctx, f.Branch.ID, task.ID, "olga"); err != nil || !ok {
			t.Fatal(ok, err)
		}
		if has, err := s.HasOpenStaffTask(ctx, f.Thread.ID, "payment"); err != nil || has {
			t.Fatalf("a done task counted: %v %v", has, err)
		}
	})
}

// TestRaiseStaffTaskOnce: a task about a thread is raised once while it is
// open, with one line in the thread; once done, the next one is raised.
func TestRaiseStaffTaskOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		raise := func() bool {
			task := store.StaffTask{BranchID: f.Branch.ID, ThreadID: &f.Thread.ID, Kind: store.TaskPayment, Title: "Check ЗН-1"}
			added, err := s.RaiseStaffTask(ctx, &task, "Paid 10 PLN, asked 12 PLN.")
			if err != nil {
				t.Fatal(err)
			}
			return added
		}
		if !raise() || raise() || raise() {
			t.Fatal("want the first raise to add a task and the next two to add none")
		}
		tasks, err := s.OpenStaffTasks(ctx, f.Branch.ID)
		if err != nil || len(tasks) != 1 {
			t.Fatalf("open tasks: %+v %v", tasks, err)
		}
		msgs, err := s.Messages(ctx, f.Thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, m := range msgs {
			if m.Direction == hub.DirectionSystem {
				lines = append(lines, m.Body)
			}
		}
		if len(lines) != 1 || lines[0] != "Task: Check ЗН-1. Paid 10 PLN, asked 12 PLN." {
			t.Fatalf("thread lines: %q", lines)
		}
		if ok, err := s.FinishStaffTask(ctx, f.Branch.ID, tasks[0].ID, "olga"); err != nil || !ok {
			t.Fatal(ok, err)
		}
		if !raise() {
			t.Fatal("a task raised after the first was done was not added")
		}
		noThread := store.StaffTask{BranchID: f.Branch.ID, Kind: store.TaskPayment, Title: "x"}
		if _, err := s.RaiseStaffTask(ctx, &noThread, ""); err == nil || !strings.Contains(err.Error(), "no thread") {
			t.Fatalf("a task without a thread: %v", err)
		}
	})
}
