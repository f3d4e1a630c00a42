package payments

import (
	"context"
	"fmt"

	"naryad/hub"
	"naryad/hub/store"
)

// Outcome returns a payment of the thread for the return page, asking the
// provider first while it is still pending (a webhook may be late).
func (s *Service) Outcome(ctx context.Context, threadID, paymentID int64) (hub.Payment, error) {
	p, err := s.store.Payment(ctx, paymentID)
	if err != nil {
		return hub.Payment{}, err
	}
	if p.ThreadID == nil || *p.ThreadID != threadID {
		return hub.Payment{}, fmt.Errorf("payment %d of thread %d: %w", paymentID, threadID, store.ErrNotFound)
	}
	if p.Status != hub.PaymentPending || p.ProviderID == "" {
		return p, nil
	}
	if err := s.check(ctx, p); err != nil {
		s.log.Warn("payment state unknown", "payment", p.ID, "error", err)
		return p, nil // shown as pending: never as paid
	}
	return s.store.Payment(ctx, paymentID)
}

// check asks the provider for a payment's state and applies it.
func (s *Service) check(ctx context.Context, p hub.Payment) error {
	bp, err := s.store.BranchPayment(ctx, p.BranchID)
	if err != nil {
		return err
	}
	if bp.Provider != p.Provider {
		return fmt.Errorf("payment %d is at %s, the branch now uses %s", p.ID, p.Provider, bp.Provider)
	}
	prov, err := s.providerFor(bp)
	if err != nil {
		return err
	}
	cctx, cancel := s.call(ctx)
	st, err := prov.Fetch(cctx, p.ProviderID)
	cancel()
	if err != nil {
		return err
	}
	_, err = s.settle(ctx, p, st, nil)
	return err
}
