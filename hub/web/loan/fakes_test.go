package loan_test

import (
	"context"
	"errors"
	"sync"

	"naryad/hub"
	"naryad/hub/web/loan"
)

// fakes stand in for identity.Service, the payments service and
// lockerhub: they record what the page asked and answer what the test
// set.
type fakes struct {
	mu sync.Mutex

	identityURL, identityReturn string
	identityErr                 error
	identityCalls               int
	refreshTo                   string // the identity status Refresh moves the loan to; "" none
	refreshErr                  error
	refreshCalls                int
	cancelled                   []string // the sessions CancelCheck was asked to cancel
	cancelErr                   error

	depositURL, depositReturn string
	depositErr                error
	depositCalls              int

	pickup, back       loan.KeyCode
	pickupErr, backErr error
	pickupCalls        int
}

func withFakes(f *fakes) func(*loan.Options) {
	return func(o *loan.Options) {
		o.Identity, o.Deposits, o.Keys = (*fakeIdentity)(f), (*fakeDeposits)(f), (*fakeKeys)(f)
	}
}

type (
	fakeIdentity fakes
	fakeDeposits fakes
	fakeKeys     fakes
)

func (f *fakeIdentity) StartCheck(_ context.Context, l hub.Loan, returnURL string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.identityCalls++
	f.identityReturn = returnURL
	return f.identityURL, f.identityErr
}

func (f *fakeIdentity) CancelCheck(_ context.Context, _ int64, sessionID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cancelled = append(f.cancelled, sessionID)
	return f.cancelErr
}

func (f *fakeIdentity) Refresh(_ context.Context, l hub.Loan) (hub.Loan, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refreshCalls++
	if f.refreshErr != nil {
		return l, f.refreshErr
	}
	if f.refreshTo != "" {
		l.IdentityStatus = f.refreshTo
	}
	return l, nil
}

func (f *fakeDeposits) StartHold(_ context.Context, l hub.Loan, returnURL string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.depositCalls++
	f.depositReturn = returnURL
	return f.depositURL, f.depositErr
}

func (f *fakeKeys) PickupCode(_ context.Context, l hub.Loan) (loan.KeyCode, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pickupCalls++
	if !l.Ready() {
		return loan.KeyCode{}, loan.ErrNotReady
	}
	return f.pickup, f.pickupErr
}

func (f *fakeKeys) ReturnCode(_ context.Context, l hub.Loan) (loan.KeyCode, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if l.State != hub.LoanOut {
		return loan.KeyCode{}, loan.ErrNotReady
	}
	return f.back, f.backErr
}

var errProviderDown = errors.New("provider: 503 Service Unavailable")
