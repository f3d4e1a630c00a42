package store

import (
	"context"
	"fmt"
)

// ReminderSettings are a branch's reminder settings (branches columns of
// migration 00006): quiet hours as local "HH:MM" (equal means none), the
// daily cap per customer, the regional tyre-change dates ("MM-DD") and the
// uncollected-keys thresholds in hours, and the days after which declined
// inspection work is offered again (migration 00016).
type ReminderSettings struct {
	QuietFrom        string
	QuietUntil       string
	ReminderDailyCap int
	TyreSpringOn     string
	TyreAutumnOn     string
	KeysRemindHours  int
	KeysAlertHours   int
	// DeclinedOfferDays: MinDeclinedOfferDays..MaxDeclinedOfferDays.
	DeclinedOfferDays int
}

// BranchReminderSettings loads a branch's reminder settings.
func (s *Store) BranchReminderSettings(ctx context.Context, branchID int64) (ReminderSettings, error) {
	var out ReminderSettings
	res := s.db.WithContext(ctx).Raw(
		`SELECT quiet_from, quiet_until, reminder_daily_cap, tyre_spring_on, tyre_autumn_on, keys_remind_hours, keys_alert_hours,
		   declined_offer_days FROM branches WHERE id = ?`, branchID).Scan(&out)
	if res.Error != nil {
		return out, fmt.Errorf("reminder settings of branch %d: %w", branchID, res.Error)
	}
	if res.RowsAffected == 0 {
		return out, fmt.Errorf("reminder settings of branch %d: %w", branchID, ErrNotFound)
	}
	return out, nil
}

// SetBranchReminderSettings replaces a branch's reminder settings; the
// caller has checked them.
func (s *Store) SetBranchReminderSettings(ctx context.Context, branchID int64, r ReminderSettings) error {
	err := s.db.WithContext(ctx).Exec(
		`UPDATE branches SET quiet_from = ?, quiet_until = ?, reminder_daily_cap = ?, tyre_spring_on = ?,
		   tyre_autumn_on = ?, keys_remind_hours = ?, keys_alert_hours = ?, declined_offer_days = ? WHERE id = ?`,
		r.QuietFrom, r.QuietUntil, r.ReminderDailyCap, r.TyreSpringOn, r.TyreAutumnOn, r.KeysRemindHours, r.KeysAlertHours,
		r.DeclinedOfferDays, branchID).Error
	if err != nil {
		return fmt.Errorf("set reminder settings of branch %d: %w", branchID, err)
	}
	return nil
}
