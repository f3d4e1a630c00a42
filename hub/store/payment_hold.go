package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"naryad/hub"
)

// A courtesy car's deposit (issue 20) is a payment of kind
// hub.PaymentForLoanDeposit: a card hold of the loan's deposit at the
// branch's provider. It belongs to the loan (loan_id) and to no work order
// (work_order_id NULL, migration 00034), so the work order's payment
// queries never see it. Its course, pending → authorized → succeeded
// (captured) | cancelled (released or expired), and pending → failed |
// cancelled, is written here; package payments decides when.

// ErrOpenHoldExists means the loan already has an open hold (pending or
// authorized; index payments_one_hold): the caller uses that one.
var ErrOpenHoldExists = errors.New("the loan already has an open deposit hold")

// CreateHold stores a new hold of a loan's deposit. A second open hold of
// the loan is refused with ErrOpenHoldExists, so fifteen presses of the
// customer's deposit button at once make one hold.
func (s *Store) CreateHold(ctx context.Context, p *hub.Payment) error {
	if p.Kind != hub.PaymentForLoanDeposit || p.LoanID == nil || p.WorkOrderID != 0 || p.ThreadID != nil {
		return fmt.Errorf("create hold: a hold has a loan and neither a work order nor a thread of its own (kind %q)", p.Kind)
	}
	t := now()
	p.CreatedAt, p.UpdatedAt = t, t
	// work_order_id stays NULL: a hold is no work order's payment.
	err := s.db.WithContext(ctx).Omit("work_order_id").Create(p).Error
	if err != nil && isUniqueViolation(err) {
		return fmt.Errorf("hold of loan %d: %w", *p.LoanID, ErrOpenHoldExists)
	}
	if err != nil {
		return fmt.Errorf("create hold of loan %d: %w", *p.LoanID, err)
	}
	return nil
}

// OpenHoldOfLoan returns the loan's open hold (pending or authorized), or
// ErrNotFound.
func (s *Store) OpenHoldOfLoan(ctx context.Context, loanID int64) (hub.Payment, error) {
	var p hub.Payment
	err := s.db.WithContext(ctx).Where("loan_id = ? AND kind = ? AND status IN ?", loanID, hub.PaymentForLoanDeposit,
		[]string{hub.PaymentPending, hub.PaymentAuthorized}).Take(&p).Error
	return p, notFound(err, "open hold of loan %d", loanID)
}

// HoldsOfLoan lists a loan's holds, newest first.
func (s *Store) HoldsOfLoan(ctx context.Context, loanID int64) ([]hub.Payment, error) {
	var out []hub.Payment
	err := s.db.WithContext(ctx).Where("loan_id = ? AND kind = ?", loanID, hub.PaymentForLoanDeposit).Order("id DESC").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("holds of loan %d: %w", loanID, err)
	}
	return out, nil
}

// holdMovesTo lists the states a hold may come from to reach each state:
// never back, never out of a final state.
var holdMovesTo = map[string][]string{
	hub.PaymentAuthorized: {hub.PaymentPending},
	hub.PaymentFailed:     {hub.PaymentPending},
	hub.PaymentCancelled:  {hub.PaymentPending, hub.PaymentAuthorized},
	// Captured straight from pending: the authorisation's news was lost
	// and the capture (made in the provider's dashboard) is the first.
	hub.PaymentSucceeded: {hub.PaymentPending, hub.PaymentAuthorized},
}

// ApplyHoldState moves a hold to the state its provider reported, only
// forward (holdMovesTo): a late or repeated event changes nothing. A hold
// authorized is next checked at nextCheck (its authorisation expires at
// the provider after some days); a final one is never checked again. It
// reports whether the hold changed; the caller acts only then, so every
// effect happens once.
func (s *Store) ApplyHoldState(ctx context.Context, id int64, st PaymentState, nextCheck *time.Time) (bool, error) {
	from, ok := holdMovesTo[st.Status]
	if !ok {
		if st.Status == hub.PaymentPending {
			return false, nil
		}
		return false, fmt.Errorf("apply state to hold %d: unknown status %q", id, st.Status)
	}
	t := now()
	set := map[string]any{"status": st.Status, "failure_reason": hub.TruncateRunes(st.Reason, 500), "next_check_at": nil, "updated_at": t}
	if st.Method != "" {
		set["method"] = hub.TruncateRunes(st.Method, 64)
	}
	switch st.Status {
	case hub.PaymentAuthorized:
		if nextCheck != nil {
			set["next_check_at"] = nextCheck.UTC().Truncate(time.Microsecond)
		}
		set["checks"] = 0
	case hub.PaymentSucceeded:
		paidAt := t
		if st.PaidAt != nil && !st.PaidAt.IsZero() {
			paidAt = st.PaidAt.UTC().Truncate(time.Microsecond)
		}
		set["paid_minor"], set["receipt_url"], set["paid_at"] = st.PaidMinor, st.ReceiptURL, paidAt
	}
	res := s.db.WithContext(ctx).Model(&hub.Payment{}).Where("id = ? AND kind = ? AND status IN ?", id, hub.PaymentForLoanDeposit, from).Updates(set)
	if res.Error != nil {
		return false, fmt.Errorf("apply %s to hold %d: %w", st.Status, id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// DueHeldChecks lists up to limit holds in place (authorized) whose check
// is due at at, oldest due first: an authorisation expires at the
// provider, a capture's answer may have been lost, a loan withdrawn may
// still wait for its release. The pending ones are DuePaymentChecks'.
func (s *Store) DueHeldChecks(ctx context.Context, at time.Time, limit int) ([]hub.Payment, error) {
	var out []hub.Payment
	err := s.db.WithContext(ctx).Where("kind = ? AND status = ? AND next_check_at IS NOT NULL AND next_check_at <= ?",
		hub.PaymentForLoanDeposit, hub.PaymentAuthorized, at.UTC()).Order("next_check_at, id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("due hold checks: %w", err)
	}
	return out, nil
}

// ClaimHeldCheck takes a due hold for one check, as ClaimPaymentCheck
// does a pending payment: of several instances, one wins.
func (s *Store) ClaimHeldCheck(ctx context.Context, p hub.Payment, leaseUntil time.Time) (bool, error) {
	if p.NextCheckAt == nil {
		return false, nil
	}
	res := s.db.WithContext(ctx).Model(&hub.Payment{}).
		Where("id = ? AND status = ? AND next_check_at = ?", p.ID, hub.PaymentAuthorized, p.NextCheckAt.UTC()).
		Updates(map[string]any{"next_check_at": leaseUntil.UTC().Truncate(time.Microsecond)})
	if res.Error != nil {
		return false, fmt.Errorf("claim check of hold %d: %w", p.ID, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ScheduleHeldCheck counts a check of a hold in place done and sets when
// the next one is due (nil: none); a hold no longer in place is left.
func (s *Store) ScheduleHeldCheck(ctx context.Context, id int64, checks int, next *time.Time) error {
	var at any
	if next != nil {
		at = next.UTC().Truncate(time.Microsecond)
	}
	err := s.db.WithContext(ctx).Model(&hub.Payment{}).Where("id = ? AND status = ?", id, hub.PaymentAuthorized).
		Updates(map[string]any{"checks": checks, "next_check_at": at}).Error
	if err != nil {
		return fmt.Errorf("schedule check of hold %d: %w", id, err)
	}
	return nil
}

// HeldHoldsOfBranch counts a branch's holds in place at provider: money
// reserved on customers' cards that only that provider's settings can
// capture or release.
func (s *Store) HeldHoldsOfBranch(ctx context.Context, branchID int64, provider string) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&hub.Payment{}).Where("branch_id = ? AND provider = ? AND kind = ? AND status = ?",
		branchID, provider, hub.PaymentForLoanDeposit, hub.PaymentAuthorized).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("holds in place of branch %d: %w", branchID, err)
	}
	return int(n), nil
}

// AuditLoanDeposit is the audit action of a courtesy car's deposit
// captured or released (the inbox's deposit form, or the hub releasing
// the deposit of a loan that ended before the car left).
const AuditLoanDeposit = "loan_deposit"
