package store

import (
	"context"
	"fmt"
	"time"
)

// StaffSession is a signed-in browser of a staff user. Only the hash of
// the cookie's token is stored.
type StaffSession struct {
	ID         int64
	TokenHash  string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute end; idle expiry is the caller's rule on LastSeenAt
	IP         string    `gorm:"column:ip"`
	UserAgent  string
}

// CreateSession stores a new session; CreatedAt and LastSeenAt default to now.
func (s *Store) CreateSession(ctx context.Context, sess *StaffSession) error {
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = now()
	}
	if sess.LastSeenAt.IsZero() {
		sess.LastSeenAt = sess.CreatedAt
	}
	sess.CreatedAt = sess.CreatedAt.UTC().Truncate(time.Microsecond)
	sess.LastSeenAt = sess.LastSeenAt.UTC().Truncate(time.Microsecond)
	sess.ExpiresAt = sess.ExpiresAt.UTC().Truncate(time.Microsecond)
	if err := s.db.WithContext(ctx).Create(sess).Error; err != nil {
		return fmt.Errorf("create session of user %d: %w", sess.UserID, err)
	}
	return nil
}

// SessionByHash finds a session by its token's hash, expired or not.
func (s *Store) SessionByHash(ctx context.Context, tokenHash string) (StaffSession, error) {
	var sess StaffSession
	err := s.db.WithContext(ctx).Where("token_hash = ?", tokenHash).Take(&sess).Error
	return sess, notFound(err, "session")
}

// TouchSession records that the session was used at time at.
func (s *Store) TouchSession(ctx context.Context, id int64, at time.Time) error {
	err := s.db.WithContext(ctx).Model(&StaffSession{}).Where("id = ?", id).
		Update("last_seen_at", at.UTC().Truncate(time.Microsecond)).Error
	if err != nil {
		return fmt.Errorf("touch session %d: %w", id, err)
	}
	return nil
}

// SetSessionExpiry moves a session's absolute end (tests, forced logout).
func (s *Store) SetSessionExpiry(ctx context.Context, id int64, at time.Time) error {
	err := s.db.WithContext(ctx).Model(&StaffSession{}).Where("id = ?", id).
		Update("expires_at", at.UTC().Truncate(time.Microsecond)).Error
	if err != nil {
		return fmt.Errorf("expire session %d: %w", id, err)
	}
	return nil
}

// DeleteSession ends the session with this token hash; an unknown hash is
// not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if err := s.db.WithContext(ctx).Where("token_hash = ?", tokenHash).Delete(&StaffSession{}).Error; err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user (password change, disable).
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	if err := s.db.WithContext(ctx).Where("user_id = ?", userID).Delete(&StaffSession{}).Error; err != nil {
		return fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions whose absolute end is before at,
// or which were last used before idleBefore; it returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context, at, idleBefore time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at < ? OR last_seen_at < ?",
		at.UTC().Truncate(time.Microsecond), idleBefore.UTC().Truncate(time.Microsecond)).Delete(&StaffSession{})
	if res.Error != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", res.Error)
	}
	return res.RowsAffected, nil
}
