package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Purposes a phone's holder consents to (or not), each on its own.
const (
	ConsentService   = "service"   // status messages about their work orders
	ConsentReminders = "reminders" // maintenance, tyres, declined work, …
	ConsentMarketing = "marketing" // offers; stored and shown, nothing sends them yet
)

// ConsentPurposes in the order the privacy page shows them.
var ConsentPurposes = []string{ConsentService, ConsentReminders, ConsentMarketing}

// Where a consent change came from.
const (
	ConsentFromAccount   = "account"
	ConsentFromStopReply = "stop_reply"
	ConsentFromDMS       = "dms"
	ConsentFromStaff     = "staff"
	// ConsentFromEmail: the one-click unsubscribe link of an e-mail
	// (RFC 8058), recorded on every phone of the customer (migration 00042).
	ConsentFromEmail = "email"
)

var consentSources = []string{ConsentFromAccount, ConsentFromStopReply, ConsentFromDMS, ConsentFromStaff, ConsentFromEmail}

// Consent is a phone's current answer for one purpose. A purpose without a
// row is granted by default (Source "" and a zero ChangedAt say so).
type Consent struct {
	E164      string `gorm:"column:e164;primaryKey"`
	Purpose   string `gorm:"primaryKey"`
	Granted   bool
	ChangedAt time.Time
	Source    string
}

// TableName pins the table name.
func (Consent) TableName() string { return "consents" }

// ConsentChange is one line of a phone's consent history.
type ConsentChange struct {
	ID        int64
	E164      string `gorm:"column:e164"`
	Purpose   string
	Granted   bool
	ChangedAt time.Time
	Source    string
}

// TableName pins the table name.
func (ConsentChange) TableName() string { return "consent_log" }

// ErrBadConsent: an unknown purpose or source.
var ErrBadConsent = errors.New("unknown consent purpose or source")

// Consents returns every purpose's answer for e164, in ConsentPurposes
// order; purposes never answered come back granted with no source.
func (s *Store) Consents(ctx context.Context, e164 string) ([]Consent, error) {
	var rows []Consent
	if err := s.db.WithContext(ctx).Where("e164 = ?", e164).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("consents of %s: %w", e164, err)
	}
	// A STOP recorded before consents existed lives only on the customers:
	// a phone never answered about reminders shows that opt-out.
	var stopped []time.Time
	err := s.db.WithContext(ctx).Table("customers").
		Where("opted_out_at IS NOT NULL AND id IN (?)", s.db.Table("customer_phones").Select("customer_id").Where("e164 = ?", e164)).
		Order("opted_out_at").Limit(1).Pluck("opted_out_at", &stopped).Error
	if err != nil {
		return nil, fmt.Errorf("opt-out of %s: %w", e164, err)
	}
	out := make([]Consent, 0, len(ConsentPurposes))
	for _, p := range ConsentPurposes {
		c := Consent{E164: e164, Purpose: p, Granted: true}
		if p == ConsentReminders && len(stopped) > 0 {
			c = Consent{E164: e164, Purpose: p, Granted: false, ChangedAt: stopped[0], Source: ConsentFromStopReply}
		}
		for _, r := range rows {
			if r.Purpose == p {
				c = r
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// ConsentHistory returns the changes of e164's consents, newest first.
func (s *Store) ConsentHistory(ctx context.Context, e164 string) ([]ConsentChange, error) {
	var out []ConsentChange
	if err := s.db.WithContext(ctx).Where("e164 = ?", e164).Order("id DESC").Limit(200).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("consent history of %s: %w", e164, err)
	}
	return out, nil
}

// SetConsent records e164's answer for purpose, and a history line when
// it changes the answer (it reports whether it did). The reminders answer
// is also kept on the customers of that phone (customers.opted_out_at,
// which a STOP reply sets too), so the two never disagree.
func (s *Store) SetConsent(ctx context.Context, e164, purpose string, granted bool, source string, at time.Time) (bool, error) {
	if !slices.Contains(ConsentPurposes, purpose) || !slices.Contains(consentSources, source) {
		return false, fmt.Errorf("set consent %q from %q: %w", purpose, source, ErrBadConsent)
	}
	at = at.UTC().Truncate(time.Microsecond)
	changed := false
	err := s.Tx(ctx, func(tx *Store) error {
		db := tx.db.WithContext(ctx)
		var cur Consent
		err := db.Where("e164 = ? AND purpose = ?", e164, purpose).Take(&cur).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			// A first explicit answer: recorded even when it is the default,
			// so the page shows when and where it was given.
			res := db.Clauses(clause.OnConflict{DoNothing: true}).
				Create(&Consent{E164: e164, Purpose: purpose, Granted: granted, ChangedAt: at, Source: source})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return nil // a concurrent first answer got there first
			}
		case err != nil:
			return err
		case cur.Granted == granted:
			return nil
		default:
			res := db.Model(&Consent{}).Where("e164 = ? AND purpose = ? AND granted = ?", e164, purpose, cur.Granted).
				Updates(map[string]any{"granted": granted, "changed_at": at, "source": source})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return nil // a concurrent change got there first, to the same answer
			}
		}
		changed = true
		if err := db.Create(&ConsentChange{E164: e164, Purpose: purpose, Granted: granted, ChangedAt: at, Source: source}).Error; err != nil {
			return err
		}
		if purpose == ConsentReminders {
			return tx.mirrorRemindersConsent(ctx, e164, granted, at)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("set %s consent of %s: %w", purpose, e164, err)
	}
	return changed, nil
}

// mirrorRemindersConsent sets or clears the opt-out of every customer
// holding e164, which is what the reminders read.
func (s *Store) mirrorRemindersConsent(ctx context.Context, e164 string, granted bool, at time.Time) error {
	owners := s.db.Table("customer_phones").Select("customer_id").Where("e164 = ?", e164)
	q := s.db.WithContext(ctx).Table("customers").Where("id IN (?)", owners)
	if granted {
		return q.Where("opted_out_at IS NOT NULL").Update("opted_out_at", nil).Error
	}
	return q.Where("opted_out_at IS NULL").Update("opted_out_at", at).Error
}

// ConsentDenied tells whether e164 said no to purpose.
func (s *Store) ConsentDenied(ctx context.Context, e164, purpose string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Consent{}).
		Where("e164 = ? AND purpose = ? AND granted = ?", e164, purpose, false).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("%s consent of %s: %w", purpose, e164, err)
	}
	return n > 0, nil
}
