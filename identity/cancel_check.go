package identity

import (
	"context"
	"fmt"
)

// CancelCheck cancels the provider's verification sessionID of a branch's
// account: the loan left it for the photos (identity_manual), so the
// customer's link to the provider's page must not work any more (a
// document and a selfie sent there would reach nobody; the hub no longer
// matches its events to the loan). Called best effort after the switch
// committed: an error is for the caller's log only. A verification the
// provider is processing or has finished cannot be cancelled and is left
// as it is. "" (no verification was ever made) asks nothing.
func (s *Service) CancelCheck(ctx context.Context, branchID int64, sessionID string) error {
	if sessionID == "" {
		return nil
	}
	check, err := s.checkFor(ctx, branchID)
	if err != nil {
		return fmt.Errorf("identity: cancel %s of branch %d: %w", sessionID, branchID, err)
	}
	cctx, cancel := s.call(ctx)
	defer cancel()
	st, err := check.Cancel(cctx, sessionID)
	if err != nil {
		return fmt.Errorf("identity: cancel %s of branch %d: %w", sessionID, branchID, err)
	}
	if st.Status != Canceled {
		s.log.Info("identity verification not cancelled: the provider is past waiting for the customer", "session", sessionID, "status", st.Status)
	}
	return nil
}
