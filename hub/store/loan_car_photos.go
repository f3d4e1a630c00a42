package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"naryad/hub"
)

// The photos of a courtesy car at the pickup and at the return (issue 20):
// one current photo per loan, set and kind (hub.CarPhotoSets,
// hub.CarPhotoKinds), a retake replacing it. Who may add one when is the
// caller's rule (hub.CustomerMayPhoto, hub.StaffMayPhoto); the store keeps
// the one-per-kind rule whoever sends them and however many at once.

// AuditLoanCarPhotoAdded is the audit action of a car photo staff added at
// the desk; the subject is "thread <id>", the detail names the loan, the
// set and the kind.
const AuditLoanCarPhotoAdded = "loan_car_photo_added"

// loanPhotosLockBase keys the lock of one loan's car photos (PostgreSQL's
// advisory locks; SQLite writes one at a time anyway).
const loanPhotosLockBase int64 = 0x4e52_4443_5048 << 16

// ErrNoSuchCarPhoto is a set or kind that is not one of the car photos'.
var ErrNoSuchCarPhoto = errors.New("no such car photo set or kind")

// PutLoanCarPhoto records p (its file already written to the media store;
// LoanID, PhotoSet, Kind, MediaPath, ContentType, SizeBytes, SHA256 and
// TakenBy set) as the loan's current photo of its set and kind, in the
// caller's transaction when called in one. The photo it replaces, if any,
// is returned: the caller deletes its file after the commit when
// MediaUnused says nothing else holds it. Photos of one loan are stored
// one at a time (a lock per loan), so fifteen retakes at once leave one
// current photo, the last one stored.
func (s *Store) PutLoanCarPhoto(ctx context.Context, p *hub.LoanCarPhoto) (replaced *hub.LoanCarPhoto, err error) {
	if !hub.IsCarPhotoSet(p.PhotoSet) || !hub.IsCarPhotoKind(p.Kind) {
		return nil, fmt.Errorf("loan %d car photo %s/%s: %w", p.LoanID, p.PhotoSet, p.Kind, ErrNoSuchCarPhoto)
	}
	err = s.Tx(ctx, func(tx *Store) error {
		if err := tx.xactLock(ctx, loanPhotosLockBase+p.LoanID); err != nil {
			return fmt.Errorf("lock the car photos of loan %d: %w", p.LoanID, err)
		}
		var old []hub.LoanCarPhoto
		if err := tx.db.WithContext(ctx).Where("loan_id = ? AND photo_set = ? AND kind = ?", p.LoanID, p.PhotoSet, p.Kind).
			Find(&old).Error; err != nil {
			return fmt.Errorf("loan %d car photo %s/%s: %w", p.LoanID, p.PhotoSet, p.Kind, err)
		}
		for _, o := range old {
			if err := tx.db.WithContext(ctx).Delete(&hub.LoanCarPhoto{}, o.ID).Error; err != nil {
				return fmt.Errorf("loan %d car photo %s/%s: replace: %w", p.LoanID, p.PhotoSet, p.Kind, err)
			}
			replaced = &o
		}
		p.ID, p.CreatedAt = 0, now()
		if err := tx.db.WithContext(ctx).Create(p).Error; err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("loan %d car photo %s/%s: %w", p.LoanID, p.PhotoSet, p.Kind, ErrLoanChanged)
			}
			return fmt.Errorf("loan %d car photo %s/%s: %w", p.LoanID, p.PhotoSet, p.Kind, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return replaced, nil
}

// LoanCarPhotos lists a loan's current car photos, the pickup set first,
// each set in the order of hub.CarPhotoKinds.
func (s *Store) LoanCarPhotos(ctx context.Context, loanID int64) ([]hub.LoanCarPhoto, error) {
	var rows []hub.LoanCarPhoto
	if err := s.db.WithContext(ctx).Where("loan_id = ?", loanID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("car photos of loan %d: %w", loanID, err)
	}
	out := make([]hub.LoanCarPhoto, 0, len(rows))
	for _, set := range hub.CarPhotoSets() {
		for _, kind := range hub.CarPhotoKinds() {
			for _, r := range rows {
				if r.PhotoSet == set && r.Kind == kind {
					out = append(out, r)
				}
			}
		}
	}
	return out, nil
}

// LoanCarPhoto is a loan's current photo of a set and kind; ErrNotFound
// when there is none (or the set or kind is not one of the car photos').
func (s *Store) LoanCarPhoto(ctx context.Context, loanID int64, set, kind string) (hub.LoanCarPhoto, error) {
	var p hub.LoanCarPhoto
	if !hub.IsCarPhotoSet(set) || !hub.IsCarPhotoKind(kind) {
		return p, fmt.Errorf("car photo %q/%q of loan %d: %w", set, kind, loanID, ErrNotFound)
	}
	err := s.db.WithContext(ctx).Where("loan_id = ? AND photo_set = ? AND kind = ?", loanID, set, kind).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, fmt.Errorf("car photo %s/%s of loan %d: %w", set, kind, loanID, ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("car photo %s/%s of loan %d: %w", set, kind, loanID, err)
	}
	return p, nil
}

// StaffLoanCarPhoto is LoanCarPhoto for a loan of the staff member's
// branches: another branch's loan is ErrNotFound, as a missing one is.
func (s *Store) StaffLoanCarPhoto(ctx context.Context, branchIDs []int64, loanID int64, set, kind string) (hub.LoanCarPhoto, error) {
	if _, err := s.LoanForStaff(ctx, branchIDs, loanID); err != nil {
		return hub.LoanCarPhoto{}, err
	}
	return s.LoanCarPhoto(ctx, loanID, set, kind)
}
