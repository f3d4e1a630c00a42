package payments

import (
	"context"
	"errors"
	"time"

	"naryad/hub"
)

// pollHeld checks the deposits held on cards whose check is due (daily,
// and soon after a settlement whose answer was lost): what the provider
// says is applied (a capture made, a hold that lapsed), and a hold in place
// whose loan ended before the car left is released. It reports how many
// it checked; a provider that does not answer is asked again later.
func (s *Service) pollHeld(ctx context.Context) int {
	due, err := s.store.DueHeldChecks(ctx, s.now(), pollBatch)
	if err != nil {
		s.log.Error("due deposit checks", "error", err)
		return 0
	}
	n := 0
	for _, p := range due {
		if ctx.Err() != nil {
			return n
		}
		won, err := s.store.ClaimHeldCheck(ctx, p, s.now().Add(checkLease))
		if err != nil {
			s.log.Error("claim a deposit check", "payment", p.ID, "error", err)
			return n
		}
		if !won {
			continue
		}
		n++
		if err := s.pollHeldOne(ctx, p); err != nil {
			s.log.Warn("deposit check", "payment", p.ID, "provider", p.Provider, "error", err)
		}
	}
	return n
}

// pollHeldOne checks one claimed hold in place and schedules its next
// check (a no-op once it is no longer in place).
func (s *Service) pollHeldOne(ctx context.Context, p hub.Payment) error {
	next := s.now().Add(heldCheckEvery)
	schedule := func(err error) error {
		return errors.Join(err, s.store.ScheduleHeldCheck(ctx, p.ID, p.Checks+1, &next))
	}
	prov, err := s.branchProvider(ctx, p)
	if err != nil {
		return schedule(err)
	}
	st, err := s.stateAt(ctx, prov, p)
	if err != nil {
		return schedule(err)
	}
	if st.Status != hub.PaymentAuthorized {
		_, err := s.settleHold(ctx, p, st, nil, "")
		return schedule(err)
	}
	l, err := s.store.Loan(ctx, *p.LoanID)
	if err != nil {
		return schedule(err)
	}
	if l.State == hub.LoanWithdrawn || l.State == hub.LoanRefused {
		// Its release after the loan ended did not go through: again.
		if err := s.ReleaseDeposit(ctx, l.ID); err != nil {
			next = s.now().Add(checkAfter[0] * time.Duration(min(p.Checks+1, 12)))
			return schedule(err)
		}
	}
	return schedule(nil)
}
