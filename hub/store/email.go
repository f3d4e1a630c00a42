package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"naryad/hub"
)

// addMessageEmail writes an e-mail message's parts, in QueueMessage's
// transaction.
func (s *Store) addMessageEmail(ctx context.Context, m hub.Message, e hub.MessageEmail) error {
	e.MessageID, e.CreatedAt = m.ID, m.CreatedAt
	if err := s.db.WithContext(ctx).Create(&e).Error; err != nil {
		return fmt.Errorf("store e-mail parts of message %d: %w", m.ID, err)
	}
	return nil
}

// MessageEmail loads an e-mail message's parts (ErrNotFound for a message
// that was not an e-mail).
func (s *Store) MessageEmail(ctx context.Context, messageID int64) (hub.MessageEmail, error) {
	var e hub.MessageEmail
	err := s.db.WithContext(ctx).Take(&e, "message_id = ?", messageID).Error
	return e, notFound(err, "e-mail of message %d", messageID)
}

// MessageEmailByHeaderID finds the e-mail naryad sent with this
// Message-ID (angle brackets optional); a reply's In-Reply-To or a bounce's
// copy of the headers names it.
func (s *Store) MessageEmailByHeaderID(ctx context.Context, headerID string) (hub.MessageEmail, error) {
	headerID = strings.Trim(strings.TrimSpace(headerID), "<>")
	var e hub.MessageEmail
	err := s.db.WithContext(ctx).Take(&e, "header_id = ?", headerID).Error
	return e, notFound(err, "e-mail with Message-ID %q", headerID)
}

// MarkEmailInvalid records that mail to address bounced for good, on every
// customer with that address (case-insensitive), so reminders stop using
// it. The first reason stays; a new address from the DMS clears it
// (UpsertCustomer clears the mark when the address changes).
func (s *Store) MarkEmailInvalid(ctx context.Context, address, reason string) error {
	address = strings.ToLower(strings.TrimSpace(address))
	if address == "" {
		return errors.New("mark e-mail invalid: no address")
	}
	err := s.db.WithContext(ctx).Exec(
		`UPDATE customers SET email_invalid_at = ?, email_invalid_reason = ?
		 WHERE lower(email) = ? AND email_invalid_at IS NULL`,
		now(), reason, address).Error
	if err != nil {
		return fmt.Errorf("mark e-mail %s invalid: %w", address, err)
	}
	return nil
}

// EmailUsable tells whether a customer's e-mail may be written to: there
// is one and it has not bounced for good.
func (s *Store) EmailUsable(ctx context.Context, customerID int64) (address string, ok bool, err error) {
	var row struct {
		Email          string
		EmailInvalidAt *time.Time
	}
	err = s.db.WithContext(ctx).Table("customers").Select("email, email_invalid_at").
		Where("id = ?", customerID).Take(&row).Error
	if err != nil {
		return "", false, notFound(err, "customer %d", customerID)
	}
	return row.Email, row.Email != "" && row.EmailInvalidAt == nil, nil
}

// BranchEmailSettings loads a branch's sender; ok is false when the branch
// has none saved (it sends no e-mail).
func (s *Store) BranchEmailSettings(ctx context.Context, branchID int64) (hub.BranchEmailSettings, bool, error) {
	var b hub.BranchEmailSettings
	err := s.db.WithContext(ctx).Take(&b, "branch_id = ?", branchID).Error
	if err != nil {
		if err = notFound(err, "e-mail settings of branch %d", branchID); errors.Is(err, ErrNotFound) {
			return hub.BranchEmailSettings{}, false, nil
		}
		return hub.BranchEmailSettings{}, false, err
	}
	return b, true, nil
}

// SaveBranchEmailSettings writes a branch's sender, replacing what was
// there. The caller validates the address and seals the DKIM key.
func (s *Store) SaveBranchEmailSettings(ctx context.Context, b hub.BranchEmailSettings) error {
	b.UpdatedAt = now()
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "branch_id"}},
		UpdateAll: true,
	}).Create(&b).Error
	if err != nil {
		return fmt.Errorf("save e-mail settings of branch %d: %w", b.BranchID, err)
	}
	return nil
}
