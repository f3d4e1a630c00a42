// Package loan is the customer's courtesy-car page, opened from the link
// the advisor's offer sends (/l/<token>): identity check, the agreement
// signed on the phone, the deposit, the key's code, the return (issue 20).
//
// The page reads and writes loans through hub/store (store.ChangeLoan is
// the one write path). What it needs from integrations is declared here,
// and app passes the implementations in: identity.Service, the payments
// service and lockerhub. Each may be nil, and the page then says what the
// customer does instead.
package loan

import (
	"context"
	"errors"
	"time"

	"naryad/hub"
)

// Identity is the branch's online identity check (Stripe Identity); app
// passes identity.Service. nil: every branch uses the manual check (the
// customer photographs their papers, an advisor compares them).
type Identity interface {
	// StartCheck begins the loan's online check, or resumes one still
	// waiting for the customer, and returns the provider's hosted page:
	// single use, never stored or logged. returnURL is where the provider
	// sends the customer back, whatever happened; the result arrives by
	// the provider's webhook (or a fetch), never from the return itself.
	StartCheck(ctx context.Context, l hub.Loan, returnURL string) (string, error)
	// Refresh asks the provider about the loan's verification and applies
	// what it says as its webhook would, returning the loan as it is now:
	// the customer may be back before the webhook. A failure returns the
	// loan unchanged with the error.
	Refresh(ctx context.Context, l hub.Loan) (hub.Loan, error)
	// CancelCheck cancels the branch's verification sessionID at the
	// provider ("" asks nothing): the loan left it for the photos. Best
	// effort: an error is logged.
	CancelCheck(ctx context.Context, branchID int64, sessionID string) error
}

// Deposits holds the loan's deposit on the customer's card through the
// branch's payment provider; app passes the payments service. nil: no
// branch can take a deposit, and a loan that asks for one is never ready.
type Deposits interface {
	// StartHold returns the provider's hosted page where the customer
	// authorises a hold of l.DepositMinor l.DepositCurrency. The hold is
	// recorded (deposit held, a `loan` change) when the provider confirms
	// it by webhook or poll, never from the return alone.
	StartHold(ctx context.Context, l hub.Loan, returnURL string) (string, error)
}

// Keys hands the courtesy car's key over through the branch's key locker;
// app passes lockerhub. nil, or ErrNoLocker from a call: the key changes
// hands at the desk and staff mark the loan out and returned.
type Keys interface {
	// PickupCode is the code that opens the compartment holding the car's
	// key, for a Ready loan (else ErrNotReady), also sent on the
	// customer's channel. Taking the key moves the loan out.
	// ErrKeyNotInLocker: staff have not put the key in yet.
	PickupCode(ctx context.Context, l hub.Loan) (KeyCode, error)
	// ReturnCode is the drop-off code for the key of a loan that is out
	// (else ErrNotReady). The key dropped off moves the loan returned.
	ReturnCode(ctx context.Context, l hub.Loan) (KeyCode, error)
}

// KeyCode is a locker code for the customer, with where to use it.
type KeyCode struct {
	Code      string
	SiteName  string
	Address   string
	ExpiresAt time.Time
}

// Errors the Keys give, for the page to explain.
var (
	ErrNoLocker       = errors.New("the branch hands courtesy-car keys over at the desk")
	ErrKeyNotInLocker = errors.New("the courtesy car's key is not in the locker yet")
	ErrNotReady       = errors.New("the loan is not at that step")
	// ErrIdentityUnavailable is an Identity's refusal that waiting will
	// not cure: the branch's online check is not set up, or the provider
	// refuses it for good (a bad key, a disabled product). The page then
	// moves the loan to the manual check (photos) rather than leave the
	// customer in front of a button that cannot work. A timeout or a
	// provider down is not this: the customer tries again.
	ErrIdentityUnavailable = errors.New("the branch's online identity check cannot be used")
)
