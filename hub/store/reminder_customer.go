package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"naryad/hub"
	"naryad/templates"
)

// ReminderRecipient is what a customer reminder needs to know about its
// customer: whether they opted out, their language and name, and their
// first number (a new thread goes there).
type ReminderRecipient struct {
	ID         int64
	Name       string
	Locale     string
	OptedOutAt *time.Time
	Phone      string // first number; empty when none is known
	// RemindersDenied: one of their phones withdrew its reminders consent;
	// OptedOutAt is then set too.
	RemindersDenied bool
}

// ReminderRecipients loads the customers of a scan at once.
func (s *Store) ReminderRecipients(ctx context.Context, ids []int64) (map[int64]ReminderRecipient, error) {
	out := make(map[int64]ReminderRecipient, len(ids))
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		var rows []ReminderRecipient
		err := s.db.WithContext(ctx).Raw(
			`SELECT c.id, c.name, c.locale, c.opted_out_at,
			   COALESCE((SELECT p.e164 FROM customer_phones p WHERE p.customer_id = c.id ORDER BY p.id LIMIT 1), '') AS phone,
			   EXISTS (SELECT 1 FROM customer_phones p JOIN consents k ON k.e164 = p.e164
			           WHERE p.customer_id = c.id AND k.purpose = ? AND k.granted = ?) AS reminders_denied
			 FROM customers c WHERE c.id IN ?`, ConsentReminders, false, part).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("reminder recipients: %w", err)
		}
		for _, r := range rows {
			if r.RemindersDenied && r.OptedOutAt == nil {
				// A phone of theirs said no to reminders (on the account
				// page) after the customer was stored: the same as a STOP.
				at := now()
				r.OptedOutAt = &at
			}
			out[r.ID] = r
		}
	}
	return out, nil
}

// CustomerOptedOut tells, inside the sending transaction, whether the
// customer has opted out of reminders since the scan began (a STOP, or a
// phone of theirs withdrawing its reminders consent).
func (s *Store) CustomerOptedOut(ctx context.Context, customerID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw(
		`SELECT COUNT(*) FROM customers c WHERE c.id = ? AND (c.opted_out_at IS NOT NULL OR EXISTS (
		   SELECT 1 FROM customer_phones p JOIN consents k ON k.e164 = p.e164
		   WHERE p.customer_id = c.id AND k.purpose = ? AND k.granted = ?))`, customerID, ConsentReminders, false).Scan(&n).Error
	if err != nil {
		return false, fmt.Errorf("opt-out of customer %d: %w", customerID, err)
	}
	return n > 0, nil
}

// CustomerThread returns the customer's own thread at a branch for a
// reminder about no work order: their latest thread there.
func (s *Store) CustomerThread(ctx context.Context, customerID, branchID int64) (hub.Thread, error) {
	var t hub.Thread
	err := s.db.WithContext(ctx).Where("customer_id = ? AND branch_id = ?", customerID, branchID).
		Order("last_activity_at DESC, id DESC").Take(&t).Error
	if err == nil {
		s.rememberBranch(t)
	}
	return t, notFound(err, "thread of customer %d at branch %d", customerID, branchID)
}

// Opt-out replies: what SetOptOut changed.
const (
	OptOutNoChange = iota // already so, or no customer to change
	OptedOut
	OptedIn
)

// SetOptOut records a customer's STOP (out=true) or START reply on their
// thread, inside the caller's transaction when there is one: opted_out_at
// and a system line saying so. It changes nothing when the customer is
// already in that state or the thread has no customer (a lead), and it
// never sends anything back (an answer to STOP could start an SMS loop).
//
// The phone's reminders consent follows (source stop_reply), for a lead's
// phone too, so the account's privacy page shows it and a customer the
// DMS stores later with that phone is not reminded either.
func (s *Store) SetOptOut(ctx context.Context, t hub.Thread, out bool) (int, error) {
	result := OptOutNoChange
	err := s.Tx(ctx, func(tx *Store) error {
		recordConsent := func() error {
			if t.Phone == "" {
				return nil
			}
			_, err := tx.SetConsent(ctx, t.Phone, ConsentReminders, !out, ConsentFromStopReply, now())
			return err
		}
		if t.CustomerID == nil {
			return recordConsent()
		}
		var res *gorm.DB
		db := tx.db.WithContext(ctx)
		if out {
			res = db.Exec("UPDATE customers SET opted_out_at = ? WHERE id = ? AND opted_out_at IS NULL", now(), *t.CustomerID)
		} else {
			res = db.Exec("UPDATE customers SET opted_out_at = NULL WHERE id = ? AND opted_out_at IS NOT NULL", *t.CustomerID)
		}
		if res.Error != nil {
			return fmt.Errorf("set opt-out of customer %d: %w", *t.CustomerID, res.Error)
		}
		if err := recordConsent(); err != nil {
			return err
		}
		if res.RowsAffected == 0 {
			return nil
		}
		key := templates.SysOptedOut
		result = OptedOut
		if !out {
			result, key = OptedIn, templates.SysOptedIn
		}
		line := hub.SystemLine(t.ID, "naryad", key, nil)
		return tx.AddMessage(ctx, &line)
	})
	if err != nil {
		return OptOutNoChange, err
	}
	return result, nil
}
