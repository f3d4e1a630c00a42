package store

import (
	"context"
	"errors"
	"fmt"

	"naryad/hub"
)

// The photos of a loan's manual identity check (issue 20): the customer
// photographs their papers and a selfie on the loan page, one photo per
// kind (hub.IDPhotoKinds); an advisor compares them. Staff only: no
// customer page and no DMS change ever carries them.

// AddLoanIdentityFile records photo f (already written to the media
// store; f.LoanID, Kind, MediaPath, ContentType, SizeBytes, SHA256 set) as
// its loan's photo of its kind, in the caller's transaction when called in
// one. A retake replaces the kind's previous photo: that row is marked
// purged (it stays as the record that it existed) and returned, so the
// caller deletes its file after the commit when MediaUnused says nothing
// else holds it. Two retakes of one kind at once: the second meets the
// index loan_identity_files_kind and gets ErrLoanChanged, to try again.
func (s *Store) AddLoanIdentityFile(ctx context.Context, f *hub.LoanIdentityFile) (replaced *hub.LoanIdentityFile, err error) {
	if !hub.IsIDPhotoKind(f.Kind) {
		return nil, fmt.Errorf("loan %d identity photo: kind %q: %w", f.LoanID, f.Kind, ErrLoanMove)
	}
	err = s.Tx(ctx, func(tx *Store) error {
		t := now()
		var old []hub.LoanIdentityFile
		if err := tx.db.WithContext(ctx).Where("loan_id = ? AND kind = ? AND purged_at IS NULL", f.LoanID, f.Kind).
			Find(&old).Error; err != nil {
			return fmt.Errorf("loan %d identity photo %s: %w", f.LoanID, f.Kind, err)
		}
		for _, o := range old {
			res := tx.db.WithContext(ctx).Model(&hub.LoanIdentityFile{}).Where("id = ? AND purged_at IS NULL", o.ID).
				Update("purged_at", t)
			if res.Error != nil {
				return fmt.Errorf("loan %d identity photo %s: replace: %w", f.LoanID, f.Kind, res.Error)
			}
			if res.RowsAffected == 0 {
				return fmt.Errorf("loan %d identity photo %s: %w", f.LoanID, f.Kind, ErrLoanChanged)
			}
			o.PurgedAt = &t
			replaced = &o
		}
		f.ID, f.CreatedAt, f.PurgedAt = 0, t, nil
		if err := tx.db.WithContext(ctx).Create(f).Error; err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("loan %d identity photo %s: %w", f.LoanID, f.Kind, ErrLoanChanged)
			}
			return fmt.Errorf("loan %d identity photo %s: %w", f.LoanID, f.Kind, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return replaced, nil
}

// LoanIdentityFiles lists a loan's current identity photos (not purged,
// not replaced), in the order of hub.IDPhotoKinds.
func (s *Store) LoanIdentityFiles(ctx context.Context, loanID int64) ([]hub.LoanIdentityFile, error) {
	var rows []hub.LoanIdentityFile
	if err := s.db.WithContext(ctx).Where("loan_id = ? AND purged_at IS NULL", loanID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("identity photos of loan %d: %w", loanID, err)
	}
	out := make([]hub.LoanIdentityFile, 0, len(rows))
	for _, kind := range hub.IDPhotoKinds() {
		for _, r := range rows {
			if r.Kind == kind {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// MediaUnused tells whether no stored row names the media file with this
// SHA-256 any more (an attachment, an inspection photo or its thumbnail, a
// current identity photo, a loan's car photo): only then may its file be deleted, as the
// media store keeps one file per content for everyone.
func (s *Store) MediaUnused(ctx context.Context, sha256 string) (bool, error) {
	if sha256 == "" {
		return false, errors.New("media unused: no hash")
	}
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT
		  (SELECT COUNT(*) FROM attachments WHERE sha256 = ?)
		+ (SELECT COUNT(*) FROM inspection_media WHERE sha256 = ? OR thumb_sha256 = ?)
		+ (SELECT COUNT(*) FROM loan_identity_files WHERE sha256 = ? AND purged_at IS NULL)
		+ (SELECT COUNT(*) FROM loan_car_photos WHERE (sha256 = ? OR thumb_sha256 = ?) AND purged_at IS NULL)`,
		sha256, sha256, sha256, sha256, sha256, sha256).Scan(&n).Error
	if err != nil {
		return false, fmt.Errorf("media %s in use: %w", sha256, err)
	}
	return n == 0, nil
}
