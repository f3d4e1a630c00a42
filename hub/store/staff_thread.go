package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// What the inbox's thread page reads and checks. Every look-up by id takes
// the staff user's branch ids and scopes in the query itself: a thread,
// message or file of another branch is ErrNotFound, exactly like a missing
// one, whatever the caller forgets.

// Audit actions of the thread page besides AuditAssign.
const (
	AuditResolve = "resolve" // a thread was marked resolved
	AuditReopen  = "reopen"  // a resolved thread was opened again
)

// StaffMessage loads a message of a thread, only when the thread belongs
// to one of branchIDs.
func (s *Store) StaffMessage(ctx context.Context, branchIDs []int64, threadID, messageID int64) (hub.Message, error) {
	var m hub.Message
	if len(branchIDs) == 0 {
		return m, fmt.Errorf("message %d of thread %d: %w", messageID, threadID, ErrNotFound)
	}
	err := s.db.WithContext(ctx).Raw(
		`SELECT m.* FROM messages m JOIN threads t ON t.id = m.thread_id
		 WHERE m.id = ? AND m.thread_id = ? AND t.branch_id IN ?`, messageID, threadID, branchIDs).Scan(&m).Error
	if err == nil && m.ID == 0 {
		return m, fmt.Errorf("message %d of thread %d: %w", messageID, threadID, ErrNotFound)
	}
	return m, notFound(err, "message %d of thread %d", messageID, threadID)
}

// StaffAttachments lists every file of a thread — notes' too, which staff
// may see — oldest first; nothing when the thread is of another branch.
func (s *Store) StaffAttachments(ctx context.Context, branchIDs []int64, threadID int64) ([]hub.Attachment, error) {
	if len(branchIDs) == 0 {
		return nil, nil
	}
	var out []hub.Attachment
	err := s.db.WithContext(ctx).Raw(
		`SELECT a.* FROM attachments a JOIN messages m ON m.id = a.message_id JOIN threads t ON t.id = m.thread_id
		 WHERE m.thread_id = ? AND t.branch_id IN ? ORDER BY a.id`, threadID, branchIDs).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("staff attachments of thread %d: %w", threadID, err)
	}
	return out, nil
}

// StaffAttachment loads one file of a thread, only when the thread belongs
// to one of branchIDs.
func (s *Store) StaffAttachment(ctx context.Context, branchIDs []int64, threadID, attachmentID int64) (hub.Attachment, error) {
	var a hub.Attachment
	if len(branchIDs) == 0 {
		return a, fmt.Errorf("attachment %d of thread %d: %w", attachmentID, threadID, ErrNotFound)
	}
	err := s.db.WithContext(ctx).Raw(
		`SELECT a.* FROM attachments a JOIN messages m ON m.id = a.message_id JOIN threads t ON t.id = m.thread_id
		 WHERE a.id = ? AND m.thread_id = ? AND t.branch_id IN ?`, attachmentID, threadID, branchIDs).Scan(&a).Error
	if err == nil && a.ID == 0 {
		return a, fmt.Errorf("attachment %d of thread %d: %w", attachmentID, threadID, ErrNotFound)
	}
	return a, notFound(err, "attachment %d of thread %d", attachmentID, threadID)
}

// BranchStaff lists the enabled users working at a branch, by name: the
// people a thread of that branch may be assigned to.
func (s *Store) BranchStaff(ctx context.Context, branchID int64) ([]User, error) {
	var out []User
	err := s.db.WithContext(ctx).Raw(
		`SELECT u.* FROM users u JOIN user_branches ub ON ub.user_id = u.id
		 WHERE ub.branch_id = ? AND u.disabled_at IS NULL ORDER BY u.name, u.login`, branchID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("staff of branch %d: %w", branchID, err)
	}
	return out, nil
}
