package identity

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"naryad/hub"
)

// Refresh asks the provider what became of the loan's verification and
// applies it as the webhook would (apply: forward only, with the same
// effects, in one transaction), then returns the loan as it is now. The
// loan page calls it when it loads: a customer back from Stripe's page
// before the webhook arrives then reads "being checked" (or verified)
// instead of the start button. A loan with nothing to ask (not offered, not
// online, no verification yet, the check past waiting) is returned as it
// is without a call. A failure (no answer in time, the branch's check not
// set up) is returned with the loan unchanged: the page stays usable.
func (s *Service) Refresh(ctx context.Context, l hub.Loan) (hub.Loan, error) {
	if !refreshable(l) {
		return l, nil
	}
	check, err := s.checkFor(ctx, l.BranchID)
	if err != nil {
		return l, fmt.Errorf("identity: refresh loan %d: %w", l.ID, err)
	}
	cctx, cancel := s.call(ctx)
	st, err := check.Fetch(cctx, l.IdentityProviderID)
	cancel()
	var pe *Error
	switch {
	case errors.As(err, &pe) && pe.Status == http.StatusNotFound:
		// The branch changed accounts: the next start makes a new one.
		return l, nil
	case err != nil:
		return l, fmt.Errorf("identity: refresh loan %d: fetch %s: %w", l.ID, l.IdentityProviderID, err)
	}
	o := outcome{Provider: check.Name(), Session: l.IdentityProviderID, Status: st.Status, ErrorCode: st.ErrorCode, ErrorReason: st.ErrorReason}
	changed, err := s.apply(ctx, l.BranchID, l.ID, o, nil)
	if err != nil {
		return l, err
	}
	if !changed {
		return l, nil
	}
	s.log.Info("identity outcome read back from the provider before its webhook", "loan", l.ID, "status", st.Status)
	after, err := s.store.Loan(ctx, l.ID)
	if err != nil {
		return l, fmt.Errorf("identity: refresh loan %d: read it back: %w", l.ID, err)
	}
	return after, nil
}

// refreshable tells whether the provider may know more than the loan: an
// offered loan on the online check with a verification that is waiting for
// the customer or being processed.
func refreshable(l hub.Loan) bool {
	return l.State == hub.LoanOffered && l.IdentityMethod == hub.IdentityStripe && l.IdentityProviderID != "" &&
		(l.IdentityStatus == hub.IdentityPending || l.IdentityStatus == hub.IdentityProcessing)
}
