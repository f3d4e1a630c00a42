package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// TemplateOverride returns a branch's own text for a message template, if
// it has one (templates.Overrides).
func (s *Store) TemplateOverride(ctx context.Context, branchID int64, key, locale string) (string, bool, error) {
	var body string
	err := s.db.WithContext(ctx).Raw(
		"SELECT body FROM message_templates WHERE branch_id = ? AND template_key = ? AND locale = ?",
		branchID, key, locale).Row().Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("template %s/%s of branch %d: %w", key, locale, branchID, err)
	}
	return body, true, nil
}

// SaveTemplateOverride stores a branch's text for a template. The caller
// validates it first (templates.Validate): a bad template is refused when
// saved, never discovered at send time.
func (s *Store) SaveTemplateOverride(ctx context.Context, branchID int64, key, locale, body string) error {
	err := s.db.WithContext(ctx).Exec(
		`INSERT INTO message_templates (branch_id, template_key, locale, body, updated_at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (branch_id, template_key, locale) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
		branchID, key, locale, body, now()).Error
	if err != nil {
		return fmt.Errorf("save template %s/%s of branch %d: %w", key, locale, branchID, err)
	}
	return nil
}

// DeleteTemplateOverride returns a branch to the default text.
func (s *Store) DeleteTemplateOverride(ctx context.Context, branchID int64, key, locale string) error {
	err := s.db.WithContext(ctx).Exec(
		"DELETE FROM message_templates WHERE branch_id = ? AND template_key = ? AND locale = ?", branchID, key, locale).Error
	if err != nil {
		return fmt.Errorf("delete template %s/%s of branch %d: %w", key, locale, branchID, err)
	}
	return nil
}
