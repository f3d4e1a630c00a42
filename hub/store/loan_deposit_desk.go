package store

import (
	"context"
	"errors"
	"fmt"

	"naryad/hub"
)

// DepositsOnline tells whether a branch can take a deposit in currency as
// a card hold online: it has payment settings, with a provider that takes
// the currency. The loan's page offers the provider's page only then and
// otherwise says the deposit is left at the desk (hub.DepositDesk, which
// every branch can take). Read here, not asked of the payments package:
// core never imports an integration.
func (s *Store) DepositsOnline(ctx context.Context, branchID int64, currency string) (bool, error) {
	bp, err := s.BranchPayment(ctx, branchID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("deposits online of branch %d: %w", branchID, err)
	}
	return hub.ProviderTakes(bp.Provider, currency), nil
}
