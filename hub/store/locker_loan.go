package store

import (
	"context"
	"fmt"
	"time"

	"naryad/hub"
	"naryad/lockerwire"
)

// Courtesy cars' keys in the key lockers (issue 20): the loans a kiosk is
// told about, where a loan's key is, and the codes its customer types
// (loan_key_codes, migration 00035). A loan has at most one live code of
// each kind: not used, not revoked, not expired; issuing a new one revokes
// the one before.

// LockerLoan is a loan as a kiosk needs it: its state and whether its key
// may go to the customer, and its car for the staff menu.
type LockerLoan struct {
	Loan  hub.Loan
	Plate string
	Model string
}

// LockerLoans lists the branch's loans whose key the locker may handle
// (offered: the key goes in for pickup; out: it comes back) and the loans
// with the given ids, whatever their state (a key still in a box), by id.
func (s *Store) LockerLoans(ctx context.Context, branchID int64, alsoIDs []int64) ([]LockerLoan, error) {
	var loans []hub.Loan
	open := []string{hub.LoanOffered, hub.LoanOut}
	q := s.db.WithContext(ctx)
	if len(alsoIDs) > 0 {
		q = q.Where("(branch_id = ? AND state IN ?) OR id IN ?", branchID, open, alsoIDs)
	} else {
		q = q.Where("branch_id = ? AND state IN ?", branchID, open)
	}
	if err := q.Order("id").Find(&loans).Error; err != nil {
		return nil, fmt.Errorf("loans for the lockers of branch %d: %w", branchID, err)
	}
	if len(loans) == 0 {
		return nil, nil
	}
	carIDs := make([]int64, len(loans))
	for i, l := range loans {
		carIDs[i] = l.CarID
	}
	var cars []hub.CourtesyCar
	if err := s.db.WithContext(ctx).Where("id IN ?", carIDs).Find(&cars).Error; err != nil {
		return nil, fmt.Errorf("cars of the loans for the lockers of branch %d: %w", branchID, err)
	}
	byID := make(map[int64]hub.CourtesyCar, len(cars))
	for _, c := range cars {
		byID[c.ID] = c
	}
	out := make([]LockerLoan, len(loans))
	for i, l := range loans {
		out[i] = LockerLoan{Loan: l, Plate: byID[l.CarID].Plate, Model: byID[l.CarID].Model}
	}
	return out, nil
}

// BranchLoanIDs returns which of ids are loans of the branch.
func (s *Store) BranchLoanIDs(ctx context.Context, branchID int64, ids []int64) ([]int64, error) {
	var out []int64
	if len(ids) == 0 {
		return out, nil
	}
	err := s.db.WithContext(ctx).Model(&hub.Loan{}).Where("branch_id = ? AND id IN ?", branchID, ids).Pluck("id", &out).Error
	if err != nil {
		return nil, fmt.Errorf("loans of branch %d: %w", branchID, err)
	}
	return out, nil
}

// LoanKeysInLockers returns which loans of the branch have their key in a
// box of one of its live lockers (held, ready, open or needing attention),
// as the kiosks last reported.
func (s *Store) LoanKeysInLockers(ctx context.Context, branchID int64) ([]int64, error) {
	var out []int64
	err := s.db.WithContext(ctx).Table("locker_compartments AS c").
		Joins("JOIN locker_sites s ON s.id = c.site_id AND s.revoked_at IS NULL AND s.branch_id = ?", branchID).
		Where("c.loan_id IS NOT NULL AND c.state IN ?", []string{lockerwire.StateHeld, lockerwire.StateReady, lockerwire.StateOpen, lockerwire.StateAttention}).
		Distinct().Pluck("c.loan_id", &out).Error
	if err != nil {
		return nil, fmt.Errorf("courtesy cars' keys in the lockers of branch %d: %w", branchID, err)
	}
	return out, nil
}

// LoanKeyBox is where a loan's key waits for its customer: the compartment
// and its locker.
type LoanKeyBox struct {
	Site        hub.LockerSite
	Compartment hub.LockerCompartment
}

// LoanKeyReady finds the compartment of a live locker of the loan's branch
// that holds the loan's key ready for pickup, as its kiosk last reported;
// ErrNotFound when none does.
func (s *Store) LoanKeyReady(ctx context.Context, l hub.Loan) (LoanKeyBox, error) {
	var c hub.LockerCompartment
	err := s.db.WithContext(ctx).Table("locker_compartments AS c").Select("c.*").
		Joins("JOIN locker_sites s ON s.id = c.site_id AND s.revoked_at IS NULL AND s.branch_id = ?", l.BranchID).
		Where("c.loan_id = ? AND c.state = ?", l.ID, lockerwire.StateReady).
		Order("c.id").Take(&c).Error
	if err != nil {
		return LoanKeyBox{}, notFound(err, "the key of loan %d in a locker", l.ID)
	}
	site, err := s.LockerSite(ctx, c.SiteID)
	if err != nil {
		return LoanKeyBox{}, err
	}
	return LoanKeyBox{Site: site, Compartment: c}, nil
}

// loanKeysLockBase keeps the loans' key locks ("NRDLKY" + loan id) apart
// from other advisory locks.
const loanKeysLockBase int64 = 0x4e52_444c_4b59 << 16

// LockLoanKeys serialises, until the transaction ends, whoever issues the
// codes of one loan's key (the customer's page, a kiosk's sync), so two at
// once cannot both issue and send one. Take it first in the transaction.
func (s *Store) LockLoanKeys(ctx context.Context, loanID int64) error {
	if err := s.xactLock(ctx, loanKeysLockBase+loanID); err != nil {
		return fmt.Errorf("lock the key codes of loan %d: %w", loanID, err)
	}
	return nil
}

// IssueLoanKeyCode stores c as the loan's live code of its kind, revoking
// the previous live one, in one transaction.
func (s *Store) IssueLoanKeyCode(ctx context.Context, c *hub.LoanKeyCode) error {
	return s.Tx(ctx, func(tx *Store) error {
		if _, err := tx.RevokeLoanKeyCodes(ctx, c.LoanID, c.Kind); err != nil {
			return err
		}
		c.ID, c.CreatedAt, c.UsedAt, c.RevokedAt = 0, now(), nil, nil
		c.ExpiresAt = c.ExpiresAt.UTC().Truncate(time.Microsecond)
		if err := tx.db.WithContext(ctx).Create(c).Error; err != nil {
			return fmt.Errorf("issue %s code of loan %d: %w", c.Kind, c.LoanID, err)
		}
		return nil
	})
}

// LiveLoanKeyCode returns the loan's live code of a kind, or ErrNotFound.
func (s *Store) LiveLoanKeyCode(ctx context.Context, loanID int64, kind string) (hub.LoanKeyCode, error) {
	var c hub.LoanKeyCode
	err := s.db.WithContext(ctx).
		Where("loan_id = ? AND kind = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?", loanID, kind, now()).
		Order("id DESC").Take(&c).Error
	return c, notFound(err, "live %s code of loan %d", kind, loanID)
}

// LiveLoanKeyCodes lists the live codes of the given loans, by id.
func (s *Store) LiveLoanKeyCodes(ctx context.Context, loanIDs []int64) ([]hub.LoanKeyCode, error) {
	var out []hub.LoanKeyCode
	if len(loanIDs) == 0 {
		return out, nil
	}
	err := s.db.WithContext(ctx).
		Where("loan_id IN ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?", loanIDs, now()).
		Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("live key codes of %d loans: %w", len(loanIDs), err)
	}
	return out, nil
}

// UseLoanKeyCode marks the loan's live code of a kind used at at: it has
// done its job. It reports whether there was one.
func (s *Store) UseLoanKeyCode(ctx context.Context, loanID int64, kind string, at time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&hub.LoanKeyCode{}).
		Where("loan_id = ? AND kind = ? AND used_at IS NULL AND revoked_at IS NULL", loanID, kind).
		Update("used_at", at.UTC().Truncate(time.Microsecond))
	if res.Error != nil {
		return false, fmt.Errorf("use %s code of loan %d: %w", kind, loanID, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// RevokeLoanKeyCodes kills the loan's live codes of a kind ("" every kind)
// and reports how many there were.
func (s *Store) RevokeLoanKeyCodes(ctx context.Context, loanID int64, kind string) (int64, error) {
	q := s.db.WithContext(ctx).Model(&hub.LoanKeyCode{}).Where("loan_id = ? AND used_at IS NULL AND revoked_at IS NULL", loanID)
	if kind != "" {
		q = q.Where("kind = ?", kind)
	}
	res := q.Update("revoked_at", now())
	if res.Error != nil {
		return 0, fmt.Errorf("revoke %s codes of loan %d: %w", kind, loanID, res.Error)
	}
	return res.RowsAffected, nil
}
