package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm/clause"
)

// ReminderChannel is a branch's rule for one reminder rule: whether its
// reminders go on the thread's channel (SMS or WhatsApp), by e-mail, or
// both (migration 00042). A rule the branch never set goes on the thread
// only.
type ReminderChannel struct {
	BranchID  int64  `gorm:"primaryKey"`
	Rule      string `gorm:"primaryKey"`
	Thread    bool
	Email     bool
	UpdatedAt time.Time
}

// TableName pins the table name.
func (ReminderChannel) TableName() string { return "reminder_channels" }

// The customer's own choice of channel for reminders, per phone.
const (
	ChannelChoiceEmail = "email" // e-mail only, where it can be used
	ChannelChoicePhone = "phone" // the thread's channel: SMS or WhatsApp
	ChannelChoiceBoth  = "both"
)

// ChannelChoices in the order the privacy page shows them.
var ChannelChoices = []string{ChannelChoiceEmail, ChannelChoicePhone, ChannelChoiceBoth}

// ErrBadChannels: a channel rule with no channel, or an unknown choice.
var ErrBadChannels = errors.New("a reminder needs at least one channel, and a known choice")

type channelChoice struct {
	E164      string `gorm:"column:e164;primaryKey"`
	Choice    string
	ChangedAt time.Time
}

func (channelChoice) TableName() string { return "reminder_channel_choices" }

// ReminderChannels returns the branch's saved channel rules by rule name;
// a rule missing from the map goes on the thread only.
func (s *Store) ReminderChannels(ctx context.Context, branchID int64) (map[string]ReminderChannel, error) {
	var rows []ReminderChannel
	if err := s.db.WithContext(ctx).Where("branch_id = ?", branchID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("reminder channels of branch %d: %w", branchID, err)
	}
	out := make(map[string]ReminderChannel, len(rows))
	for _, r := range rows {
		out[r.Rule] = r
	}
	return out, nil
}

// ReminderChannelOf is the branch's rule for one reminder rule, the
// thread-only default when none is saved.
func (s *Store) ReminderChannelOf(ctx context.Context, branchID int64, rule string) (ReminderChannel, error) {
	var rows []ReminderChannel
	err := s.db.WithContext(ctx).Where("branch_id = ? AND rule = ?", branchID, rule).Limit(1).Find(&rows).Error
	if err != nil {
		return ReminderChannel{}, fmt.Errorf("reminder channels of branch %d rule %s: %w", branchID, rule, err)
	}
	if len(rows) == 0 {
		return ReminderChannel{BranchID: branchID, Rule: rule, Thread: true}, nil
	}
	return rows[0], nil
}

// SetReminderChannel saves the branch's rule for one reminder rule; one
// channel at least (ErrBadChannels otherwise, nothing written).
func (s *Store) SetReminderChannel(ctx context.Context, c ReminderChannel) error {
	if !c.Thread && !c.Email || c.Rule == "" {
		return fmt.Errorf("set reminder channels of %q: %w", c.Rule, ErrBadChannels)
	}
	c.UpdatedAt = now()
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "branch_id"}, {Name: "rule"}},
		DoUpdates: clause.AssignmentColumns([]string{"thread", "email", "updated_at"}),
	}).Create(&c).Error
	if err != nil {
		return fmt.Errorf("set reminder channels of branch %d rule %s: %w", c.BranchID, c.Rule, err)
	}
	return nil
}

// ChannelChoice is the choice made on e164's privacy page; "" when none.
func (s *Store) ChannelChoice(ctx context.Context, e164 string) (string, error) {
	var rows []channelChoice
	if err := s.db.WithContext(ctx).Where("e164 = ?", e164).Limit(1).Find(&rows).Error; err != nil {
		return "", fmt.Errorf("channel choice of %s: %w", e164, err)
	}
	if len(rows) == 0 {
		return "", nil
	}
	return rows[0].Choice, nil
}

// SetChannelChoice records e164's choice of channel for reminders; ""
// clears it (the branch's rule applies again).
func (s *Store) SetChannelChoice(ctx context.Context, e164, choice string) error {
	db := s.db.WithContext(ctx)
	if choice == "" {
		if err := db.Where("e164 = ?", e164).Delete(&channelChoice{}).Error; err != nil {
			return fmt.Errorf("clear channel choice of %s: %w", e164, err)
		}
		return nil
	}
	if !slices.Contains(ChannelChoices, choice) {
		return fmt.Errorf("set channel choice %q: %w", choice, ErrBadChannels)
	}
	err := db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "e164"}},
		DoUpdates: clause.AssignmentColumns([]string{"choice", "changed_at"}),
	}).Create(&channelChoice{E164: e164, Choice: choice, ChangedAt: now()}).Error
	if err != nil {
		return fmt.Errorf("set channel choice of %s: %w", e164, err)
	}
	return nil
}
