package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"naryad/hub"
	"naryad/templates"
)

// Limits of a branch's loan settings: a deposit far above any car's
// excess in any currency, terms the length of a long contract page.
const (
	maxDepositMinor = 100_000_000_00
	maxLoanTermsLen = 20_000
)

// LoanSettings reads what a branch sets for lending its courtesy cars;
// hub.DefaultLoanSettings when it never saved any.
func (s *Store) LoanSettings(ctx context.Context, branchID int64) (hub.LoanSettings, error) {
	if _, err := s.Branch(ctx, branchID); err != nil {
		return hub.LoanSettings{}, err
	}
	var rows []hub.LoanSettings
	if err := s.db.WithContext(ctx).Where("branch_id = ?", branchID).Find(&rows).Error; err != nil {
		return hub.LoanSettings{}, fmt.Errorf("loan settings of branch %d: %w", branchID, err)
	}
	if len(rows) == 0 {
		return hub.DefaultLoanSettings(branchID), nil
	}
	return rows[0], nil
}

// SetLoanSettings validates and stores a branch's loan settings. A
// deposit needs a currency the money formatter knows; with no deposit
// the currency is dropped.
func (s *Store) SetLoanSettings(ctx context.Context, set hub.LoanSettings) error {
	set.DepositCurrency = strings.ToUpper(strings.TrimSpace(set.DepositCurrency))
	if set.CarPhotoRetentionDays == 0 {
		// A caller that does not set it (the demo, older code) keeps the
		// default; a page always sends the field, and 0 there is refused
		// by its own parsing as out of range.
		set.CarPhotoRetentionDays = hub.DefaultCarPhotoRetentionDays
	}
	set.TermsRU, set.TermsPL, set.TermsEN = strings.TrimSpace(set.TermsRU), strings.TrimSpace(set.TermsPL), strings.TrimSpace(set.TermsEN)
	switch {
	case !slices.Contains(hub.IdentityMethods(), set.IdentityMethod):
		return &hub.InvalidField{Field: "identity_method", Problem: hub.ProblemFormat}
	case set.PhotoRetentionDays < hub.MinPhotoRetentionDays || set.PhotoRetentionDays > hub.MaxPhotoRetentionDays:
		return &hub.InvalidField{Field: "photo_retention_days", Problem: hub.ProblemRange}
	case set.CarPhotoRetentionDays < hub.MinCarPhotoRetentionDays || set.CarPhotoRetentionDays > hub.MaxCarPhotoRetentionDays:
		return &hub.InvalidField{Field: "car_photo_retention_days", Problem: hub.ProblemRange}
	case set.DepositMinor < 0 || set.DepositMinor > maxDepositMinor:
		return &hub.InvalidField{Field: "deposit", Problem: hub.ProblemRange}
	case max(utf8.RuneCountInString(set.TermsRU), utf8.RuneCountInString(set.TermsPL), utf8.RuneCountInString(set.TermsEN)) > maxLoanTermsLen:
		return &hub.InvalidField{Field: "terms", Problem: hub.ProblemTooLong}
	}
	if set.DepositMinor == 0 {
		set.DepositCurrency = ""
	} else if _, err := templates.MinorDigits(set.DepositCurrency); err != nil {
		return &hub.InvalidField{Field: "deposit_currency", Problem: hub.ProblemFormat}
	}
	if _, err := s.Branch(ctx, set.BranchID); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Exec(`INSERT INTO branch_loan_settings (branch_id, identity_method, photo_retention_days,
			car_photo_retention_days, deposit_minor, deposit_currency, terms_ru, terms_pl, terms_en, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (branch_id) DO UPDATE SET identity_method = excluded.identity_method,
			photo_retention_days = excluded.photo_retention_days,
			car_photo_retention_days = excluded.car_photo_retention_days, deposit_minor = excluded.deposit_minor,
			deposit_currency = excluded.deposit_currency, terms_ru = excluded.terms_ru, terms_pl = excluded.terms_pl,
			terms_en = excluded.terms_en, updated_at = excluded.updated_at`,
		set.BranchID, set.IdentityMethod, set.PhotoRetentionDays, set.CarPhotoRetentionDays, set.DepositMinor, set.DepositCurrency,
		set.TermsRU, set.TermsPL, set.TermsEN, time.Now().UTC()).Error
	if err != nil {
		return fmt.Errorf("set loan settings of branch %d: %w", set.BranchID, err)
	}
	return nil
}
