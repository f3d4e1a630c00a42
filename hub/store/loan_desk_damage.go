package store

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"naryad/hub"
)

// NoteLoanDamageAtDesk records that staff (by, their name) noticed damage
// when taking the car back at the desk, with their note, on the loan's
// return report: the return check that ChangeLoan runs on the move out →
// returned then opens the one staff task of the return, the same as for
// damage the customer reported (a note the customer wrote is kept, the
// staff's added). Call it in the transaction that moves the loan to
// returned, before ChangeLoan. Only while the loan is out (else
// ErrLoanMove); a note too long or not text is ErrReturnReading.
func (s *Store) NoteLoanDamageAtDesk(ctx context.Context, loanID int64, by, note string) error {
	note = strings.TrimSpace(note)
	if !utf8.ValidString(note) || utf8.RuneCountInString(note) > hub.MaxDamageNote || strings.ContainsRune(note, 0) {
		return fmt.Errorf("loan %d damage at the desk: %w", loanID, ErrReturnReading)
	}
	if by = strings.TrimSpace(by); by == "" {
		by = "staff"
	}
	if err := s.LockChangeFeed(ctx); err != nil {
		return err
	}
	l, err := s.Loan(ctx, loanID)
	if err != nil {
		return err
	}
	if l.State != hub.LoanOut {
		return fmt.Errorf("loan %d is %s: damage at the desk: %w", l.ID, l.State, ErrLoanMove)
	}
	r, found, err := s.loanReturnReport(ctx, l.ID)
	if err != nil {
		return err
	}
	if note != "" {
		if r.Damage && r.DamageNote != "" {
			note = r.DamageNote + " · " + by + ": " + note
		}
		if utf8.RuneCountInString(note) > hub.MaxDamageNote {
			note = string([]rune(note)[:hub.MaxDamageNote])
		}
		r.DamageNote = note
	}
	r.Damage, r.DamageBy, r.UpdatedAt = true, by, now()
	return s.saveLoanReturnReport(ctx, r, found)
}
