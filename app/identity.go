package app

import (
	"log/slog"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/admin"
	"naryad/hub/web/inbox"
	"naryad/hub/web/loan"
	"naryad/identity"
	"naryad/identity/stripeid"
)

// The customer's loan page takes the identity service as its Identity,
// and the admin's courtesy cars page as its IdentityCheck.
var (
	_ loan.Identity        = (*identity.Service)(nil)
	_ admin.IdentityCheck  = (*identity.Service)(nil)
	_ inbox.IdentityChecks = (*identity.Service)(nil)
)

// IdentityProviders is each identity provider by name (hub.Identity…):
// a provider missing here has no online check.
func IdentityProviders() map[string]identity.Provider {
	return map[string]identity.Provider{hub.IdentityStripe: stripeid.Provider()}
}

// newIdentity builds the identity service: the branches' Stripe Identity
// from their settings in the store (secrets sealed under the server
// secret; the API key may be the branch's Stripe payments key), its
// messages to the customer through the outbox. baseURLs are the payment
// providers' API addresses to use instead of the real ones: Stripe's is
// the same API (NARYAD_STRIPE_BASE_URL, tests' stripe-mock).
func newIdentity(cfg *cli.Config, st *store.Store, secret string, queued func(), baseURLs map[string]string, log *slog.Logger) (*identity.Service, error) {
	sealer, err := hub.NewSealer(secret)
	if err != nil {
		return nil, err
	}
	bases := map[string]string{}
	if base := paymentBaseURLs(cfg, baseURLs)[hub.ProviderStripe]; base != "" {
		bases[hub.IdentityStripe] = base
	}
	return identity.New(identity.Options{
		Store: st, Sealer: sealer, Providers: IdentityProviders(), PublicURL: cfg.BaseURL(),
		BaseURLs: bases, Queued: queued, Logger: log,
	})
}
