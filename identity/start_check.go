package identity

import (
	"context"
	"errors"
	"net/http"

	"naryad/hub"
	"naryad/hub/store"
)

// StartCheck begins a loan's online identity check, or resumes the one
// waiting for the customer, and returns the provider's hosted page (single
// use: never stored or logged). It is the customer page's Identity
// (hub/web/loan). The verification carries Reference(loan) and an
// idempotency key that stays the same until the verification ends, so
// fifteen presses at once make one; its id is recorded on the loan
// (store.ChangeLoan, no feed change). A verification the provider is
// already checking, or has verified, is recorded as such (the webhook may
// be late) and no page is given. A refusal is a *UserError in the loan's
// language; one that means the check needs nothing from the customer now
// also is hub/web/loan's ErrNotReady.
func (s *Service) StartCheck(ctx context.Context, l hub.Loan, returnURL string) (string, error) {
	url, err := s.startCheck(ctx, l.ID, returnURL)
	var p customerProblem
	if errors.As(err, &p) {
		return "", p.userError(l.Locale)
	}
	return url, err
}

func (s *Service) startCheck(ctx context.Context, loanID int64, returnURL string) (string, error) {
	for range 3 {
		l, err := s.store.Loan(ctx, loanID)
		if err != nil {
			return "", err
		}
		if l.State != hub.LoanOffered || l.IdentityMethod != hub.IdentityStripe {
			return "", problemNotNeeded
		}
		if l.IdentityStatus != hub.IdentityPending && l.IdentityStatus != hub.IdentityProcessing {
			return "", problemNotNeeded
		}
		check, err := s.checkFor(ctx, l.BranchID)
		if errors.Is(err, errNotSet) {
			s.log.Warn("identity check asked of a branch without one", "loan", l.ID, "branch", l.BranchID, "error", err)
			return "", problemUnavailable
		}
		if err != nil {
			// A secret that no longer opens (the server secret changed), a
			// key the provider package refuses: an admin must set it again.
			s.log.Error("identity check of the branch cannot be built", "loan", l.ID, "branch", l.BranchID, "error", err)
			return "", problemUnavailable
		}
		prev := l.IdentityProviderID
		if prev != "" {
			url, done, err := s.resume(ctx, check, l)
			if done || err != nil {
				return url, err
			}
		} else if l.IdentityStatus != hub.IdentityPending {
			return "", problemNotNeeded
		}
		cctx, cancel := s.call(ctx)
		started, err := check.Start(cctx, StartRequest{Reference: Reference(l.ID), IdempotencyKey: idempotencyKey(l.ID, prev), ReturnURL: returnURL})
		cancel()
		if err != nil {
			return "", s.providerProblem("start", l, err)
		}
		_, err = s.store.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error {
			if x.IdentityProviderID != prev && x.IdentityProviderID != started.ProviderID {
				return store.ErrLoanChanged // another press started one a moment ago
			}
			x.IdentityProviderID = started.ProviderID
			if x.IdentityStatus == hub.IdentityProcessing {
				x.IdentityStatus = hub.IdentityPending // the verification before was canceled
			}
			return nil
		})
		switch {
		case errors.Is(err, store.ErrLoanChanged):
			continue // read again: the other press's verification is resumed
		case errors.Is(err, store.ErrLoanMove):
			return "", problemNotNeeded
		case err != nil:
			return "", err
		}
		s.log.Info("identity check started", "loan", l.ID, "provider", check.Name(), "verification", started.ProviderID)
		return started.URL, nil
	}
	return "", problemTryAgain
}

// resume asks the provider about the loan's verification: one waiting for
// input gives its fresh page (done); one being checked or verified is
// recorded (the webhook may be late) and gives none; a canceled one, or
// one the provider does not know (the branch changed accounts), is to be
// replaced by a new one (not done).
func (s *Service) resume(ctx context.Context, check Check, l hub.Loan) (url string, done bool, err error) {
	cctx, cancel := s.call(ctx)
	st, err := check.Fetch(cctx, l.IdentityProviderID)
	cancel()
	var pe *Error
	switch {
	case errors.As(err, &pe) && pe.Status == http.StatusNotFound:
		s.log.Warn("identity verification unknown at the provider: a new one is made", "loan", l.ID, "verification", l.IdentityProviderID)
		return "", false, nil
	case err != nil:
		return "", true, s.providerProblem("fetch", l, err)
	}
	o := outcome{Provider: check.Name(), Session: l.IdentityProviderID, Status: st.Status, ErrorCode: st.ErrorCode, ErrorReason: st.ErrorReason}
	switch st.Status {
	case RequiresInput:
		if l.IdentityStatus == hub.IdentityProcessing {
			// A failed try whose webhook has not come (or came first and
			// was put right): the customer tries again now.
			if _, err := s.apply(ctx, l.BranchID, l.ID, o, nil); err != nil {
				return "", true, err
			}
		}
		if st.URL == "" {
			return "", true, problemTryAgain
		}
		return st.URL, true, nil
	case Processing, Verified:
		if _, err := s.apply(ctx, l.BranchID, l.ID, o, nil); err != nil {
			return "", true, err
		}
		return "", true, problemNotNeeded
	}
	return "", false, nil // canceled: a new one
}

// providerProblem logs a provider's failure (never a URL) and says it to
// the customer: later may help, or it will not.
func (s *Service) providerProblem(op string, l hub.Loan, err error) error {
	var pe *Error
	if errors.As(err, &pe) && !pe.Temporary {
		s.log.Error("identity check refused by the provider", "op", op, "loan", l.ID, "branch", l.BranchID, "error", err)
		return problemUnavailable
	}
	s.log.Warn("identity provider did not answer", "op", op, "loan", l.ID, "branch", l.BranchID, "error", err)
	return problemProviderDown
}
