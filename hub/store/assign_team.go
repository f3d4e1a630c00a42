package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// TeamMember is an advisor (or admin) of a branch as the team page shows
// them: their duty settings and how many open threads they hold there.
type TeamMember struct {
	UserID     int64
	BranchID   int64
	Login      string
	Name       string
	Role       string
	ExternalID string
	Capacity   int
	OnShift    bool
	Observer   bool
	Load       int
}

// HasRoom tells whether the branch's rule may give them one more thread.
func (m TeamMember) HasRoom() bool { return m.Capacity <= 0 || m.Load < m.Capacity }

// BranchTeam lists the enabled advisors and admins of a branch, by name.
func (s *Store) BranchTeam(ctx context.Context, branchID int64) ([]TeamMember, error) {
	var out []TeamMember
	err := s.db.WithContext(ctx).Raw(`SELECT u.id AS user_id, ub.branch_id, u.login, u.name, u.role, u.external_id,
	  ub.capacity, ub.on_shift, ub.observer,
	  (SELECT COUNT(*) FROM threads t WHERE t.assignee_id = u.id AND t.branch_id = ub.branch_id AND t.state <> ?) AS load
	  FROM user_branches ub JOIN users u ON u.id = ub.user_id
	  WHERE ub.branch_id = ? AND u.disabled_at IS NULL AND u.role IN ?
	  ORDER BY u.name, u.login`, hub.ThreadResolved, branchID, assignableRoles).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("team of branch %d: %w", branchID, err)
	}
	return out, nil
}

// UserDuties lists a user's duty settings at each branch they work at
// (Load left 0), by branch id.
func (s *Store) UserDuties(ctx context.Context, userID int64) ([]TeamMember, error) {
	var out []TeamMember
	err := s.db.WithContext(ctx).Raw(`SELECT ub.user_id, ub.branch_id, ub.capacity, ub.on_shift, ub.observer
	  FROM user_branches ub WHERE ub.user_id = ? ORDER BY ub.branch_id`, userID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("duties of user %d: %w", userID, err)
	}
	return out, nil
}

// addBranchObservers makes the branch's observers follow a new thread.
func (s *Store) addBranchObservers(ctx context.Context, threadID, branchID int64) error {
	err := s.db.WithContext(ctx).Exec(`INSERT INTO thread_observers (thread_id, user_id)
	  SELECT ?, ub.user_id FROM user_branches ub JOIN users u ON u.id = ub.user_id
	  WHERE ub.branch_id = ? AND ub.observer = ? AND u.disabled_at IS NULL
	  ON CONFLICT DO NOTHING`, threadID, branchID, true).Error
	if err != nil {
		return fmt.Errorf("observers of new thread %d: %w", threadID, err)
	}
	return nil
}

// FollowThread makes a user observe a thread (idempotent).
func (s *Store) FollowThread(ctx context.Context, threadID, userID int64) error {
	err := s.db.WithContext(ctx).Exec(`INSERT INTO thread_observers (thread_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, threadID, userID).Error
	if err != nil {
		return fmt.Errorf("follow thread %d: %w", threadID, err)
	}
	return nil
}

// UnfollowThread stops a user observing a thread (idempotent).
func (s *Store) UnfollowThread(ctx context.Context, threadID, userID int64) error {
	err := s.db.WithContext(ctx).Exec(`DELETE FROM thread_observers WHERE thread_id = ? AND user_id = ?`, threadID, userID).Error
	if err != nil {
		return fmt.Errorf("unfollow thread %d: %w", threadID, err)
	}
	return nil
}

// Follows says whether a user observes a thread.
func (s *Store) Follows(ctx context.Context, threadID, userID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw("SELECT COUNT(*) FROM thread_observers WHERE thread_id = ? AND user_id = ?", threadID, userID).Scan(&n).Error
	if err != nil {
		return false, fmt.Errorf("does user %d follow thread %d: %w", userID, threadID, err)
	}
	return n > 0, nil
}

// ThreadObservers lists the names of a thread's observers, by name.
func (s *Store) ThreadObservers(ctx context.Context, threadID int64) ([]User, error) {
	var out []User
	err := s.db.WithContext(ctx).Raw(`SELECT u.* FROM thread_observers o JOIN users u ON u.id = o.user_id
	  WHERE o.thread_id = ? ORDER BY u.name, u.login`, threadID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("observers of thread %d: %w", threadID, err)
	}
	return out, nil
}

// fillFollowing marks the rows of a list page the user observes.
func (s *Store) fillFollowing(ctx context.Context, userID int64, rows []InboxThread) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var followed []int64
	err := s.db.WithContext(ctx).Raw("SELECT thread_id FROM thread_observers WHERE user_id = ? AND thread_id IN ?", userID, ids).Scan(&followed).Error
	if err != nil {
		return fmt.Errorf("inbox followed threads: %w", err)
	}
	set := make(map[int64]bool, len(followed))
	for _, id := range followed {
		set[id] = true
	}
	for i := range rows {
		rows[i].Following = set[rows[i].ID]
	}
	return nil
}
