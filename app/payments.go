package app

import (
	"log/slog"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/customer"
	"naryad/hub/web/loan"
	"naryad/payments"
	"naryad/payments/stripepay"
	"naryad/payments/yookassa"
	"naryad/templates"
)

// The customer page takes the payments service as its Payments (the
// staff pages' interfaces are met by the same methods).
var _ customer.Payments = (*payments.Service)(nil)

// The courtesy car's page (hub/web/loan) takes it as its Deposits: the
// deposit is a card hold at the branch's provider (issue 20).
var _ loan.Deposits = (*payments.Service)(nil)

// PaymentProviders is each payment provider's client maker by name
// (hub.Provider…), for the payments service and `naryad payments set`:
// a provider missing here cannot be configured. A third provider is one
// package and one line here.
func PaymentProviders() map[string]payments.Factory {
	return map[string]payments.Factory{
		hub.ProviderStripe:   stripepay.New,
		hub.ProviderYooKassa: yookassa.New,
	}
}

// paymentPageOrigins are the providers' hosted pages, where the customer
// page's pay button may redirect.
func paymentPageOrigins() []string {
	return []string{stripepay.HostedOrigin, yookassa.HostedOrigin}
}

// paymentBaseURLs are the providers' API addresses to use instead of
// their real ones: the settings NARYAD_STRIPE_BASE_URL and
// NARYAD_YOOKASSA_BASE_URL (a test running the binary against
// stripe-mock), overridden by Deps.PaymentBaseURLs (in-process tests).
func paymentBaseURLs(cfg *cli.Config, deps map[string]string) map[string]string {
	out := map[string]string{}
	for name, base := range map[string]string{hub.ProviderStripe: cfg.StripeBaseURL, hub.ProviderYooKassa: cfg.YooKassaBaseURL} {
		if base != "" {
			out[name] = base
		}
	}
	for name, base := range deps {
		out[name] = base
	}
	return out
}

// newPayments builds the payments service: the branches' providers from
// their settings in the store (secrets sealed under the server secret),
// its messages through the hub's templates, links and outbox, and the key
// locker's pickup PIN when a payment makes a work order paid. baseURLs
// replaces providers' API addresses (tests).
func newPayments(cfg *cli.Config, st *store.Store, secret string, texts *templates.Renderer, links *hub.Links,
	queued func(), lockers payments.Lockers, baseURLs map[string]string, log *slog.Logger) (*payments.Service, error) {
	sealer, err := hub.NewSealer(secret)
	if err != nil {
		return nil, err
	}
	return payments.New(payments.Options{
		Store: st, Sealer: sealer, Texts: texts, Links: links, Queued: queued, Lockers: lockers,
		Providers: PaymentProviders(), PublicURL: cfg.BaseURL(), Logger: log, BaseURLs: paymentBaseURLs(cfg, baseURLs),
	})
}
