package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"naryad/hub"
)

// AuditLoanPhotosPurged is the audit row of a loan whose identity photos
// were deleted after the branch's retention (no user: the hub did it).
const AuditLoanPhotosPurged = "loan_photos_purged"

// MediaFiles is what the purge needs of media storage (*hub.Media): to
// delete a file, tolerating one already gone, and to tell whether a name
// is the shared file of its content.
type MediaFiles interface {
	Remove(name string) error
	ContentAddressed(name, sha256 string) bool
}

// LoanPhotoPurge counts what a purge did.
type LoanPhotoPurge struct {
	Loans   int // loans whose photos were all marked purged (one audit row each)
	Files   int // identity file rows marked purged
	Removed int // files deleted from media storage
	Kept    int // files left on disk because another record names the same file
	// The same for the car photos (PurgeLoanCarPhotos): loans, photo rows
	// marked, files (photos and thumbnails) deleted and kept.
	CarLoans, CarPhotos, CarRemoved, CarKept int
}

// loanPurgeBatch is how many loans one query of the purge reads.
const loanPurgeBatch = 100

// loanToPurge is a loan whose photos are due, with its files not purged yet.
type loanToPurge struct {
	ID       int64
	BranchID int64
	Files    []hub.LoanIdentityFile
}

// PurgeLoanPhotos deletes the identity photos of every ended loan whose
// photos_purge_at (its end plus the branch's retention, set by ChangeLoan)
// is at or before at and which still has rows not purged. For each loan
// it deletes the files first and then, in one transaction, marks the rows
// purged (purged_at = at; the rows stay as the record that the photos
// existed) and writes one audit row. A crash in between leaves files gone
// and rows unmarked: the next run finds the loan again, Remove tolerates
// the missing files, and the rows are marked then. A file that another
// record still names (the same picture sent in the chat, or uploaded for
// another loan not due yet: media storage keeps one file per content) is
// left on disk and its row marked all the same. An open loan is never
// touched, whatever its purge time says. A loan whose file cannot be
// deleted is left for the next run and its error returned with the others;
// the rest go on.
func (s *Store) PurgeLoanPhotos(ctx context.Context, files MediaFiles, at time.Time) (LoanPhotoPurge, error) {
	at = at.UTC().Truncate(time.Microsecond)
	var res LoanPhotoPurge
	err := inLoanBatches(ctx,
		func(after int64) ([]loanToPurge, error) { return s.loansToPurge(ctx, at, after, loanPurgeBatch) },
		func(l loanToPurge) int64 { return l.ID },
		func(l loanToPurge) error { return s.purgeLoan(ctx, files, l, at, &res) })
	return res, err
}

// inLoanBatches walks the loans load finds, loanPurgeBatch at a time in
// id order (load reads those after the id given), and purges each. A
// loan that fails is left for the next run and its error returned with
// the others; the rest go on. A cancelled ctx stops the walk.
func inLoanBatches[L any](ctx context.Context, load func(after int64) ([]L, error), id func(L) int64, purge func(L) error) error {
	var errs error
	var after int64
	for {
		if err := ctx.Err(); err != nil {
			return errors.Join(errs, err)
		}
		loans, err := load(after)
		if err != nil {
			return errors.Join(errs, err)
		}
		for _, l := range loans {
			after = id(l)
			if err := purge(l); err != nil {
				errs = errors.Join(errs, err)
			}
		}
		if len(loans) < loanPurgeBatch {
			return errs
		}
	}
}

// loansToPurge reads the next loans after id whose photos are due, with
// their files not purged yet.
func (s *Store) loansToPurge(ctx context.Context, at time.Time, after int64, limit int) ([]loanToPurge, error) {
	var loans []hub.Loan
	err := s.db.WithContext(ctx).Select("id", "branch_id").
		Where("photos_purge_at IS NOT NULL AND photos_purge_at <= ? AND state IN ? AND id > ?",
			at, []string{hub.LoanReturned, hub.LoanClosed, hub.LoanWithdrawn, hub.LoanRefused}, after).
		Where("EXISTS (SELECT 1 FROM loan_identity_files f WHERE f.loan_id = loans.id AND f.purged_at IS NULL)").
		Order("id").Limit(limit).Find(&loans).Error
	if err != nil {
		return nil, fmt.Errorf("loans whose identity photos are due for deletion: %w", err)
	}
	if len(loans) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(loans))
	for i, l := range loans {
		ids[i] = l.ID
	}
	var rows []hub.LoanIdentityFile
	if err := s.db.WithContext(ctx).Where("loan_id IN ? AND purged_at IS NULL", ids).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("identity photos due for deletion: %w", err)
	}
	out := make([]loanToPurge, len(loans))
	index := make(map[int64]int, len(loans))
	for i, l := range loans {
		out[i] = loanToPurge{ID: l.ID, BranchID: l.BranchID}
		index[l.ID] = i
	}
	for _, f := range rows {
		out[index[f.LoanID]].Files = append(out[index[f.LoanID]].Files, f)
	}
	return out, nil
}

// purgeLoan deletes one loan's files, then marks their rows and audits.
func (s *Store) purgeLoan(ctx context.Context, files MediaFiles, l loanToPurge, at time.Time, res *LoanPhotoPurge) error {
	removed, kept := 0, 0
	ids := make([]int64, 0, len(l.Files))
	for _, f := range l.Files {
		shared, err := s.identityFileShared(ctx, files, f)
		if err != nil {
			return fmt.Errorf("purge loan %d: %w", l.ID, err)
		}
		if shared {
			kept++
		} else {
			if err := files.Remove(f.MediaPath); err != nil {
				return fmt.Errorf("purge loan %d: identity photo %d: %w", l.ID, f.ID, err)
			}
			removed++
		}
		ids = append(ids, f.ID)
	}
	marked, err := s.markLoanFilesPurged(ctx, &hub.LoanIdentityFile{}, "identity photos", l.ID, ids, at, AuditLoanPhotosPurged,
		func(marked int64) string {
			return fmt.Sprintf("branch_id=%d files=%d removed=%d kept_shared=%d", l.BranchID, marked, removed, kept)
		})
	if err != nil {
		return err
	}
	if marked > 0 {
		res.Loans++
		res.Files += int(marked)
	}
	res.Removed += removed
	res.Kept += kept
	return nil
}

// identityFileShared tells whether another record names f's file: another
// loan's photo not purged yet with the same file, or, when the file is the
// shared one of its content, a chat attachment, an inspection photo or a
// loan's car photo of the same content. Then deleting it would break that record.
func (s *Store) identityFileShared(ctx context.Context, files MediaFiles, f hub.LoanIdentityFile) (bool, error) {
	db := s.db.WithContext(ctx)
	byContent := files.ContentAddressed(f.MediaPath, f.SHA256)
	var n int64
	q := db.Model(&hub.LoanIdentityFile{}).Where("loan_id <> ? AND purged_at IS NULL", f.LoanID)
	if byContent {
		q = q.Where("(media_path = ? OR sha256 = ?)", f.MediaPath, f.SHA256)
	} else {
		q = q.Where("media_path = ?", f.MediaPath)
	}
	if err := q.Limit(1).Count(&n).Error; err != nil {
		return false, fmt.Errorf("identity photo %d: other loans' photos: %w", f.ID, err)
	}
	if n > 0 || !byContent {
		return n > 0, nil
	}
	err := db.Raw(`SELECT CASE WHEN EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?)
		  OR EXISTS (SELECT 1 FROM inspection_media WHERE sha256 = ? OR thumb_sha256 = ?)
		  OR EXISTS (SELECT 1 FROM loan_car_photos WHERE (sha256 = ? OR thumb_sha256 = ?) AND purged_at IS NULL) THEN 1 ELSE 0 END`,
		f.SHA256, f.SHA256, f.SHA256, f.SHA256, f.SHA256).Scan(&n).Error
	if err != nil {
		return false, fmt.Errorf("identity photo %d: other files of the same content: %w", f.ID, err)
	}
	return n > 0, nil
}

// markLoanFilesPurged marks a loan's purged file rows of one table (model:
// identity photos, car photos) with the time of the purge and audits it,
// in one transaction; detail writes the audit's detail from the number
// of rows marked. It returns how many rows it marked: none when another instance marked
// them meanwhile, and audited that itself.
func (s *Store) markLoanFilesPurged(ctx context.Context, model any, what string, loanID int64, ids []int64, at time.Time,
	action string, detail func(marked int64) string) (int64, error) {
	marked := int64(0)
	err := s.Tx(ctx, func(tx *Store) error {
		r := tx.db.WithContext(ctx).Model(model).
			Where("loan_id = ? AND id IN ? AND purged_at IS NULL", loanID, ids).Update("purged_at", at)
		if r.Error != nil {
			return fmt.Errorf("mark %s of loan %d purged: %w", what, loanID, r.Error)
		}
		if marked = r.RowsAffected; marked == 0 {
			return nil
		}
		return tx.Audit(ctx, AuditEntry{At: at, Action: action, Subject: fmt.Sprintf("loan %d", loanID), Detail: detail(marked)})
	})
	return marked, err
}
