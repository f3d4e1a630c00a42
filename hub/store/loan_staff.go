package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"naryad/hub"
)

// The staff's side of a courtesy-car loan (issue 20): what the inbox's
// loan card reads beyond hub/store/loan.go, and the audit actions it
// writes. Every write still goes through CreateLoan and ChangeLoan.

// Audit actions of the loan card; the subject is "thread <id>", the
// detail names the loan.
const (
	AuditLoanOffered          = "loan_offered"           // an advisor offered a courtesy car
	AuditLoanWithdrawn        = "loan_withdrawn"         // … took the offer back
	AuditLoanIdentityApproved = "loan_identity_approved" // … accepted the customer's ID photos
	AuditLoanIdentityRefused  = "loan_identity_refused"  // … refused them, with the reason
	AuditLoanIdentityViewed   = "loan_identity_viewed"   // … opened one of the ID photos
	AuditLoanIdentityManual   = "loan_identity_manual"   // a Stripe check moved to the advisor's photos (by an advisor, or the hub when Stripe refused)
	AuditLoanOut              = "loan_out"               // … handed the key over at the desk
	AuditLoanReturned         = "loan_returned"          // … took the car back at the desk
)

// LoanForStaff reads a loan of one of the staff member's branches; any
// other loan is ErrNotFound, as is a missing one, so a page cannot tell
// another branch's loan from none.
func (s *Store) LoanForStaff(ctx context.Context, branchIDs []int64, id int64) (hub.Loan, error) {
	var l hub.Loan
	if len(branchIDs) == 0 {
		return l, fmt.Errorf("loan %d: %w", id, ErrNotFound)
	}
	err := s.db.WithContext(ctx).Where("id = ? AND branch_id IN ?", id, branchIDs).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return l, fmt.Errorf("loan %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return l, fmt.Errorf("loan %d: %w", id, err)
	}
	return l, nil
}

// StaffLoanIdentityFiles lists the ID photos of a loan's manual check,
// the newest of each kind (a retake replaces the one before), purged ones
// included: the card says a photo existed and was deleted. Staff only:
// no customer page or DMS route may call it.
func (s *Store) StaffLoanIdentityFiles(ctx context.Context, loanID int64) ([]hub.LoanIdentityFile, error) {
	var rows []hub.LoanIdentityFile
	if err := s.db.WithContext(ctx).Where("loan_id = ?", loanID).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("identity photos of loan %d: %w", loanID, err)
	}
	seen := map[string]bool{}
	out := rows[:0]
	for _, f := range rows {
		if !seen[f.Kind] {
			seen[f.Kind] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// StaffLoanIdentityFile is the newest ID photo of kind of a loan of the
// staff member's branches (purged or not: the caller answers 410 for a
// purged one). Another branch's loan, an unknown kind or no photo of the
// kind is ErrNotFound.
func (s *Store) StaffLoanIdentityFile(ctx context.Context, branchIDs []int64, loanID int64, kind string) (hub.LoanIdentityFile, error) {
	if _, err := s.LoanForStaff(ctx, branchIDs, loanID); err != nil {
		return hub.LoanIdentityFile{}, err
	}
	var f hub.LoanIdentityFile
	if !hub.IsIDPhotoKind(kind) {
		return f, fmt.Errorf("identity photo %q of loan %d: %w", kind, loanID, ErrNotFound)
	}
	err := s.db.WithContext(ctx).Where("loan_id = ? AND kind = ?", loanID, kind).Order("id DESC").Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return f, fmt.Errorf("identity photo %s of loan %d: %w", kind, loanID, ErrNotFound)
	}
	if err != nil {
		return f, fmt.Errorf("identity photo %s of loan %d: %w", kind, loanID, err)
	}
	return f, nil
}

// BranchHasLocker tells whether a branch has a live key locker: its
// courtesy cars' keys then change hands there, not at the desk.
func (s *Store) BranchHasLocker(ctx context.Context, branchID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&hub.LockerSite{}).Where("branch_id = ? AND revoked_at IS NULL", branchID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("locker of branch %d: %w", branchID, err)
	}
	return n > 0, nil
}
