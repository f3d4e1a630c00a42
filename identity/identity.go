// Package identity is what the hub needs from an identity-verification
// provider, for the courtesy car (#20): before a loaner's key is released
// the customer proves who they are on the provider's hosted page (an
// identity document and a selfie), and the hub learns the outcome.
//
// A provider package (identity/stripeid: Stripe Identity) implements
// Check for one branch's account and knows nothing of loans: a
// verification carries the caller's Reference ("loan-<id>") to the
// provider and back, so a webhook can be matched to its loan. Service
// (service.go) is the loan's check on top of it: starting it for the
// customer's loan page, the providers' webhook route, the branches'
// settings. See docs/identity.md.
package identity

import (
	"context"
	"errors"
)

// Check is one provider's identity verification, for one branch's account
// (its credentials are inside). Every call has its own timeout inside.
type Check interface {
	// Name is the provider's name, e.g. "stripe".
	Name() string
	// Start makes a verification and returns the page the customer opens.
	// A retry with the same IdempotencyKey makes no second verification.
	Start(ctx context.Context, r StartRequest) (Started, error)
	// Fetch asks the provider for the verification's current state.
	Fetch(ctx context.Context, providerID string) (State, error)
	// Cancel makes a verification impossible to complete (the customer
	// gave up, the loan was withdrawn). It reports the state after the
	// call: a verification already verified or being processed cannot be
	// cancelled and keeps its state, which the caller must handle.
	Cancel(ctx context.Context, providerID string) (State, error)
}

// StartRequest is what the hub asks to have verified.
type StartRequest struct {
	Reference      string // the hub's reference ("loan-<id>"), kept at the provider and returned in webhooks
	IdempotencyKey string // the same for every retry of this start
	ReturnURL      string // where the provider sends the customer back (absolute http(s))
}

// Started is a verification the provider has made.
type Started struct {
	ProviderID string
	URL        string // the hosted page the customer opens; short-lived, single use: do not store or log it
	State      State
}

// Status is the state of a verification, in Stripe Identity's words (the
// hub's own record uses the same four).
type Status string

const (
	// RequiresInput: the customer has not finished yet, or the last try
	// failed (State.ErrorCode says why) and they may try again.
	RequiresInput Status = "requires_input"
	// Processing: submitted, the provider is checking it.
	Processing Status = "processing"
	// Verified: the document and the selfie were accepted.
	Verified Status = "verified"
	// Canceled: nobody can complete it any more.
	Canceled Status = "canceled"
)

// Valid reports whether s is one of the four statuses.
func (s Status) Valid() bool {
	switch s {
	case RequiresInput, Processing, Verified, Canceled:
		return true
	}
	return false
}

// State is what the provider says of a verification.
type State struct {
	Status      Status
	Reference   string // as given to Start, read back from the provider
	ErrorCode   string // why the last try failed (e.g. document_expired, selfie_face_mismatch); empty when none
	ErrorReason string // the same in the provider's words, for staff
	// URL is a fresh hosted page while the verification waits for input
	// (the one from Start is single use): how a customer who comes back,
	// or failed a try, goes on. Empty in any other state; not to be
	// stored or logged.
	URL string
}

// ErrBadSignature means a webhook's signature did not verify (forged,
// tampered with, signed with another secret, or no secret is set):
// answered 400, nothing stored.
var ErrBadSignature = errors.New("identity webhook signature does not verify")

// ErrStale means a correctly signed webhook carries a time too far from
// now: an old event replayed, or a clock badly off. Answered 400.
var ErrStale = errors.New("identity webhook timestamp outside the tolerance")

// ErrTooLarge means a webhook body is larger than any real event: refused
// before its signature is computed.
var ErrTooLarge = errors.New("identity webhook body too large")

// ErrIgnored means a webhook is genuine but about nothing the hub tracks
// (another event type, a verification the hub did not make): answered 200
// so the provider stops sending it.
var ErrIgnored = errors.New("identity webhook event not tracked")

// Error is a provider's refusal or failure, with whether trying again
// later can help (network, timeout, 409, 429, 5xx) or not (bad key, bad
// parameters, a 4xx).
type Error struct {
	Provider  string
	Op        string // start, fetch, cancel
	Status    int    // the HTTP status, 0 when none came
	Code      string // the provider's error code
	Message   string
	Temporary bool
}

func (e *Error) Error() string {
	return e.Provider + " identity " + e.Op + ": " + e.Message
}
