package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
	"naryad/templates"
)

// StaffTask is something a person at a branch must act on: an advisor
// alert, the daily list of expired items, a poor feedback score.
type StaffTask struct {
	ID        int64
	BranchID  int64
	ThreadID  *int64
	Kind      string // the reminder rule that raised it, e.g. "keys"
	Title     string
	Body      string
	CreatedAt time.Time
	DoneAt    *time.Time
	DoneBy    string
}

// TableName pins the table name.
func (StaffTask) TableName() string { return "staff_tasks" }

// AddStaffTask stores a new open task.
func (s *Store) AddStaffTask(ctx context.Context, t *StaffTask) error {
	t.CreatedAt = now()
	if err := s.db.WithContext(ctx).Create(t).Error; err != nil {
		return fmt.Errorf("add staff task %q: %w", t.Title, err)
	}
	return nil
}

// TaskPayment is the kind of the tasks about online payments: the DMS says
// unpaid what was paid online, an amount paid that is not the one asked.
const TaskPayment = "payment"

// RaiseStaffTask adds t, an open task about a thread, unless a task of its
// kind is open for that thread already, and notes it in the thread (a
// system line "Task: <title>. <note>"). It reports whether it added one.
func (s *Store) RaiseStaffTask(ctx context.Context, t *StaffTask, note string) (bool, error) {
	if t.ThreadID == nil {
		return false, fmt.Errorf("raise staff task %q: no thread", t.Title)
	}
	open, err := s.HasOpenStaffTask(ctx, *t.ThreadID, t.Kind)
	if err != nil || open {
		return false, err
	}
	if err := s.AddStaffTask(ctx, t); err != nil {
		return false, err
	}
	line := hub.SystemLine(*t.ThreadID, "naryad", templates.SysTaskNote, map[string]string{"title": t.Title, "note": note})
	return true, s.AddMessage(ctx, &line)
}

// HasOpenStaffTask tells whether the thread has a task of kind not done
// yet, so a rule that raises one per thread does not raise it twice.
func (s *Store) HasOpenStaffTask(ctx context.Context, threadID int64, kind string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&StaffTask{}).
		Where("thread_id = ? AND kind = ? AND done_at IS NULL", threadID, kind).Limit(1).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("open %s tasks of thread %d: %w", kind, threadID, err)
	}
	return n > 0, nil
}

// OpenStaffTasks lists a branch's tasks not done yet, oldest first.
func (s *Store) OpenStaffTasks(ctx context.Context, branchID int64) ([]StaffTask, error) {
	var out []StaffTask
	err := s.db.WithContext(ctx).Where("branch_id = ? AND done_at IS NULL", branchID).Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("open tasks of branch %d: %w", branchID, err)
	}
	return out, nil
}

// FinishStaffTask marks a branch's open task done by a person; false when
// there is no such open task (done already, or another branch's).
func (s *Store) FinishStaffTask(ctx context.Context, branchID, taskID int64, by string) (bool, error) {
	res := s.db.WithContext(ctx).Model(&StaffTask{}).
		Where("id = ? AND branch_id = ? AND done_at IS NULL", taskID, branchID).
		Updates(map[string]any{"done_at": now(), "done_by": by})
	if res.Error != nil {
		return false, fmt.Errorf("finish staff task %d: %w", taskID, res.Error)
	}
	return res.RowsAffected == 1, nil
}
