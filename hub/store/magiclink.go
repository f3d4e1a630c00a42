package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// CreateMagicLink stores a thread's link by salt and token hash.
func (s *Store) CreateMagicLink(ctx context.Context, l *hub.MagicLink) error {
	l.CreatedAt = now()
	if err := s.db.WithContext(ctx).Create(l).Error; err != nil {
		return fmt.Errorf("create link of thread %d: %w", l.ThreadID, err)
	}
	return nil
}

// ActiveMagicLink returns the thread's newest link that is not revoked.
func (s *Store) ActiveMagicLink(ctx context.Context, threadID int64) (hub.MagicLink, error) {
	var l hub.MagicLink
	err := s.db.WithContext(ctx).Where("thread_id = ? AND revoked_at IS NULL", threadID).Order("id DESC").Take(&l).Error
	return l, notFound(err, "link of thread %d", threadID)
}

// MagicLinkByHash finds a link by the hash of its token, expired or not:
// the caller decides what an expired link shows.
func (s *Store) MagicLinkByHash(ctx context.Context, hash string) (hub.MagicLink, error) {
	var l hub.MagicLink
	err := s.db.WithContext(ctx).Where("token_hash = ?", hash).Take(&l).Error
	return l, notFound(err, "link")
}

// ExpireMagicLinks sets when the thread's live links stop working (counted
// from hand-over); nil makes them open-ended again (a reopened order).
func (s *Store) ExpireMagicLinks(ctx context.Context, threadID int64, at *time.Time) error {
	err := s.db.WithContext(ctx).Model(&hub.MagicLink{}).Where("thread_id = ? AND revoked_at IS NULL", threadID).
		Update("expires_at", at).Error
	if err != nil {
		return fmt.Errorf("set expiry of links of thread %d: %w", threadID, err)
	}
	return nil
}

// RevokeMagicLinks kills every link of a thread at once.
func (s *Store) RevokeMagicLinks(ctx context.Context, threadID int64) error {
	err := s.db.WithContext(ctx).Model(&hub.MagicLink{}).Where("thread_id = ? AND revoked_at IS NULL", threadID).
		Update("revoked_at", now()).Error
	if err != nil {
		return fmt.Errorf("revoke links of thread %d: %w", threadID, err)
	}
	return nil
}
