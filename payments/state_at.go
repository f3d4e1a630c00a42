package payments

import (
	"context"
	"errors"

	"naryad/hub"
)

// errNoHolds: a hold was made at a provider whose client takes no holds
// (a build that dropped them); it is checked again later.
var errNoHolds = errors.New("payments: the provider takes no deposit holds")

// stateAt asks the provider for a payment's state: a hold's by
// HoldState, which tells a hold in place from a page still open (Fetch
// reads both as pending), any other payment's by Fetch.
func (s *Service) stateAt(ctx context.Context, prov Provider, p hub.Payment) (State, error) {
	cctx, cancel := s.call(ctx)
	defer cancel()
	if p.Kind != hub.PaymentForLoanDeposit {
		return prov.Fetch(cctx, p.ProviderID)
	}
	h, ok := prov.(Holds)
	if !ok {
		return State{}, errNoHolds
	}
	return h.HoldState(cctx, p.ProviderID)
}

// cancelAt closes a pending payment's page at the provider and returns
// the state after. A hold is read with HoldState around the call, so one
// the customer authorised a moment ago is recorded as held rather than
// cancelled (YooKassa's Cancel would release it).
func (s *Service) cancelAt(ctx context.Context, prov Provider, p hub.Payment) (State, error) {
	if p.Kind != hub.PaymentForLoanDeposit {
		cctx, cancel := s.call(ctx)
		defer cancel()
		return prov.Cancel(cctx, p.ProviderID)
	}
	st, err := s.stateAt(ctx, prov, p)
	if err != nil || st.Status != hub.PaymentPending {
		return st, err
	}
	cctx, cancel := s.call(ctx)
	_, err = prov.Cancel(cctx, p.ProviderID)
	cancel()
	if err != nil {
		return State{}, err
	}
	return s.stateAt(ctx, prov, p)
}
