package stripeid

import (
	"context"
	"errors"
	"net/http"

	"github.com/stripe/stripe-go/v82"

	"naryad/identity"
)

// Fetch asks Stripe for the VerificationSession's state.
func (c *check) Fetch(ctx context.Context, providerID string) (identity.State, error) {
	s, err := c.retrieve(ctx, "fetch", providerID)
	if err != nil {
		return identity.State{}, err
	}
	return knownState("fetch", s)
}

func (c *check) retrieve(ctx context.Context, op, sessionID string) (*stripe.IdentityVerificationSession, error) {
	if sessionID == "" {
		return nil, refusal(op, "no VerificationSession id")
	}
	ctx, cancel := c.call(ctx)
	defer cancel()
	s, err := c.client.V1IdentityVerificationSessions.Retrieve(ctx, sessionID, &stripe.IdentityVerificationSessionRetrieveParams{})
	if err != nil {
		return nil, apiError(op, err)
	}
	return s, nil
}

// Cancel cancels a session that waits for the customer (requires_input),
// the only state Stripe lets one be cancelled in. A session that is
// processing, verified or already canceled is left as it is and its state
// returned: a verified one stays verified.
func (c *check) Cancel(ctx context.Context, providerID string) (identity.State, error) {
	s, err := c.retrieve(ctx, "cancel", providerID)
	if err != nil {
		return identity.State{}, err
	}
	if s.Status != stripe.IdentityVerificationSessionStatusRequiresInput {
		return knownState("cancel", s)
	}
	callCtx, cancel := c.call(ctx)
	defer cancel()
	canceled, err := c.client.V1IdentityVerificationSessions.Cancel(callCtx, providerID, &stripe.IdentityVerificationSessionCancelParams{})
	if err != nil {
		// Stripe refuses to cancel a session the customer submitted a
		// moment ago: then its state is the answer.
		var e *stripe.Error
		if errors.As(err, &e) && e.HTTPStatusCode == http.StatusBadRequest {
			return c.Fetch(ctx, providerID)
		}
		return identity.State{}, apiError("cancel", err)
	}
	return knownState("cancel", canceled)
}

// sessionState reads a VerificationSession as an identity.State. Stripe
// may keep last_error from a failed try while a new one is processing or
// after it verified, so the error is only given for a session that waits
// for input again or was canceled.
func sessionState(s *stripe.IdentityVerificationSession) identity.State {
	st := identity.State{Status: identity.Status(s.Status), Reference: s.Metadata[MetadataReference]}
	if st.Reference == "" {
		st.Reference = s.ClientReferenceID
	}
	if s.LastError != nil && (st.Status == identity.RequiresInput || st.Status == identity.Canceled) {
		st.ErrorCode, st.ErrorReason = string(s.LastError.Code), s.LastError.Reason
	}
	// Stripe gives a new single-use url with every retrieve of a session
	// that waits for input, and none otherwise.
	if st.Status == identity.RequiresInput {
		st.URL = s.URL
	}
	return st
}

// knownState is sessionState, refusing a status the hub does not know (a
// newer API): the caller must not read it as any of the four.
func knownState(op string, s *stripe.IdentityVerificationSession) (identity.State, error) {
	st := sessionState(s)
	if !st.Status.Valid() {
		return identity.State{}, &identity.Error{Provider: Name, Op: op, Code: "unknown_status",
			Message: "the VerificationSession " + s.ID + " has the unknown status " + string(s.Status)}
	}
	return st, nil
}
