package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
)

// AuditLoanCarPhotosPurged is the audit row of a loan whose car photos
// (pickup and return) were deleted after the branch's retention.
const AuditLoanCarPhotosPurged = "loan_car_photos_purged"

// carPhotoLoan is an ended loan with car photos not purged yet: its end,
// the branch's retention for them, and whether the return's staff task
// is still open.
type carPhotoLoan struct {
	ID            int64
	BranchID      int64
	EndedAt       *time.Time
	RetentionDays *int
}

// PurgeLoanCarPhotos deletes the car photos (and their thumbnails) of
// every ended loan whose end is at least the branch's car photo retention
// (branch_loan_settings.car_photo_retention_days, the default when the
// branch never saved its settings; read now, so a retention lengthened
// during a dispute keeps the photos longer) before at, unless the staff
// task its return opened (loan_return_reports.task_id: less fuel or damage)
// is still open: the photos are the evidence, so they wait until the task
// is closed. As PurgeLoanPhotos: the files first, then in one transaction
// the rows marked purged (they stay as the record) and one audit row; a
// file another record names is kept; a crash in between is finished by
// the next run; a second run finds nothing.
func (s *Store) PurgeLoanCarPhotos(ctx context.Context, files MediaFiles, at time.Time) (LoanPhotoPurge, error) {
	// The counts are the Car* fields of the result.
	at = at.UTC().Truncate(time.Microsecond)
	var res LoanPhotoPurge
	err := inLoanBatches(ctx,
		func(after int64) ([]carPhotoLoan, error) { return s.carPhotoLoans(ctx, at, after, loanPurgeBatch) },
		func(l carPhotoLoan) int64 { return l.ID },
		func(l carPhotoLoan) error {
			days := hub.DefaultCarPhotoRetentionDays
			if l.RetentionDays != nil {
				days = *l.RetentionDays
			}
			if l.EndedAt == nil || l.EndedAt.UTC().AddDate(0, 0, days).After(at) {
				return nil // its branch keeps them longer than the shortest retention
			}
			return s.purgeLoanCarPhotos(ctx, files, l, at, &res)
		})
	return res, err
}

// carPhotoLoans reads the next ended loans after id, ended at least the
// shortest retention before at, with car photos not purged and no open
// task from their return.
func (s *Store) carPhotoLoans(ctx context.Context, at time.Time, after int64, limit int) ([]carPhotoLoan, error) {
	var out []carPhotoLoan
	err := s.db.WithContext(ctx).Raw(`SELECT l.id, l.branch_id, l.ended_at, s.car_photo_retention_days AS retention_days
		FROM loans l LEFT JOIN branch_loan_settings s ON s.branch_id = l.branch_id
		WHERE l.id > ? AND l.state IN ? AND l.ended_at IS NOT NULL AND l.ended_at <= ?
		  AND EXISTS (SELECT 1 FROM loan_car_photos p WHERE p.loan_id = l.id AND p.purged_at IS NULL)
		  AND NOT EXISTS (SELECT 1 FROM loan_return_reports r JOIN staff_tasks t ON t.id = r.task_id
		                  WHERE r.loan_id = l.id AND t.done_at IS NULL)
		ORDER BY l.id LIMIT ?`,
		after, []string{hub.LoanReturned, hub.LoanClosed, hub.LoanWithdrawn, hub.LoanRefused},
		at.AddDate(0, 0, -hub.MinCarPhotoRetentionDays), limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("loans whose car photos may be due for deletion: %w", err)
	}
	return out, nil
}

// purgeLoanCarPhotos deletes one loan's car photo files and thumbnails,
// then marks the rows and audits.
func (s *Store) purgeLoanCarPhotos(ctx context.Context, files MediaFiles, l carPhotoLoan, at time.Time, res *LoanPhotoPurge) error {
	var rows []hub.LoanCarPhoto
	if err := s.db.WithContext(ctx).Where("loan_id = ? AND purged_at IS NULL", l.ID).Order("id").Find(&rows).Error; err != nil {
		return fmt.Errorf("purge car photos of loan %d: %w", l.ID, err)
	}
	removed, kept := 0, 0
	ids := make([]int64, 0, len(rows))
	for _, p := range rows {
		names := [][2]string{{p.MediaPath, p.SHA256}}
		if p.ThumbSHA256 != "" {
			names = append(names, [2]string{p.ThumbSHA256, p.ThumbSHA256})
		}
		for _, n := range names {
			shared, err := s.carPhotoFileShared(ctx, files, l.ID, n[0], n[1])
			if err != nil {
				return fmt.Errorf("purge car photos of loan %d: %w", l.ID, err)
			}
			if shared {
				kept++
				continue
			}
			if err := files.Remove(n[0]); err != nil {
				return fmt.Errorf("purge car photos of loan %d: photo %d: %w", l.ID, p.ID, err)
			}
			removed++
		}
		ids = append(ids, p.ID)
	}
	if len(ids) == 0 {
		return nil
	}
	marked, err := s.markLoanFilesPurged(ctx, &hub.LoanCarPhoto{}, "car photos", l.ID, ids, at, AuditLoanCarPhotosPurged,
		func(marked int64) string {
			return fmt.Sprintf("branch_id=%d photos=%d removed=%d kept_shared=%d", l.BranchID, marked, removed, kept)
		})
	if err != nil {
		return err
	}
	if marked > 0 {
		res.CarLoans++
		res.CarPhotos += int(marked)
	}
	res.CarRemoved += removed
	res.CarKept += kept
	return nil
}

// carPhotoFileShared tells whether a record other than the loan's own car
// photos names the file: another loan's car photo not purged, an identity
// photo not purged, and, for the shared file of its content, a chat
// attachment or an inspection photo or thumbnail. The loan's own rows
// (its pickup and return may be the same picture) go together.
func (s *Store) carPhotoFileShared(ctx context.Context, files MediaFiles, loanID int64, name, sha string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT CASE WHEN
		     EXISTS (SELECT 1 FROM loan_car_photos WHERE loan_id <> ? AND purged_at IS NULL AND (media_path = ? OR sha256 = ? OR thumb_sha256 = ?))
		  OR EXISTS (SELECT 1 FROM loan_identity_files WHERE purged_at IS NULL AND (media_path = ? OR sha256 = ?))
		  THEN 1 ELSE 0 END`, loanID, name, sha, sha, name, sha).Scan(&n).Error
	if err != nil {
		return false, fmt.Errorf("car photo file %s: other loans' photos: %w", sha, err)
	}
	if n > 0 || !files.ContentAddressed(name, sha) {
		return n > 0, nil
	}
	err = s.db.WithContext(ctx).Raw(`SELECT CASE WHEN EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?)
		  OR EXISTS (SELECT 1 FROM inspection_media WHERE sha256 = ? OR thumb_sha256 = ?) THEN 1 ELSE 0 END`,
		sha, sha, sha).Scan(&n).Error
	if err != nil {
		return false, fmt.Errorf("car photo file %s: other files of the same content: %w", sha, err)
	}
	return n > 0, nil
}
