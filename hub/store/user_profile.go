package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"naryad/hub"
)

// UserLocales are the languages a staff user may choose for the staff
// pages; ” is "none chosen" (the browser's language, then the branch's).
var UserLocales = []string{"", "ru", "pl", "en"}

// MaxUserNameRunes is the longest display name a user may have.
const MaxUserNameRunes = 100

// Profile refusals: the pages tell them apart to answer in the user's words.
var (
	ErrUnknownLocale = errors.New("unknown language")
	ErrNameTooLong   = errors.New("name too long")
)

// SetUserProfile changes what a user may change about themselves: their
// display name (trimmed; ” shows the login) and their language. Nothing is
// stored when either is refused.
func (s *Store) SetUserProfile(ctx context.Context, userID int64, name, locale string) error {
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > MaxUserNameRunes {
		return fmt.Errorf("profile of user %d: %w", userID, ErrNameTooLong)
	}
	if !slices.Contains(UserLocales, locale) {
		return fmt.Errorf("profile of user %d: %w", userID, ErrUnknownLocale)
	}
	res := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"name": name, "locale": locale})
	if res.Error != nil {
		return fmt.Errorf("profile of user %d: %w", userID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("profile of user %d: %w", userID, ErrNotFound)
	}
	return nil
}

// SetUserLocale changes only a user's language (the admin's users page).
func (s *Store) SetUserLocale(ctx context.Context, userID int64, locale string) error {
	if !slices.Contains(UserLocales, locale) {
		return fmt.Errorf("language of user %d: %w", userID, ErrUnknownLocale)
	}
	res := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", userID).Update("locale", locale)
	if res.Error != nil {
		return fmt.Errorf("language of user %d: %w", userID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("language of user %d: %w", userID, ErrNotFound)
	}
	return nil
}

// UserBranchList is the branches a user works at, by id: the staff pages'
// branch switcher lists them, and the first one's language is the pages'
// last choice before English.
func (s *Store) UserBranchList(ctx context.Context, userID int64) ([]hub.Branch, error) {
	var out []hub.Branch
	err := s.db.WithContext(ctx).Where("id IN (SELECT branch_id FROM user_branches WHERE user_id = ?)", userID).
		Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("branches of user %d: %w", userID, err)
	}
	return out, nil
}
