package store

import (
	"context"
	"fmt"
	"slices"

	"naryad/hub"
)

// Branch assignment modes: how a new thread finds its responsible advisor
// when the DMS names none that maps to a user.
const (
	AssignRoundRobin  = "round_robin"  // the next advisor on shift after the last one given a thread
	AssignLeastLoaded = "least_loaded" // the advisor on shift with the fewest open threads
)

// AssignModes lists the modes in the order the admin page offers them.
var AssignModes = []string{AssignRoundRobin, AssignLeastLoaded}

// Why a thread's responsible person changed (thread_assignments.reason).
const (
	ReasonDMSAdvisor  = "dms_advisor"  // the work order's advisor in the DMS
	ReasonRoundRobin  = "round_robin"  // the branch's round robin
	ReasonLeastLoaded = "least_loaded" // the branch's least-loaded rule
	ReasonOffShift    = "off_shift"    // the advisor went off shift with unanswered messages
	ReasonManual      = "manual"       // a person chose, on the thread page
)

// automaticReasons are the reasons naryad chose by itself: a thread whose
// latest assignment is one of them follows its work order's DMS advisor.
var automaticReasons = []string{ReasonDMSAdvisor, ReasonRoundRobin, ReasonLeastLoaded, ReasonOffShift}

// assignLockBase keeps the per-branch assignment locks' keys ("NRDASG" +
// branch id) apart from other advisory locks.
const assignLockBase int64 = 0x4e52_4441_5347 << 16

// lockBranchAssign serialises, until the transaction ends, the assignments
// of one branch: two threads created at once must not both read the same
// advisor's load and both take the last free place under the capacity. On
// SQLite every write transaction already runs alone.
func (s *Store) lockBranchAssign(ctx context.Context, branchID int64) error {
	if err := s.xactLock(ctx, assignLockBase+branchID); err != nil {
		return fmt.Errorf("lock assignments of branch %d: %w", branchID, err)
	}
	return nil
}

// assignNewThread runs inside the transaction that created t: the branch's
// observers follow it, and it gets a responsible advisor — the work
// order's DMS advisor when that maps to an active user of the branch
// (whatever their shift or load: the car is theirs), else the branch's
// rule among advisors on shift with room; nobody free leaves it
// unassigned. A thread created with an assignee keeps it.
func (s *Store) assignNewThread(ctx context.Context, t *hub.Thread) error {
	if err := s.addBranchObservers(ctx, t.ID, t.BranchID); err != nil {
		return err
	}
	if t.AssigneeID != nil {
		return nil
	}
	if err := s.lockBranchAssign(ctx, t.BranchID); err != nil {
		return err
	}
	to, reason, err := s.dmsAdvisorOf(ctx, *t)
	if err != nil {
		return err
	}
	if to == nil {
		if to, reason, err = s.pickByRule(ctx, t.BranchID); err != nil {
			return err
		}
	}
	if to == nil {
		return nil
	}
	if err := s.changeAssignee(ctx, *t, to, reason, nil); err != nil {
		return err
	}
	t.AssigneeID = to
	return nil
}

// dmsAdvisorOf is the user the thread's work order names as its advisor
// in the DMS (users.external_id = work_orders.advisor_external_id), when
// that user is an enabled advisor or admin of the thread's branch.
func (s *Store) dmsAdvisorOf(ctx context.Context, t hub.Thread) (*int64, string, error) {
	if t.WorkOrderID == nil {
		return nil, "", nil
	}
	var ids []int64
	err := s.db.WithContext(ctx).Raw(`SELECT u.id FROM work_orders w
	  JOIN users u ON u.external_id = w.advisor_external_id
	  JOIN user_branches ub ON ub.user_id = u.id AND ub.branch_id = ?
	  WHERE w.id = ? AND w.advisor_external_id <> '' AND u.disabled_at IS NULL AND u.role IN ?
	  ORDER BY u.id LIMIT 1`, t.BranchID, *t.WorkOrderID, assignableRoles).Scan(&ids).Error
	if err != nil {
		return nil, "", fmt.Errorf("dms advisor of thread %d: %w", t.ID, err)
	}
	if len(ids) == 0 {
		return nil, "", nil
	}
	return &ids[0], ReasonDMSAdvisor, nil
}

// assignableRoles may be responsible for a thread.
var assignableRoles = []string{RoleAdvisor, RoleAdmin}

// candidate is an advisor on shift at a branch, with their open threads.
type candidate struct {
	UserID   int64
	Capacity int
	Load     int
}

func (c candidate) hasRoom() bool { return c.Capacity <= 0 || c.Load < c.Capacity }

// pickByRule chooses by the branch's mode among its advisors on shift with
// room under their capacity; nil when nobody is free. Call it holding the
// branch's assignment lock (lockBranchAssign): round robin moves the
// branch's cursor.
func (s *Store) pickByRule(ctx context.Context, branchID int64) (*int64, string, error) {
	var b struct {
		AssignMode   string
		AssignCursor int64
	}
	if err := s.db.WithContext(ctx).Raw("SELECT assign_mode, assign_cursor FROM branches WHERE id = ?", branchID).Scan(&b).Error; err != nil {
		return nil, "", fmt.Errorf("assignment mode of branch %d: %w", branchID, err)
	}
	var all []candidate
	err := s.db.WithContext(ctx).Raw(`SELECT ub.user_id, ub.capacity,
	  (SELECT COUNT(*) FROM threads t WHERE t.assignee_id = ub.user_id AND t.branch_id = ub.branch_id AND t.state <> ?) AS load
	  FROM user_branches ub JOIN users u ON u.id = ub.user_id
	  WHERE ub.branch_id = ? AND ub.on_shift = ? AND u.disabled_at IS NULL AND u.role IN ?
	  ORDER BY ub.user_id`, hub.ThreadResolved, branchID, true, assignableRoles).Scan(&all).Error
	if err != nil {
		return nil, "", fmt.Errorf("advisors on shift at branch %d: %w", branchID, err)
	}
	free := slices.DeleteFunc(all, func(c candidate) bool { return !c.hasRoom() })
	if len(free) == 0 {
		return nil, "", nil
	}
	if b.AssignMode == AssignLeastLoaded {
		best := slices.MinFunc(free, func(a, b candidate) int { return a.Load - b.Load }) // first of the least loaded: lowest id
		return &best.UserID, ReasonLeastLoaded, nil
	}
	next := free[0]
	for _, c := range free {
		if c.UserID > b.AssignCursor {
			next = c
			break
		}
	}
	if err := s.db.WithContext(ctx).Exec("UPDATE branches SET assign_cursor = ? WHERE id = ?", next.UserID, branchID).Error; err != nil {
		return nil, "", fmt.Errorf("move round robin of branch %d: %w", branchID, err)
	}
	return &next.UserID, ReasonRoundRobin, nil
}

// changeAssignee gives t to `to` (nil: nobody) and records why in the
// audit; by is who did it (nil: naryad). Nothing changes, and nothing is
// recorded, when t already is to's.
func (s *Store) changeAssignee(ctx context.Context, t hub.Thread, to *int64, reason string, by *int64) error {
	if sameID(t.AssigneeID, to) {
		return nil
	}
	if err := s.db.WithContext(ctx).Exec("UPDATE threads SET assignee_id = ? WHERE id = ?", to, t.ID).Error; err != nil {
		return fmt.Errorf("assign thread %d: %w", t.ID, err)
	}
	err := s.db.WithContext(ctx).Exec(`INSERT INTO thread_assignments (thread_id, branch_id, from_user, to_user, reason, by_user, at)
	  VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, t.BranchID, t.AssigneeID, to, reason, by, now()).Error
	if err != nil {
		return fmt.Errorf("record assignment of thread %d: %w", t.ID, err)
	}
	return nil
}

func sameID(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
