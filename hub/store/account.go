package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"naryad/hub"
)

// maxUserAgent bounds the user agent kept with a session: it is shown to
// the customer among their devices, never parsed.
const maxUserAgent = 256

// AccountForVerifiedPhone returns the account that holds e164, creating
// it (with the number verified at now) when no account holds the number
// yet. The caller has just proved the visitor holds the number. Two
// browsers proving the same number at once end with one account: the
// number is unique, and the loser of the race reads the winner's row.
func (s *Store) AccountForVerifiedPhone(ctx context.Context, e164 string, at time.Time) (hub.Account, error) {
	if n, err := hub.NormalizePhone(e164, ""); err != nil || n != e164 {
		return hub.Account{}, fmt.Errorf("account for phone: %q is not an E.164 number", e164)
	}
	at = at.UTC().Truncate(time.Microsecond)
	var acc hub.Account
	err := s.Tx(ctx, func(tx *Store) error {
		var owner hub.AccountPhone
		err := tx.db.WithContext(ctx).Where("e164 = ?", e164).Take(&owner).Error
		if err == nil {
			return tx.db.WithContext(ctx).Take(&acc, owner.AccountID).Error
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		acc = hub.Account{CreatedAt: at}
		if err := tx.db.WithContext(ctx).Create(&acc).Error; err != nil {
			return err
		}
		phone := hub.AccountPhone{AccountID: acc.ID, E164: e164, VerifiedAt: at}
		return tx.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&phone).Error
	})
	if err != nil {
		return hub.Account{}, fmt.Errorf("account for phone: %w", err)
	}
	// A concurrent first sign-in may have taken the number between our read
	// and our insert: the insert did nothing, so the number's owner is the
	// other account, and ours is an empty row nobody reaches.
	var owner hub.AccountPhone
	if err := s.db.WithContext(ctx).Where("e164 = ?", e164).Take(&owner).Error; err != nil {
		return hub.Account{}, fmt.Errorf("account for phone: read owner: %w", err)
	}
	if owner.AccountID != acc.ID {
		if err := s.db.WithContext(ctx).Delete(&hub.Account{}, acc.ID).Error; err != nil {
			return hub.Account{}, fmt.Errorf("account for phone: drop duplicate: %w", err)
		}
		// A fresh value: gorm would add acc's own (dropped) id to the
		// query and find nothing.
		acc = hub.Account{}
		if err := s.db.WithContext(ctx).Take(&acc, owner.AccountID).Error; err != nil {
			return hub.Account{}, fmt.Errorf("account for phone: %w", err)
		}
	}
	return acc, nil
}

// Account returns one account.
func (s *Store) Account(ctx context.Context, id int64) (hub.Account, error) {
	var acc hub.Account
	err := s.db.WithContext(ctx).Take(&acc, id).Error
	return acc, notFound(err, "account %d", id)
}

// AccountPhones returns the account's verified numbers, oldest first.
func (s *Store) AccountPhones(ctx context.Context, accountID int64) ([]string, error) {
	var phones []string
	err := s.db.WithContext(ctx).Model(&hub.AccountPhone{}).Where("account_id = ?", accountID).
		Order("verified_at, e164").Pluck("e164", &phones).Error
	if err != nil {
		return nil, fmt.Errorf("phones of account %d: %w", accountID, err)
	}
	return phones, nil
}

// CreateAccountSession signs a browser in to the account and returns the
// cookie's token; only its hash is stored.
func (s *Store) CreateAccountSession(ctx context.Context, accountID int64, remember bool, userAgent string, at time.Time) (string, error) {
	token, err := hub.NewToken()
	if err != nil {
		return "", err
	}
	at = at.UTC().Truncate(time.Microsecond)
	sess := hub.AccountSession{AccountID: accountID, TokenHash: hub.HashToken(token), Remember: remember,
		UserAgent: hub.TruncateRunes(printable(userAgent), maxUserAgent), CreatedAt: at, LastSeenAt: at}
	if err := s.db.WithContext(ctx).Create(&sess).Error; err != nil {
		return "", fmt.Errorf("sign in account %d: %w", accountID, err)
	}
	return token, nil
}

// AccountBySession finds the account a session token signs in to, and
// records the use (at most once a minute, so a page with many requests
// writes once). An unknown or revoked token is ErrNotFound.
func (s *Store) AccountBySession(ctx context.Context, token string, at time.Time) (hub.Account, hub.AccountSession, error) {
	var sess hub.AccountSession
	err := s.db.WithContext(ctx).Where("token_hash = ? AND revoked_at IS NULL", hub.HashToken(token)).Take(&sess).Error
	if err != nil {
		return hub.Account{}, hub.AccountSession{}, notFound(err, "account session")
	}
	acc, err := s.Account(ctx, sess.AccountID)
	if err != nil {
		return hub.Account{}, hub.AccountSession{}, err
	}
	at = at.UTC().Truncate(time.Microsecond)
	if at.Sub(sess.LastSeenAt) > time.Minute {
		if err := s.db.WithContext(ctx).Model(&hub.AccountSession{}).Where("id = ?", sess.ID).
			Update("last_seen_at", at).Error; err != nil {
			return hub.Account{}, hub.AccountSession{}, fmt.Errorf("touch account session %d: %w", sess.ID, err)
		}
		sess.LastSeenAt = at
	}
	return acc, sess, nil
}

// RevokeAccountSession signs the browser holding token out; an unknown
// token is not an error.
func (s *Store) RevokeAccountSession(ctx context.Context, token string, at time.Time) error {
	err := s.db.WithContext(ctx).Model(&hub.AccountSession{}).
		Where("token_hash = ? AND revoked_at IS NULL", hub.HashToken(token)).
		Update("revoked_at", at.UTC().Truncate(time.Microsecond)).Error
	if err != nil {
		return fmt.Errorf("sign out account session: %w", err)
	}
	return nil
}

// printable drops control characters and broken UTF-8 from a header kept
// for display.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\uFFFD' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}
