package lockerhub

import (
	"context"
	"strings"

	"naryad/hub"
	"naryad/lockerwire"
)

// loanEntries lists the courtesy cars' keys the kiosk may handle, as
// entries beside the work orders (lockerwire.LoanKeysID): the branch's
// offered and out loans, and those whose key a compartment still holds.
// Ready (staff may put the key in) while the loan is offered and its key
// is in no box of any of the branch's lockers.
// A code goes with an entry only while its loan is at the code's step
// (loanAtStep): the pickup hash while the loan is Ready, the drop-off hash
// while the car is out. This is the gate: a loan withdrawn, refused or
// otherwise not ready has no code the kiosk could match, from the next
// sync on, whatever codes were issued before.
func (s *Service) loanEntries(ctx context.Context, branch hub.Branch, held []int64) ([]lockerwire.WorkOrder, error) {
	loans, err := s.store.LockerLoans(ctx, branch.ID, held)
	if err != nil || len(loans) == 0 {
		return nil, err
	}
	ids := make([]int64, len(loans))
	for i, l := range loans {
		ids[i] = l.Loan.ID
	}
	codes, err := s.store.LiveLoanKeyCodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	inBoxes, err := s.store.LoanKeysInLockers(ctx, branch.ID)
	if err != nil {
		return nil, err
	}
	keyIn := make(map[int64]bool, len(inBoxes))
	for _, id := range inBoxes {
		keyIn[id] = true
	}
	live := make(map[int64]map[string]hub.LoanKeyCode, len(codes))
	for _, c := range codes {
		if live[c.LoanID] == nil {
			live[c.LoanID] = map[string]hub.LoanKeyCode{}
		}
		live[c.LoanID][c.Kind] = c // ordered by id: the newest wins
	}
	out := make([]lockerwire.WorkOrder, len(loans))
	for i, ll := range loans {
		l := ll.Loan
		w := lockerwire.WorkOrder{ID: lockerwire.LoanKeysID(l.ID), Number: strings.TrimSpace(ll.Plate + " " + ll.Model),
			Ready: l.State == hub.LoanOffered && !keyIn[l.ID], Paid: l.Ready()}
		if c, ok := live[l.ID][hub.LockerCodePickup]; ok && loanAtStep(l, hub.LockerCodePickup) {
			w.PickupHash, w.PickupSalt = c.Hash, c.Salt
		}
		if c, ok := live[l.ID][hub.LockerCodeDropOff]; ok && loanAtStep(l, hub.LockerCodeDropOff) {
			w.DropOffHash, w.DropOffSalt = c.Hash, c.Salt
		}
		out[i] = w
	}
	return out, nil
}
