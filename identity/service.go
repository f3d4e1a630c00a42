package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// Options wire a Service. Store and Sealer are required; the rest take the
// default each names.
type Options struct {
	Store  *store.Store
	Sealer *hub.Sealer // opens the branches' secrets
	// Providers are the provider packages by name (hub.IdentityStripe:
	// stripeid.Provider()); a branch whose provider is missing here has
	// no online check.
	Providers map[string]Provider
	// PublicURL is the hub's public address, for the webhook address an
	// admin pastes into the provider's dashboard; default none (the
	// address is shown as a path).
	PublicURL string
	// BaseURLs points a provider at another API address (tests:
	// stripe-mock); empty: the provider's real one.
	BaseURLs map[string]string
	// Queued wakes the outbox after a commit that queued a message to the
	// customer; default: nothing (the outbox finds it at its next poll).
	Queued  func()
	Logger  *slog.Logger
	Now     func() time.Time // default time.Now
	Timeout time.Duration    // of each provider call; default 20 s
}

// Service is the online identity check of the courtesy car's loan (issue
// 20): it starts the branch's provider verification for a loan (the
// customer page's Identity), reads the provider's webhooks and moves the
// loan's check forward with its effects (the DMS feed's change, the
// thread's system line, the customer's message) in one transaction, and
// lets admins set a branch's account and webhook secret.
type Service struct {
	store     *store.Store
	sealer    *hub.Sealer
	providers map[string]Provider
	publicURL string
	baseURLs  map[string]string
	queued    func()
	log       *slog.Logger
	now       func() time.Time
	timeout   time.Duration
}

// New wires the service.
func New(o Options) (*Service, error) {
	switch {
	case o.Store == nil:
		return nil, errors.New("identity: no store")
	case o.Sealer == nil:
		return nil, errors.New("identity: no sealer")
	}
	if o.Queued == nil {
		o.Queued = func() {}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Second
	}
	return &Service{
		store: o.Store, sealer: o.Sealer, providers: o.Providers, publicURL: strings.TrimRight(o.PublicURL, "/"),
		baseURLs: o.BaseURLs, queued: o.Queued, log: o.Logger.With("module", "identity"), now: o.Now, timeout: o.Timeout,
	}, nil
}

// Reference is what a loan's verification carries to the provider and
// back ("loan-<id>"): staff find it in the provider's dashboard by it,
// and a webhook names its loan by it.
func Reference(loanID int64) string { return "loan-" + strconv.FormatInt(loanID, 10) }

// LoanOf reads a Reference; false for anything else.
func LoanOf(ref string) (int64, bool) {
	digits, ok := strings.CutPrefix(ref, "loan-")
	if !ok || digits == "" || len(digits) > 18 || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, false
	}
	id, err := strconv.ParseInt(digits, 10, 64)
	return id, err == nil && id > 0
}

// idempotencyKey is the same for every start of a loan's check until its
// verification ends (canceled, or unknown at the provider): then the next
// start, keyed by the one before, makes a new verification. Two presses
// at once share a key, so the provider makes one.
func idempotencyKey(loanID int64, previous string) string {
	key := "naryad-" + Reference(loanID) + "-identity"
	if previous != "" {
		key += "-after-" + previous
	}
	return key
}

// errNotSet means the branch has no online check to use: no settings, no
// webhook secret, no API key, or a provider this build lacks.
var errNotSet = errors.New("identity: the branch's online identity check is not set up")

// checkFor builds the check of a branch's account: its own key, else the
// secret key of its Stripe payment settings (the same Stripe account).
// The webhook secret must be set too: without it no outcome would ever
// arrive.
func (s *Service) checkFor(ctx context.Context, branchID int64) (Check, error) {
	bi, err := s.store.BranchIdentity(ctx, branchID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("branch %d: no identity settings: %w", branchID, errNotSet)
	}
	if err != nil {
		return nil, err
	}
	prov, ok := s.providers[bi.Provider]
	if !ok {
		return nil, fmt.Errorf("branch %d: provider %q not in this build: %w", branchID, bi.Provider, errNotSet)
	}
	if bi.WebhookSealed == "" {
		return nil, fmt.Errorf("branch %d: no webhook secret: %w", branchID, errNotSet)
	}
	key, err := s.apiKey(ctx, bi)
	if err != nil {
		return nil, err
	}
	c, err := prov.New(ProviderConfig{SecretKey: key, BaseURL: s.baseURLs[bi.Provider], Timeout: s.timeout})
	if err != nil {
		return nil, fmt.Errorf("identity: %s of branch %d: %w", bi.Provider, branchID, err)
	}
	return c, nil
}

// apiKey is the key a branch's checks use, in clear.
func (s *Service) apiKey(ctx context.Context, bi hub.BranchIdentity) (string, error) {
	if bi.SecretSealed != "" {
		key, err := s.sealer.Open(bi.SecretSealed)
		if err != nil {
			return "", fmt.Errorf("identity: secret key of branch %d: %w", bi.BranchID, err)
		}
		return key, nil
	}
	key, err := s.paymentsKey(ctx, bi.BranchID, bi.Provider)
	if err != nil {
		return "", err
	}
	if key == "" {
		return "", fmt.Errorf("branch %d: no API key of its own, and no %s payments: %w", bi.BranchID, bi.Provider, errNotSet)
	}
	return key, nil
}

// paymentsKey is the secret key of the branch's payment settings when they
// are the same provider's account ("" otherwise). Read through the store,
// never the payments package: integrations do not import each other.
func (s *Service) paymentsKey(ctx context.Context, branchID int64, provider string) (string, error) {
	if provider != hub.ProviderStripe {
		return "", nil
	}
	bp, err := s.store.BranchPayment(ctx, branchID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && bp.Provider != provider) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	key, err := s.sealer.Open(bp.SecretSealed)
	if err != nil {
		return "", fmt.Errorf("identity: the payments secret key of branch %d: %w", branchID, err)
	}
	return key, nil
}

// call bounds one provider call by the service's timeout (the provider
// packages have their own too).
func (s *Service) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout+5*time.Second)
}

// UserError is a refusal meant for the person who asked: a customer's
// (StartCheck: Msg in their language, no Key) or an admin's (Configure: a
// Key the admin page words in its reader's language, Msg in English).
// Pages recognise it by its methods (hub/web/staffpage, the loan page).
type UserError struct {
	Key  string
	Args []any
	Msg  string
	// wrapped is what errors.Is finds inside: hub/web/loan's ErrNotReady
	// when the check needs nothing from the customer now.
	wrapped error
}

func (e *UserError) Error() string { return e.Msg }

// Unwrap lets a page tell a check that needs nothing now (loan.ErrNotReady).
func (e *UserError) Unwrap() error { return e.wrapped }

// UserMessage is the words a page shows.
func (e *UserError) UserMessage() string { return e.Msg }

// UserRefusal is the refusal's key and blanks for staff pages.
func (e *UserError) UserRefusal() (string, []any) { return e.Key, e.Args }
