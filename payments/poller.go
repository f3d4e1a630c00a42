package payments

import (
	"context"
	"errors"
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// checkAfter is when, counted from its creation, the poller asks the
// provider about a payment still pending, in case its webhook was lost: 5,
// 30 and 120 minutes, then once after the provider's hosted page expired
// (a Stripe Checkout Session lives 24 hours) to close it; a payment still
// pending then (YooKassa cannot cancel one) is asked about daily.
var checkAfter = []time.Duration{5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 24*time.Hour + 30*time.Minute}

const (
	pollEvery  = 30 * time.Second
	pollBatch  = 50
	checkLease = 5 * time.Minute // a claimed check that dies half-way is retried after this
	daily      = 24 * time.Hour
)

// Run polls until ctx ends: every half minute it checks the payments that
// are due (Poll). Several instances may run it: each check is claimed
// first.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		if _, err := s.Poll(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("payment checks", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Poll runs one round of due checks: each pending payment whose check is
// due is claimed, asked about (a superseded one is cancelled at the
// provider) and its state applied. It reports how many it checked; a
// payment whose provider does not answer is tried again later.
func (s *Service) Poll(ctx context.Context) (int, error) {
	due, err := s.store.DuePaymentChecks(ctx, s.now(), pollBatch)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range due {
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		won, err := s.store.ClaimPaymentCheck(ctx, p, s.now().Add(checkLease))
		if err != nil {
			return n, err
		}
		if !won {
			continue // another instance has it
		}
		n++
		if err := s.pollOne(ctx, p); err != nil {
			s.log.Warn("payment check", "payment", p.ID, "provider", p.Provider, "error", err)
		}
	}
	return n + s.pollHeld(ctx) + s.retryRefunds(ctx), nil
}

// refundRetryAfter is how long a refund the provider did not answer waits
// for an admin's retry before the poller retries it itself.
const refundRetryAfter = 10 * time.Minute

// retryRefunds retries the refunds whose provider did not answer, each
// with its own idempotency key (the provider makes it once), so money
// that went back is recorded and reaches the DMS even when nobody presses
// refund again. It reports how many it tried.
func (s *Service) retryRefunds(ctx context.Context) int {
	list, err := s.store.UnconfirmedRefunds(ctx, s.now().Add(-refundRetryAfter), pollBatch)
	if err != nil {
		s.log.Error("unconfirmed refunds", "error", err)
		return 0
	}
	for _, r := range list {
		if ctx.Err() != nil {
			return 0
		}
		p, err := s.store.Payment(ctx, r.PaymentID)
		if err == nil {
			var prov Provider
			if prov, err = s.branchProvider(ctx, p); err == nil {
				_, err = s.refundAt(ctx, prov, p, r)
			}
		}
		if err != nil {
			s.log.Warn("retry of an unconfirmed refund", "refund", r.ID, "payment", r.PaymentID, "error", err)
		}
	}
	return len(list)
}

// pollOne checks one claimed payment and schedules its next check.
func (s *Service) pollOne(ctx context.Context, p hub.Payment) error {
	checks := p.Checks + 1
	next := s.nextCheck(p, checks)
	if p.ProviderID == "" {
		// Not made at the provider yet (its create failed): nothing to
		// ask. It stays open, never closed here, for a press of the pay
		// button retries the create with its idempotency key, and a page
		// made then must still find the payment pending.
		return s.store.SchedulePaymentCheck(ctx, p.ID, p.Checks, nil)
	}
	prov, err := s.branchProvider(ctx, p)
	if err != nil {
		return errors.Join(err, s.store.SchedulePaymentCheck(ctx, p.ID, checks, &next))
	}
	var st State
	switch {
	case p.Kind == hub.PaymentForLoanDeposit:
		// A hold's page is never cancelled here: it expires by itself
		// (Stripe's in a day), and YooKassa's cancel would release a hold
		// the customer has just made.
		st, err = s.stateAt(ctx, prov, p)
	case p.Superseded || checks >= len(checkAfter):
		st, err = s.cancelAt(ctx, prov, p)
	default:
		st, err = s.stateAt(ctx, prov, p)
	}
	if err != nil {
		return errors.Join(err, s.store.SchedulePaymentCheck(ctx, p.ID, checks, &next))
	}
	if _, err := s.settle(ctx, p, st, nil); err != nil {
		return errors.Join(err, s.store.SchedulePaymentCheck(ctx, p.ID, checks, &next))
	}
	return s.store.SchedulePaymentCheck(ctx, p.ID, checks, &next) // a no-op once final
}

// nextCheck is when a payment checked checks times is asked about next.
func (s *Service) nextCheck(p hub.Payment, checks int) time.Time {
	if checks < len(checkAfter) {
		// Counted from when the page was made at the provider: the last
		// write of a pending payment (SetPaymentCreated), its creation for
		// most.
		base := p.CreatedAt
		if p.UpdatedAt.After(base) {
			base = p.UpdatedAt
		}
		at := base.Add(checkAfter[checks])
		if now := s.now(); at.Before(now) {
			at = now.Add(checkAfter[0])
		}
		return at
	}
	return s.now().Add(daily)
}

// branchProvider is the provider client a payment was made with.
func (s *Service) branchProvider(ctx context.Context, p hub.Payment) (Provider, error) {
	bp, err := s.store.BranchPayment(ctx, p.BranchID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errors.New("the branch's online payments are off: the payment is checked again later")
	}
	if err != nil {
		return nil, err
	}
	if bp.Provider != p.Provider {
		return nil, errors.New("the branch changed its provider: the payment is checked again later")
	}
	return s.providerFor(bp)
}
