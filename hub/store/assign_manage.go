package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"

	"naryad/hub"
)

// ErrNotBranchStaff is returned when a thread is given to someone who does
// not work (enabled) at its branch.
var ErrNotBranchStaff = errors.New("not staff of the thread's branch")

// ErrUserDisabled is returned when a thread is given to a colleague whose
// account was disabled (a page may still have offered them).
var ErrUserDisabled = errors.New("the user is disabled")

// ErrNotAssignable is returned when a thread is given to someone whose
// role does not answer customers (a mechanic): only advisors and admins.
var ErrNotAssignable = errors.New("only advisors and admins are responsible for threads")

// ErrBadReason is returned for an assignment reason that is empty, too
// long or has control characters: the reason is shown on the thread page
// and the team page.
var ErrBadReason = errors.New("bad assignment reason")

// maxReasonLen bounds an assignment reason (the Reason… keys are short).
const maxReasonLen = 64

// checkReason refuses a reason the audit should not keep.
func checkReason(reason string) error {
	if reason == "" || utf8.RuneCountInString(reason) > maxReasonLen || !utf8.ValidString(reason) {
		return fmt.Errorf("reason %q: %w", reason, ErrBadReason)
	}
	for _, r := range reason {
		if unicode.IsControl(r) {
			return fmt.Errorf("reason %q: %w", reason, ErrBadReason)
		}
	}
	return nil
}

// Assignable tells whether a user of role may be responsible for a thread.
func Assignable(role string) bool { return slices.Contains(assignableRoles, role) }

// AssignThreadBy gives a thread to an advisor or admin of its branch (nil:
// nobody) on someone's request (by), recorded in the assignment audit with
// reason. The person is checked in the same transaction, under the
// branch's assignment lock, as the change: one disabled or moved a moment
// ago is refused with ErrUserDisabled or ErrNotBranchStaff, a mechanic
// with ErrNotAssignable, never stored.
func (s *Store) AssignThreadBy(ctx context.Context, threadID int64, to *int64, reason string, by *int64) error {
	if err := checkReason(reason); err != nil {
		return fmt.Errorf("assign thread %d: %w", threadID, err)
	}
	return s.Tx(ctx, func(tx *Store) error {
		t, err := tx.lockedThread(ctx, threadID)
		if err != nil {
			return err
		}
		if to != nil {
			if err := tx.checkAssignee(ctx, t.BranchID, *to); err != nil {
				return fmt.Errorf("assign thread %d to user %d: %w", threadID, *to, err)
			}
		}
		return tx.changeAssignee(ctx, t, to, reason, by)
	})
}

// checkAssignee says why userID may not be given a thread of the branch
// (nil: they may).
func (s *Store) checkAssignee(ctx context.Context, branchID, userID int64) error {
	var rows []struct {
		Role     string
		Disabled bool
	}
	err := s.db.WithContext(ctx).Raw(`SELECT u.role, u.disabled_at IS NOT NULL AS disabled FROM user_branches ub JOIN users u ON u.id = ub.user_id
	  WHERE ub.user_id = ? AND ub.branch_id = ?`, userID, branchID).Scan(&rows).Error
	switch {
	case err != nil:
		return fmt.Errorf("check user: %w", err)
	case len(rows) == 0:
		return ErrNotBranchStaff
	case rows[0].Disabled:
		return ErrUserDisabled
	case !Assignable(rows[0].Role):
		return ErrNotAssignable
	}
	return nil
}

// FollowWorkOrderAdvisor is called when a DMS event updates a work order
// whose thread exists: when the work order's advisor maps to a user of the
// branch and the thread's assignee was chosen by naryad (or nobody was),
// the thread follows the advisor. A person's choice is never overridden.
func (s *Store) FollowWorkOrderAdvisor(ctx context.Context, threadID int64) error {
	return s.Tx(ctx, func(tx *Store) error {
		t, err := tx.lockedThread(ctx, threadID)
		if err != nil {
			return err
		}
		to, reason, err := tx.dmsAdvisorOf(ctx, t)
		if err != nil || to == nil || sameID(t.AssigneeID, to) {
			return err
		}
		var last []string
		err = tx.db.WithContext(ctx).Raw("SELECT reason FROM thread_assignments WHERE thread_id = ? ORDER BY id DESC LIMIT 1", t.ID).Scan(&last).Error
		if err != nil {
			return fmt.Errorf("latest assignment of thread %d: %w", t.ID, err)
		}
		automatic := (len(last) == 0 && t.AssigneeID == nil) || (len(last) == 1 && slices.Contains(automaticReasons, last[0]))
		if !automatic {
			return nil
		}
		return tx.changeAssignee(ctx, t, to, reason, nil)
	})
}

// lockedThread takes the assignment lock of the thread's branch and then
// reads the thread, so its assignee is the one the change starts from:
// read before the lock, two people assigning at once (PostgreSQL) both
// started from the same old assignee and the audit recorded that change
// twice, the second row's "from" not the first row's "to".
func (s *Store) lockedThread(ctx context.Context, threadID int64) (hub.Thread, error) {
	t, err := s.Thread(ctx, threadID)
	if err != nil {
		return t, err
	}
	if err := s.lockBranchAssign(ctx, t.BranchID); err != nil {
		return t, err
	}
	return s.Thread(ctx, threadID)
}

// SetOnShift starts or ends a user's shift at a branch (by: who did it).
// Ending it hands their open threads with unanswered customer messages to
// the branch's rule (reason off_shift; nobody free: unassigned, so the
// thread shows among the unassigned instead of waiting for someone gone).
// It returns how many threads were handed on.
func (s *Store) SetOnShift(ctx context.Context, branchID, userID int64, on bool, by *int64) (int, error) {
	moved := 0
	err := s.Tx(ctx, func(tx *Store) error {
		if err := tx.lockBranchAssign(ctx, branchID); err != nil {
			return err
		}
		res := tx.db.WithContext(ctx).Exec("UPDATE user_branches SET on_shift = ? WHERE user_id = ? AND branch_id = ?", on, userID, branchID)
		if res.Error != nil {
			return fmt.Errorf("set shift of user %d at branch %d: %w", userID, branchID, res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("set shift of user %d at branch %d: %w", userID, branchID, ErrNotBranchStaff)
		}
		if on {
			return nil
		}
		var waiting []hub.Thread
		err := tx.db.WithContext(ctx).Where("assignee_id = ? AND branch_id = ? AND state <> ? AND awaiting_since IS NOT NULL",
			userID, branchID, hub.ThreadResolved).Order("awaiting_since, id").Find(&waiting).Error
		if err != nil {
			return fmt.Errorf("unanswered threads of user %d: %w", userID, err)
		}
		for _, t := range waiting {
			to, _, err := tx.pickByRule(ctx, branchID)
			if err != nil {
				return err
			}
			if err := tx.changeAssignee(ctx, t, to, ReasonOffShift, by); err != nil {
				return err
			}
			moved++
		}
		return nil
	})
	return moved, err
}

// SetAssignMode sets how a branch assigns new threads (AssignModes).
func (s *Store) SetAssignMode(ctx context.Context, branchID int64, mode string) error {
	if !slices.Contains(AssignModes, mode) {
		return fmt.Errorf("set assignment mode of branch %d: unknown mode %q", branchID, mode)
	}
	if err := s.db.WithContext(ctx).Exec("UPDATE branches SET assign_mode = ? WHERE id = ?", mode, branchID).Error; err != nil {
		return fmt.Errorf("set assignment mode of branch %d: %w", branchID, err)
	}
	return nil
}

// AssignMode reads a branch's assignment mode.
func (s *Store) AssignMode(ctx context.Context, branchID int64) (string, error) {
	var modes []string
	if err := s.db.WithContext(ctx).Raw("SELECT assign_mode FROM branches WHERE id = ?", branchID).Scan(&modes).Error; err != nil {
		return "", fmt.Errorf("assignment mode of branch %d: %w", branchID, err)
	}
	if len(modes) == 0 {
		return "", fmt.Errorf("assignment mode of branch %d: %w", branchID, ErrNotFound)
	}
	return modes[0], nil
}

// SetBranchDuty sets a user's capacity (open threads, 0 = no limit) and
// whether they observe every new thread at a branch they work at.
func (s *Store) SetBranchDuty(ctx context.Context, userID, branchID int64, capacity int, observer bool) error {
	if capacity < 0 {
		return fmt.Errorf("set duty of user %d at branch %d: negative capacity %d", userID, branchID, capacity)
	}
	res := s.db.WithContext(ctx).Exec("UPDATE user_branches SET capacity = ?, observer = ? WHERE user_id = ? AND branch_id = ?", capacity, observer, userID, branchID)
	if res.Error != nil {
		return fmt.Errorf("set duty of user %d at branch %d: %w", userID, branchID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("set duty of user %d at branch %d: %w", userID, branchID, ErrNotBranchStaff)
	}
	return nil
}

// SetUserExternalID maps a user to their advisor id in the DMS (” none).
func (s *Store) SetUserExternalID(ctx context.Context, userID int64, externalID string) error {
	if err := s.db.WithContext(ctx).Exec("UPDATE users SET external_id = ? WHERE id = ?", externalID, userID).Error; err != nil {
		return fmt.Errorf("set dms id of user %d: %w", userID, err)
	}
	return nil
}

// UserExternalID reads a user's advisor id in the DMS.
func (s *Store) UserExternalID(ctx context.Context, userID int64) (string, error) {
	var ids []string
	if err := s.db.WithContext(ctx).Raw("SELECT external_id FROM users WHERE id = ?", userID).Scan(&ids).Error; err != nil {
		return "", fmt.Errorf("dms id of user %d: %w", userID, err)
	}
	if len(ids) == 0 {
		return "", fmt.Errorf("dms id of user %d: %w", userID, ErrNotFound)
	}
	return ids[0], nil
}

// Assignment is one row of the assignment audit, with names to show.
type Assignment struct {
	ID         int64
	ThreadID   int64
	BranchID   int64
	FromUser   *int64
	ToUser     *int64
	FromName   string
	ToName     string
	Reason     string
	ByUser     *int64
	ByName     string
	At         time.Time
	BranchCode string
}

const assignmentSelect = `SELECT a.id, a.thread_id, a.branch_id, a.from_user, a.to_user, a.reason, a.by_user, a.at, b.code AS branch_code,
  COALESCE(NULLIF(f.name, ''), f.login, '') AS from_name, COALESCE(NULLIF(t.name, ''), t.login, '') AS to_name,
  COALESCE(NULLIF(u.name, ''), u.login, '') AS by_name
FROM thread_assignments a
JOIN branches b ON b.id = a.branch_id
LEFT JOIN users f ON f.id = a.from_user
LEFT JOIN users t ON t.id = a.to_user
LEFT JOIN users u ON u.id = a.by_user`

// ThreadAssignments lists a thread's assignment audit, newest first.
func (s *Store) ThreadAssignments(ctx context.Context, threadID int64, limit int) ([]Assignment, error) {
	var out []Assignment
	err := s.db.WithContext(ctx).Raw(assignmentSelect+" WHERE a.thread_id = ? ORDER BY a.id DESC LIMIT ?", threadID, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("assignments of thread %d: %w", threadID, err)
	}
	return out, nil
}

// RecentAssignments lists the latest assignments at the branches, newest first.
func (s *Store) RecentAssignments(ctx context.Context, branchIDs []int64, limit int) ([]Assignment, error) {
	if len(branchIDs) == 0 {
		return nil, nil
	}
	var out []Assignment
	err := s.db.WithContext(ctx).Raw(assignmentSelect+" WHERE a.branch_id IN ? ORDER BY a.id DESC LIMIT ?", branchIDs, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("recent assignments: %w", err)
	}
	return out, nil
}
