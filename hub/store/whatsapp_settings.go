package store

import (
	"context"
	"fmt"
)

// WASettings are a branch's WhatsApp settings (branches columns of
// migration 00007 and later): whether each work order gets a WhatsApp
// group (off by default: creating many groups risks a ban) and how many
// days after hand-over the account leaves it. A zero WASettings turns the
// settings that are on by default off: set them all.
type WASettings struct {
	Groups         bool `gorm:"column:wa_groups"`
	GroupLeaveDays int  `gorm:"column:wa_group_leave_days"`
	// GroupInvites: a customer whose privacy settings block group adds
	// gets the group's invite link in the direct chat (migration 00012);
	// off, their work order stays in the direct chat.
	GroupInvites bool `gorm:"column:wa_group_invites"`
	// UndeliveredSMSHours: a status or estimate message still only "sent"
	// on WhatsApp after this many hours also goes by SMS (0: never).
	UndeliveredSMSHours int `gorm:"column:wa_undelivered_sms_hours"`
	// MarkRead: opening a thread in the inbox marks the customer's
	// messages read in WhatsApp (migration 00013, on by default).
	MarkRead bool `gorm:"column:wa_mark_read"`
}

// DefaultWAUndeliveredSMSHours is the branch default of UndeliveredSMSHours.
const DefaultWAUndeliveredSMSHours = 6

// BranchWASettings loads a branch's WhatsApp settings.
func (s *Store) BranchWASettings(ctx context.Context, branchID int64) (WASettings, error) {
	var out WASettings
	res := s.db.WithContext(ctx).Raw(`SELECT wa_groups, wa_group_leave_days, wa_group_invites, wa_undelivered_sms_hours,
		wa_mark_read FROM branches WHERE id = ?`, branchID).Scan(&out)
	if res.Error != nil {
		return out, fmt.Errorf("WhatsApp settings of branch %d: %w", branchID, res.Error)
	}
	if res.RowsAffected == 0 {
		return out, fmt.Errorf("WhatsApp settings of branch %d: %w", branchID, ErrNotFound)
	}
	return out, nil
}

// SetBranchWASettings replaces a branch's WhatsApp settings; the caller
// has checked them (leave days 0–90, hours 0–168).
func (s *Store) SetBranchWASettings(ctx context.Context, branchID int64, w WASettings) error {
	res := s.db.WithContext(ctx).Exec(`UPDATE branches SET wa_groups = ?, wa_group_leave_days = ?, wa_group_invites = ?,
		wa_undelivered_sms_hours = ?, wa_mark_read = ? WHERE id = ?`,
		w.Groups, w.GroupLeaveDays, w.GroupInvites, w.UndeliveredSMSHours, w.MarkRead, branchID)
	if res.Error != nil {
		return fmt.Errorf("set WhatsApp settings of branch %d: %w", branchID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("set WhatsApp settings of branch %d: %w", branchID, ErrNotFound)
	}
	return nil
}
