package store

import (
	"context"
	"fmt"

	"naryad/hub"
)

// A branch's online identity check (hub.BranchIdentity): one row per
// branch, none before an admin sets it.

// BranchIdentity returns a branch's identity check settings, or
// ErrNotFound when none were saved.
func (s *Store) BranchIdentity(ctx context.Context, branchID int64) (hub.BranchIdentity, error) {
	var b hub.BranchIdentity
	err := s.db.WithContext(ctx).Where("branch_id = ?", branchID).Take(&b).Error
	return b, notFound(err, "identity settings of branch %d", branchID)
}

// BranchIdentityByWebhookKey finds the settings a webhook address names.
func (s *Store) BranchIdentityByWebhookKey(ctx context.Context, key string) (hub.BranchIdentity, error) {
	var b hub.BranchIdentity
	err := s.db.WithContext(ctx).Where("webhook_key = ?", key).Take(&b).Error
	return b, notFound(err, "identity settings with webhook key")
}

// SaveBranchIdentity stores a branch's identity check settings, replacing
// any before. The caller seals the secrets and picks the webhook key.
func (s *Store) SaveBranchIdentity(ctx context.Context, b *hub.BranchIdentity) error {
	b.UpdatedAt = now()
	err := s.db.WithContext(ctx).Exec(`INSERT INTO branch_identity_settings
			(branch_id, provider, secret_sealed, webhook_sealed, webhook_key, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (branch_id) DO UPDATE SET provider = excluded.provider, secret_sealed = excluded.secret_sealed,
			webhook_sealed = excluded.webhook_sealed, webhook_key = excluded.webhook_key, updated_at = excluded.updated_at`,
		b.BranchID, b.Provider, b.SecretSealed, b.WebhookSealed, b.WebhookKey, b.UpdatedAt).Error
	if err != nil {
		return fmt.Errorf("save identity settings of branch %d: %w", b.BranchID, err)
	}
	return nil
}

// RecordIdentityWebhook notes a provider's webhook event as seen, inside
// the caller's transaction; false when it was seen before (a replay,
// or a second delivery), and the caller then changes nothing.
func (s *Store) RecordIdentityWebhook(ctx context.Context, provider, eventID string) (bool, error) {
	var got []string
	err := s.db.WithContext(ctx).Raw(
		`INSERT INTO identity_webhook_events (provider, event_id, received_at) VALUES (?, ?, ?)
		 ON CONFLICT DO NOTHING RETURNING event_id`, provider, eventID, now()).Scan(&got).Error
	if err != nil {
		return false, fmt.Errorf("record %s identity webhook %q: %w", provider, eventID, err)
	}
	return len(got) == 1, nil
}

// IdentityWebhookSeen tells whether a provider's webhook event was
// recorded (tests, and staff tracing a delivery).
func (s *Store) IdentityWebhookSeen(ctx context.Context, provider, eventID string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("identity_webhook_events").Where("provider = ? AND event_id = ?", provider, eventID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("identity webhook %q: %w", eventID, err)
	}
	return n > 0, nil
}
